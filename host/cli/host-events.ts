// What `pairbook host` prints as the session goes (joins, leaves, roles, saves, cut-offs), and
// the admit/deny answers it reads on stdin for guests who knock.
import type { Hub } from '../hub/hub';
import type { NotebookSession } from '../session/notebook-session';
import type { Say } from './host';

/** Says each of the hub's and the session's events as it happens. */
export function reportEvents(hub: Hub, session: NotebookSession, say: Say): void {
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
}

/**
 * Says each knock, and admits or denies it on a line of stdin: `admit PEER` / `deny PEER`, or
 * with --json `{"admit": PEER}` / `{"deny": PEER}`.
 */
export function readKnockAnswers(hub: Hub, say: Say): void {
  const knocks = new Map<string, { admit(): void; deny(): void }>();
  hub.on('knock', (k) => {
    knocks.set(k.peerId, k);
    say(
      'knock',
      { peer: k.peerId, name: k.name, role: k.role },
      `${k.name} wants to join as ${k.role}: type "admit ${k.peerId}" or "deny ${k.peerId}"`,
    );
  });
  const command = (cmd: string) => {
    const answer = parseAnswer(cmd);
    if (answer === null)
      return say('error', { message: 'unreadable command' }, 'unreadable command');
    const k = knocks.get(answer.peer);
    if (!k || (answer.verb !== 'admit' && answer.verb !== 'deny')) return;
    knocks.delete(answer.peer);
    if (answer.verb === 'admit') k.admit();
    else k.deny();
  };
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
}

/** The verb and peer of one line; null when a JSON line cannot be read. */
function parseAnswer(cmd: string): { verb: string; peer: string } | null {
  if (!cmd.startsWith('{')) {
    const [verb = '', peer = ''] = cmd.split(/\s+/);
    return { verb, peer };
  }
  try {
    const m = JSON.parse(cmd) as Record<string, unknown>;
    return {
      verb: 'admit' in m ? 'admit' : 'deny' in m ? 'deny' : '',
      peer: String(m.admit ?? m.deny ?? ''),
    };
  } catch {
    return null;
  }
}
