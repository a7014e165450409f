// `npm run bench -- full-state-join`: the longest the host's event loop is held while a fresh
// replica joins a ~20 MB document through the real sync path (attachSyncClient and the full-state
// cache), against encoding the whole document on the loop for each join as the host did before
// (the baseline). Two documents: a generated 20 MB notebook, and a 1 MB one grown to 18 MB by a
// flood of 64 KiB appends to one cell (the abuse bench's update flood: one huge text struct).
// For each: the first join, a join after more than a quarter of the document changed, a join
// right after another; an editor types on the host throughout. Only the host's side is timed:
// the replica's messages are applied after the join, and checked to make the host's document.
// Ends with one JSON line; headline `max_block_ms` (the worst over all joins).
import * as decoding from 'lib0/decoding';
import * as encoding from 'lib0/encoding';
import { readFileSync } from 'node:fs';
import * as awarenessProtocol from 'y-protocols/awareness';
import * as syncProtocol from 'y-protocols/sync';
import * as Y from 'yjs';
import { fullStateCacheOf } from '../host/session/full-state-cache';
import { attachSyncClient } from '../host/session/sync-client';
import { updateFeedOf } from '../host/session/update-feed';
import { Tag, decodeHubMessage, encodeHubMessage } from '../protocol/hub-messages';
import type { Notebook } from '../protocol/nbformat';
import { createTransportPair } from '../protocol/transport';
import { cellsOf, loadNotebookIntoDoc } from '../protocol/ydoc-nbformat';
import { generateNotebook } from './generate-notebook';

const MB = 1024 * 1024;

/**
 * The longest the event loop went between two turns, as wall time and as the main thread's own
 * CPU time over that gap (Linux: /proc/self/task/PID/schedstat), which a busy machine's
 * preemption does not inflate. Ticks every millisecond while started.
 */
class LoopBlocks {
  private timer: ReturnType<typeof setInterval> | null = null;
  private lastWall = 0;
  private lastCpu = 0;
  wall = 0;
  cpu = 0;
  private readonly stat = `/proc/self/task/${process.pid}/schedstat`;

  private cpuNs(): number {
    try {
      return Number(readFileSync(this.stat, 'utf8').split(' ')[0]);
    } catch {
      return 0;
    }
  }

  start(): void {
    this.wall = 0;
    this.cpu = 0;
    this.lastWall = performance.now();
    this.lastCpu = this.cpuNs();
    this.timer = setInterval(() => {
      const wall = performance.now();
      const cpu = this.cpuNs();
      this.wall = Math.max(this.wall, wall - this.lastWall);
      this.cpu = Math.max(this.cpu, (cpu - this.lastCpu) / 1e6);
      this.lastWall = wall;
      this.lastCpu = cpu;
    }, 1);
  }

  stop(): { wall: number; cpu: number } {
    if (this.timer) clearInterval(this.timer);
    const r = (n: number) => Math.round(n * 10) / 10;
    return { wall: r(this.wall), cpu: r(this.cpu) };
  }
}
const KiB = 1024;

function notebookDoc(): Y.Doc {
  const doc = new Y.Doc();
  loadNotebookIntoDoc(JSON.parse(generateNotebook(4000, 20 * MB)) as Notebook, doc);
  return doc;
}

function floodedDoc(): Y.Doc {
  const doc = new Y.Doc();
  loadNotebookIntoDoc(JSON.parse(generateNotebook(200, 1 * MB)) as Notebook, doc);
  const guest = new Y.Doc();
  Y.applyUpdate(guest, Y.encodeStateAsUpdate(doc));
  guest.on('update', (u: Uint8Array) => updateFeedOf(doc).applyReceived(u, 'flooder'));
  const source = cellsOf(guest).get(199).get('source') as Y.Text;
  for (let i = 0; i < 272; i++) source.insert(source.length, 'z'.repeat(64 * KiB));
  return doc;
}

/** Host-side typing: a keystroke into the first cell. */
function typist(doc: Y.Doc) {
  let n = 0;
  return () => (cellsOf(doc).get(0).get('source') as Y.Text).insert(0, `k${n++}`);
}

/** The old answer: the whole document encoded on the loop, framed through an encoder. */
function oldWhole(doc: Y.Doc): Uint8Array[] {
  const enc = encodeHubMessage(Tag.Sync);
  syncProtocol.writeSyncStep2(enc, doc);
  return [encoding.toUint8Array(enc)];
}

/**
 * Joins a fresh replica (through attachSyncClient, or `baseline` answering its step 1) while the
 * host types every 2 ms; resolves with the longest loop block (ms) until its step 2 was received
 * and the replica, checked against the host.
 */
