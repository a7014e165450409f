import { PairbookError } from '../../protocol/errors';
import { type GuestRole, isGuestRole } from '../../protocol/roles';
import { isSignalingUrl } from '../../protocol/invite';
import type { IceConfig } from '../hub/ice-servers';
import { iceOption } from './ice-option';
import { KERNEL_OPTIONS, UsageError, oneFile, parseOptions, portOption } from './options';
import { exitCodeWhenAsked } from './parent-watch';
import type { Hub } from '../hub/hub';
import type { NotebookSession } from '../session/notebook-session';
import { readKnockAnswers, reportEvents } from './host-events';
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

/** Prints one event: a JSON line with --json, else a sentence for a person. */
export type Say = (event: string, fields: Record<string, unknown>, text: string) => void;

interface HostOptions {
  file: string;
  port: number;
  role: GuestRole;
  expiresMin: number | null;
  ice: IceConfig | undefined;
  values: {
    knock?: boolean;
    json?: boolean;
    listen?: string;
    signaling?: string[];
    'no-kernel'?: boolean;
    'jupyter-server'?: string;
  };
}

/** The options of `pairbook host`, or a UsageError's message on stderr and null. */
function hostOptions(args: string[]): HostOptions | null {
  try {
    const parsed = parseOptions('host', args, {
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
    for (const url of parsed.values.signaling ?? []) {
      if (!isSignalingUrl(url))
        throw new UsageError(
          `--signaling must be a ws:// or wss:// URL, not ${JSON.stringify(url)}`,
        );
    }
    return {
      file: oneFile('host', parsed.positionals),
      port: portOption(parsed.values.port) ?? 0,
      role: roleOption(parsed.values.role),
      expiresMin: expiresOption(parsed.values.expires),
      ice: iceOption(parsed.values.ice ?? []),
      values: parsed.values,
    };
  } catch (e) {
    if (!(e instanceof UsageError)) throw e;
    process.stderr.write(`pairbook host: ${e.message}\n`);
    return null;
  }
}

/**
 * `pairbook host FILE`: shares a notebook from a machine with no display. Prints the invite link
 * (with --json, one JSON line per event: recovered, ready, knock, join, leave, role, save, stopped); with
 * --knock, each guest is admitted by typing "admit" or "deny" (with --json: a JSON line
 * {"admit": PEER} / {"deny": PEER} on stdin). Ctrl-C stops sharing, saves and exits.
 */
export async function host(args: string[]): Promise<number> {
  const options = hostOptions(args);
  if (!options) return 2;
  const v = options.values;
  // The session, kernel and sharing code loads only now: a wrong option is refused at once.
  const { kernelPlan, startKernels } = await import('./kernel-options');
  const { Hub } = await import('../hub/hub');
  const kernels = kernelPlan('host', v);
  if (!kernels) return 2;
  const json = v.json ?? false;
  const say: Say = (event, fields, text) => {
    if (json) process.stdout.write(JSON.stringify({ event, ...fields }) + '\n');
    else process.stdout.write(`pairbook: ${text}\n`);
  };
  const session = await openForHosting(options.file, say);
  if (!session) return 1;
  const hub = new Hub(session, {
    knock: v.knock ?? false,
    signaling: v.signaling ?? [],
    listen: { host: v.listen ?? '127.0.0.1', port: options.port },
    ...(options.ice ? { ice: options.ice } : {}),
  });
  // Ctrl-C is taken from here on: whoever reads the link may interrupt at once.
  const stopped = stopWhenSignalled(hub, session, say, json);
  if (!(await startSharing(hub, session, options, say))) return 1;
  // Only runners can use a kernel, or choose one: with --no-kernel they start one from the picker.
  if (options.role === 'runner') startKernels(session, kernels);
  reportEvents(hub, session, say);
  readKnockAnswers(hub, say);
  return stopped;
}

/** Opens `file` and says what it recovered; null (said on stderr) when it cannot be opened. */
async function openForHosting(file: string, say: Say): Promise<NotebookSession | null> {
  const { NotebookSession } = await import('../session/notebook-session');
  let session: NotebookSession;
  try {
    session = await NotebookSession.open(file, { dataDir: dataDir() });
  } catch (e) {
    if (!(e instanceof PairbookError)) throw e;
    process.stderr.write(`pairbook host: ${e.message}\n`);
    return null;
  }
  const recovery = session.recovery;
  if (recovery?.kind === 'replayed') {
    const text = `recovered ${recovery.updates} unsaved edits of ${session.name} from the last run`;
    say('recovered', { kind: recovery.kind, updates: recovery.updates }, text);
  } else if (recovery) {
    say('recovered', { kind: recovery.kind, path: recovery.recoveredPath }, recovery.message);
  }
  return session;
}

/** Resolves with the exit code once a signal (or the parent's end) stopped sharing and saved. */
function stopWhenSignalled(
  hub: Hub,
  session: NotebookSession,
  say: Say,
  json: boolean,
): Promise<number> {
  return exitCodeWhenAsked(
    async () => {
      await hub.stop();
      await session.close();
    },
    (why) => {
      if (!json)
        process.stderr.write(`\npairbook: ${why}: stopping sharing and saving ${session.name}\n`);
    },
    (why) => {
      say('stopped', { signal: why }, 'stopped');
      process.stdin.pause();
    },
  );
}

/** Starts the hub and prints the invite; false (said on stderr, session closed) on failure. */
async function startSharing(
  hub: Hub,
  session: NotebookSession,
  { role, expiresMin, values }: HostOptions,
  say: Say,
): Promise<boolean> {
  try {
    await hub.start();
    const invite = await hub.createInvite(role, expiresMin === null ? null : expiresMin * 60_000);
    say(
      'ready',
      {
        invite: invite.link,
        role,
        notebook: session.path,
        sessionId: hub.sessionId,
        expiresAt: invite.expiresAt,
        knock: values.knock ?? false,
      },
      `sharing ${session.name} as ${role}; send this link:\n${invite.link}`,
    );
    return true;
  } catch (e) {
    process.stderr.write(`pairbook host: cannot start sharing: ${(e as Error).message}\n`);
    await session.close();
    return false;
  }
}
