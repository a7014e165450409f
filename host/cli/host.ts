import { PairbookError } from '../../protocol/errors';
import { type GuestRole, isGuestRole } from '../../protocol/roles';
import { isSignalingUrl } from '../../protocol/invite';
import type { IceConfig } from '../hub/ice-servers';
import { iceOption } from './ice-option';
import { KERNEL_OPTIONS, UsageError, oneFile, parseOptions, portOption } from './options';
import { stopWhenAsked } from './parent-watch';
import type { NotebookSession } from '../session/notebook-session';
import { dataDir } from './serve';

function roleOption(value: string | undefined): GuestRole {
  if (isGuestRole(value)) return value;
  throw new UsageError(`--role must be viewer, editor or runner, not ${JSON.stringify(value)}`);
}

/** --expires: minutes until the invite expires; null (never) when not given. */
function expiresOption(value: string | undefined): number | null {
  if (value === undefined) return null;
  const minutes = value.trim() === '' ? NaN : Number(value);
  if (!(minutes > 0 && Number.isFinite(minutes)))
    throw new UsageError(
      `--expires must be a number of minutes above 0, not ${JSON.stringify(value)}`,
    );
  return minutes;
}

/**
 * `pairbook host FILE`: shares a notebook from a machine with no display. Prints the invite link
 * (with --json, one JSON line per event: recovered, ready, knock, join, leave, role, save, stopped); with
 * --knock, each guest is admitted by typing "admit" or "deny" (with --json: a JSON line
 * {"admit": PEER} / {"deny": PEER} on stdin). Ctrl-C stops sharing, saves and exits.
 */