async function join(
  doc: Y.Doc,
  baseline: boolean,
): Promise<{ block: number; cpu: number; ms: number }> {
  const awareness = new awarenessProtocol.Awareness(doc);
  const [hostEnd, guestEnd] = createTransportPair();
  const received: Uint8Array[] = [];
  let synced = false;
  guestEnd.onMessage((m) => {
    received.push(m);
    const msg = decodeHubMessage(m);
    if (msg.ok && msg.value.tag === Tag.Sync) {
      const type = decoding.readVarUint(msg.value.body);
      if (type === syncProtocol.messageYjsSyncStep2) synced = true;
    }
  });
  const type = typist(doc);
  const monitor = new LoopBlocks();
  await new Promise((r) => setTimeout(r, 50));
  monitor.start();
  const started = performance.now();
  const typing = setInterval(type, 2);
  if (baseline) {
    const feed = updateFeedOf(doc);
    const off = feed.subscribe((u) =>
      hostEnd.send(
        encoding.toUint8Array(
          (() => {
            const e = encodeHubMessage(Tag.Sync);
            syncProtocol.writeUpdate(e, u);
            return e;
          })(),
        ),
      ),
    );
    setImmediate(() => oldWhole(doc).forEach((m) => hostEnd.send(m)));
    while (!synced) await new Promise((r) => setTimeout(r, 1));
    off();
  } else {
    attachSyncClient(doc, awareness, hostEnd, async () => ({ ok: true }));
    const step1 = encodeHubMessage(Tag.Sync);
    syncProtocol.writeSyncStep1(step1, new Y.Doc());
    guestEnd.send(encoding.toUint8Array(step1));
    while (!synced) await new Promise((r) => setTimeout(r, 1));
  }
  const ms = performance.now() - started;
  clearInterval(typing);
  await new Promise((r) => setTimeout(r, 20));
  const block = monitor.stop();
  hostEnd.close('done');
  // Outside the timed window: the replica must be the host's document.
  const replica = new Y.Doc();
  for (const m of received) {
    const msg = decodeHubMessage(m);
    if (!msg.ok || msg.value.tag !== Tag.Sync) continue;
    syncProtocol.readSyncMessage(msg.value.body, encoding.createEncoder(), replica, 'host');
  }
  const same =
    JSON.stringify(replica.getArray('cells').toJSON()) ===
      JSON.stringify(doc.getArray('cells').toJSON()) && replica.store.pendingStructs === null;
  if (!same) throw new Error('the replica is not the host document');
  return { block: block.wall, cpu: block.cpu, ms: Math.round(ms) };
}

/** Changes more than a quarter of the document: 6 MB of appends, by another client. */
function changeMuch(doc: Y.Doc): void {
  const other = new Y.Doc();
  Y.applyUpdate(other, Y.encodeStateAsUpdate(doc));
  other.on('update', (u: Uint8Array) => updateFeedOf(doc).applyReceived(u, 'other'));
  const source = cellsOf(other).get(1).get('source') as Y.Text;
  for (let i = 0; i < 96; i++) source.insert(source.length, 'y'.repeat(64 * KiB));
}

/** The longest loop block while `ms` pass (the cache's background merge, say). */
async function blockOver(ms: number): Promise<{ wall: number; cpu: number }> {
  const monitor = new LoopBlocks();
  monitor.start();
  await new Promise((r) => setTimeout(r, ms));
  return monitor.stop();
}

const results: Record<string, Record<string, number>> = {};
for (const [name, make] of [
  ['notebook_20mb', notebookDoc],
  ['flooded_18mb', floodedDoc],
] as const) {
  for (const baseline of [true, false]) {
    const doc = make();
    const mb = Math.round((Y.encodeStateAsUpdate(doc).length / MB) * 10) / 10;
    (globalThis as { gc?: () => void }).gc?.();
    const first = await join(doc, baseline);
    const after = await join(doc, baseline);
    changeMuch(doc);
    const refresh = await blockOver(3000);
    const stale = await join(doc, baseline);
    const again = await join(doc, baseline);
    const key = `${name}_${baseline ? 'baseline' : 'pairbook'}`;
    results[key] = {
      doc_mb: mb,
      first_block_ms: first.block,
      first_cpu_block_ms: first.cpu,
      first_ms: first.ms,
      next_block_ms: after.block,
      next_cpu_block_ms: after.cpu,
      background_block_ms: refresh.wall,
      background_cpu_block_ms: refresh.cpu,
      stale_block_ms: stale.block,
      stale_cpu_block_ms: stale.cpu,
      stale_ms: stale.ms,
      again_block_ms: again.block,
      again_cpu_block_ms: again.cpu,
    };
    if (!baseline) Object.assign(results[key], fullStateCacheOf(doc).stats);
    console.error(key, JSON.stringify(results[key]));
  }
}

const worst = (suffix: string) =>
  Math.max(
    ...Object.entries(results)
      .filter(([k]) => k.endsWith(suffix))
      .flatMap(([, r]) => [
        r.first_block_ms!,
        r.next_block_ms!,
        r.stale_block_ms!,
        r.again_block_ms!,
      ]),
  );
console.log(
  JSON.stringify({
    bench: 'full-state-join',
    pairbook: { max_block_ms: worst('pairbook'), ...results },
    baseline: {
      name: 'whole encoding on the event loop per join',
      max_block_ms: worst('baseline'),
    },
    ratio: Math.round((worst('pairbook') / worst('baseline')) * 100) / 100,
  }),
);
process.exit(0);
