// One attack of the abuse bench, in a process of its own (its CPU and memory are not the host's
// or the honest guests'; the bench runs it at the lowest CPU priority): run for `ms`,
// reconnecting with a fresh guest key whenever the host cuts it off or refuses it, as a
// persistent attacker would. Reports what it did, the reasons it was given and its CPU time.
//   argv: ATTACK VIEWER_LINK EDITOR_LINK MS
import * as encoding from 'lib0/encoding';
import { WebSocket } from 'ws';
import type * as Y from 'yjs';
import { cellsOf } from '../../protocol/ydoc-nbformat';
import { FrameKind } from '../../protocol/framing';
import { attacker } from '../../tests/integration/hub/raw-channel';

const [attack, viewerLink, editorLink, msArg] = process.argv.slice(2) as [
  string,
  string,
  string,
  string,
];
const end = Date.now() + Number(msArg);
const report = {
  attack,
  connections: 0,
  /** Offers the host refused (a reason came back), by reason. */
  refused: {} as Record<string, number>,
  failures: 0,
  byes: {} as Record<string, number>,
  sent: 0,
  cpu_ms: 0,
};
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const KiB = 1024;
const MiB = 1024 * KiB;

function firstFrame(total: number, carry: number): Uint8Array {
  const enc = encoding.createEncoder();
  encoding.writeUint8(enc, FrameKind.First);
  encoding.writeVarUint(enc, total);
  encoding.writeUint8Array(enc, new Uint8Array(carry));
  return encoding.toUint8Array(enc);
}
const more = new Uint8Array(16 * KiB);
more[0] = FrameKind.More;

type Attacker = Awaited<ReturnType<typeof attacker>>;

/** Connects, runs `act`, waits until cut off (or the end), and counts the bye. */
async function round(link: string, act: (m: Attacker) => Promise<void> | void): Promise<void> {
  let m: Attacker;
  try {
    m = await attacker(link, { name: 'Mallory', answerTimeoutMs: 5000 });
    report.connections++;
  } catch (e) {
    // attacker() throws when it could not join: refused (with the host's reason), or no answer.
    const refused = /could not join: (.*) \(refused\)$/.exec((e as Error).message);
    if (refused) {
      const why = (refused[1] as string).replace(/\d+ s$/, 'N s').slice(0, 80);
      report.refused[why] = (report.refused[why] ?? 0) + 1;
    } else {
      report.failures++;
      await sleep(200);
    }
    return;
  }
  if (m.connection.status !== 'connected') {
    // No answer in time (the host's refusals are budgeted, and told once per key and wait), or
    // the attempt failed otherwise; the host's own count of refusals is its `host_refused`.
    report.connections--;
    report.failures++;
    m.connection.destroy();
    return;
  }
  try {
    await act(m);
  } catch {
    // the channel closed under it
  }
  while (m.closed() === null && Date.now() < end) await sleep(20);
  const code = m.bye()?.code ?? (m.closed() === null ? 'still-open' : 'no-bye');
  report.byes[code] = (report.byes[code] ?? 0) + 1;
  m.connection.destroy();
}

async function loop(link: string, act: (m: Attacker) => Promise<void> | void): Promise<void> {
  while (Date.now() < end) await round(link, act);
}

const step1 = new Uint8Array([0, 0, 1, 0]);

const attacks: Record<string, () => Promise<unknown>> = {
  // A viewer asks for the whole notebook 1,500 times, four bytes each.
  'step1-flood': () =>
    loop(viewerLink, (m) => {
      for (let i = 0; i < 1500; i++) m.guest.send(step1);
      report.sent += 1500;
    }),
  // Two viewers announce 256 MiB and stream chunks; two editors announce 16 MiB, send all but the
  // last chunk, and stop.
  'giant-chunks': () =>
    Promise.all([
      ...[0, 1].map(() =>
        loop(viewerLink, async (m) => {
          m.sendFrame(firstFrame(256 * MiB, 16 * KiB - 8));
          for (let i = 0; i < 16_000 && m.closed() === null; i++) {
            m.sendFrame(more);
            report.sent += more.length;
            if (i % 64 === 0) await sleep(1);
          }
        }),
      ),
      ...[0, 1].map(() =>
        loop(editorLink, async (m) => {
          m.sendFrame(firstFrame(16 * MiB, 16 * KiB - 8));
          for (let i = 0; i < 1000 && m.closed() === null; i++) {
            m.sendFrame(more);
            report.sent += more.length;
            if (i % 64 === 0) await sleep(1);
          }
        }),
      ),
    ]),
  // Presence under a fresh client id each time, as fast as it goes.
  'awareness-flood': () =>
    loop(editorLink, (m) => {
      for (let i = 0; i < 3000; i++) {
        const client = 1_000_000 + report.sent++;
        m.guest.sendAwareness([{ client, clock: 1, state: { user: { name: `bot${client}` } } }]);
      }
    }),
  // Valid document updates, 64 KiB of text each at the end of the last cell, as fast as it goes.
  'update-flood': () =>
    loop(editorLink, async (m) => {
      const cells = cellsOf(m.guest.doc);
      const source = cells.get(cells.length - 1).get('source') as Y.Text;
      const chunk = 'z'.repeat(64 * KiB);
      for (let i = 0; i < 4000 && m.closed() === null && Date.now() < end; i++) {
        source.insert(source.length, chunk);
        report.sent += chunk.length;
        if (i % 8 === 7) await sleep(1);
      }
    }),
  // Requests as fast as it goes.
  'request-flood': () =>
    loop(editorLink, (m) => {
      for (let i = 0; i < 2000; i++) m.guest.fire({ type: 'save' });
      report.sent += 2000;
    }),
  // 400 sockets to the signaling server, idle, held (re-opened when closed).
  'signaling-flood': async () => {
    const url = decodeURIComponent(/[?#&]s=([^&]+)/.exec(viewerLink)?.[1] ?? '');
    const open = new Set<WebSocket>();
    while (Date.now() < end) {
      while (open.size < 400 && Date.now() < end) {
        const ws = new WebSocket(url);
        open.add(ws);
        report.sent++;
        ws.on('error', () => {});
        ws.on('open', () => report.connections++);
        ws.on('close', () => {
          open.delete(ws);
          report.byes['socket-closed'] = (report.byes['socket-closed'] ?? 0) + 1;
        });
      }
      await sleep(100);
    }
    open.forEach((ws) => ws.terminate());
  },
};

const run = attacks[attack];
if (!run) {
  console.error(`abuse attacker: no attack ${attack}`);
  process.exit(2);
}
await run();
const cpu = process.cpuUsage();
report.cpu_ms = Math.round((cpu.user + cpu.system) / 1000);
process.send?.({ type: 'done', report });
process.exit(0);