export async function host(args: string[]): Promise<number> {
  let parsed;
  let file: string;
  let port: number;
  let expiresMin: number | null;
  let role: GuestRole;
  let ice: IceConfig | undefined;
  try {
    parsed = parseOptions('host', args, {
      role: { type: 'string', default: 'editor' },
      knock: { type: 'boolean' },
      json: { type: 'boolean' },
      listen: { type: 'string' },
      port: { type: 'string' },
      signaling: { type: 'string', multiple: true },
      ice: { type: 'string', multiple: true },
      expires: { type: 'string' },
      ...KERNEL_OPTIONS,
    });
    file = oneFile('host', parsed.positionals);
    port = portOption(parsed.values.port) ?? 0;
    role = roleOption(parsed.values.role);
    expiresMin = expiresOption(parsed.values.expires);
    ice = iceOption(parsed.values.ice ?? []);
    for (const url of parsed.values.signaling ?? []) {
      if (!isSignalingUrl(url))
        throw new UsageError(
          `--signaling must be a ws:// or wss:// URL, not ${JSON.stringify(url)}`,
        );
    }
  } catch (e) {
    if (!(e instanceof UsageError)) throw e;
    process.stderr.write(`pairbook host: ${e.message}\n`);
    return 2;
  }
  const v = parsed.values;
  const signaling = v.signaling ?? [];
  // The session, kernel and sharing code loads only now: a wrong option is refused at once.
  const { kernelPlan, startKernels } = await import('./kernel-options');
  const { NotebookSession } = await import('../session/notebook-session');
  const { Hub } = await import('../hub/hub');
  const kernels = kernelPlan('host', v);
  if (!kernels) return 2;
  const json = v.json ?? false;
  const say = (event: string, fields: Record<string, unknown>, text: string) => {
    if (json) process.stdout.write(JSON.stringify({ event, ...fields }) + '\n');
    else process.stdout.write(`pairbook: ${text}\n`);
  };

  let session: NotebookSession;
  try {
    session = await NotebookSession.open(file, { dataDir: dataDir() });
  } catch (e) {
    if (!(e instanceof PairbookError)) throw e;
    process.stderr.write(`pairbook host: ${e.message}\n`);
    return 1;
  }
  const recovery = session.recovery;
  if (recovery?.kind === 'replayed') {
    const text = `recovered ${recovery.updates} unsaved edits of ${session.name} from the last run`;
    say('recovered', { kind: recovery.kind, updates: recovery.updates }, text);
  } else if (recovery) {
    say('recovered', { kind: recovery.kind, path: recovery.recoveredPath }, recovery.message);
  }
  const hub = new Hub(session, {
    knock: v.knock ?? false,
    signaling,
    listen: { host: v.listen ?? '127.0.0.1', port },
    ...(ice ? { ice } : {}),
  });
  // Ctrl-C is taken from here on: whoever reads the link may interrupt at once.
  const stopped = new Promise<number>((resolve) => {
    let stopping = false;
    const stop = async (signal: string) => {
      if (stopping) return;
      stopping = true;
      if (!json)
        process.stderr.write(
          `\npairbook: ${signal}: stopping sharing and saving ${session.name}\n`,
        );
      let code = 0;
      try {
        await hub.stop();
        await session.close();
      } catch (e) {
        process.stderr.write(`pairbook: saving failed: ${(e as Error).message}\n`);
        code = 1;
      }
      say('stopped', { signal }, 'stopped');
      process.stdin.pause();
      resolve(code);
    };
    stopWhenAsked((why) => void stop(why));
  });
  let inviteLink: string;
  try {
    await hub.start();
    const invite = await hub.createInvite(role, expiresMin === null ? null : expiresMin * 60_000);
    inviteLink = invite.link;
    say(
      'ready',
      {
        invite: invite.link,
        role,
        notebook: session.path,
        sessionId: hub.sessionId,
        expiresAt: invite.expiresAt,
        knock: v.knock ?? false,
      },
      `sharing ${session.name} as ${role}; send this link:\n${invite.link}`,
    );
  } catch (e) {
    process.stderr.write(`pairbook host: cannot start sharing: ${(e as Error).message}\n`);
    await session.close();
    return 1;
  }
  // Only runners can use a kernel, or choose one: with --no-kernel they start one from the picker.
  if (role === 'runner') startKernels(session, kernels);
  const knocks = new Map<string, { admit(): void; deny(): void }>();
  hub.on('knock', (k) => {
    knocks.set(k.peerId, k);
    say(
      'knock',
      { peer: k.peerId, name: k.name, role: k.role },
      `${k.name} wants to join as ${k.role}: type "admit ${k.peerId}" or "deny ${k.peerId}"`,
    );
  });
  hub.on('join', (g) => {
    // Whether the guest came in directly or through the TURN relay (docs/networks.md).
    const relayed = hub.connectionPath(g.peerId)?.relayed ?? null;
    say(
      'join',
      { peer: g.peerId, name: g.name, role: g.role, relayed },
      `${g.name} joined as ${g.role}${relayed ? ', through the TURN relay' : ''}`,
    );
  });
  hub.on('leave', (g, reason) =>
    say('leave', { peer: g.peerId, name: g.name, reason }, `${g.name} left (${reason})`),
  );
  hub.on('role', (g, previous) =>
    say(
      'role',
      { peer: g.peerId, name: g.name, role: g.role, previous },
      `${g.name} is now ${g.role}`,
    ),
  );
  hub.on('refused', (w, reason, code) =>
    say(
      'refused',
      { peer: w.peerId, name: w.name, reason, code },
      `${w.name} was turned away: ${reason}`,
    ),
  );
  hub.on('abuse', (g, { code, reason, waitMs }) =>
    say(
      'abuse',
      { peer: g.peerId, name: g.name, invite: g.inviteId, code, reason, waitMs },
      `${g.name} was cut off (${code}: ${reason}); new joins with that link wait ${Math.ceil(waitMs / 1000)} s`,
    ),
  );
  session.on('saved', (s) => say('save', { path: s.path, bytes: s.bytes }, `saved ${s.path}`));
  session.on('save-failed', (e) => say('save-failed', { message: e.message }, e.message));

  process.stdin.setEncoding('utf8');
  let line = '';
  process.stdin.on('data', (chunk: string) => {
    line += chunk;
    let nl: number;
    while ((nl = line.indexOf('\n')) >= 0) {
      const cmd = line.slice(0, nl).trim();
      line = line.slice(nl + 1);
      command(cmd);
    }
  });
  const command = (cmd: string) => {
    let verb: string;
    let peer: string;
    if (cmd.startsWith('{')) {
      try {
        const m = JSON.parse(cmd) as Record<string, unknown>;
        verb = 'admit' in m ? 'admit' : 'deny' in m ? 'deny' : '';
        peer = String(m.admit ?? m.deny ?? '');
      } catch {
        return say('error', { message: 'unreadable command' }, 'unreadable command');
      }
    } else [verb = '', peer = ''] = cmd.split(/\s+/);
    const k = knocks.get(peer);
    if (!k || (verb !== 'admit' && verb !== 'deny')) return;
    knocks.delete(peer);
    if (verb === 'admit') k.admit();
    else k.deny();
  };
  void inviteLink;

  return stopped;
}
