// The answer to a fresh replica's first sync (a state vector of nothing: a new guest, or one
// reconnecting after losing its copy), without encoding the whole document on the event loop:
// one Y.encodeStateAsUpdate of a 20 MB notebook holds the loop for 250 ms or more, felt by
// every other guest as keystroke latency, and a guest cut off and reconnecting over and over
// made the host do it again and again.
//
// - The first answer encodes the document a slice at a time (SlicedStateEncoder, taking turns
//   with other sliced work: loop-slices.ts), and a worker thread merges the slices into one update.
// - Every later answer is that encoding (the base) and what changed since, as the updates that
//   changed it. Once the changes pass a quarter of the base (or 256 KiB), the worker merges base
//   and changes into a new base; a join that comes meanwhile waits for it. Merging needs no
//   Y.Doc, so the worker holds no replica: only one merge's bytes, while it runs.
// - A document small enough is merged on the event loop (a millisecond or two).
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import * as syncProtocol from 'y-protocols/sync';
import * as Y from 'yjs';
import { syncMessage } from '../../protocol/hub-messages';
import { SLICE_MS, nextSlice } from '../document/loop-slices';
import type { MergeJob, MergePiece, MergeResult } from './full-state-worker';
import { SlicedStateEncoder } from './sliced-state-encoder';
import { updateFeedOf } from './update-feed';

/** Past this many bytes changed since (or a quarter of the base), merge them into a new base. */
const MIN_STALE_BYTES = 256 * 1024;
/** Updates of at most this many bytes in all are merged on the event loop (~5 ms), not in the worker. */
const LOOP_MERGE_BYTES = 256 * 1024;
/** Rounds of merging a join waits for before it takes the changes unmerged. */
const MAX_ROUNDS = 3;
/** The encoding is let go after this long without a fresh replica to sync. */
const IDLE_MS = 60_000;

const caches = new WeakMap<Y.Doc, FullStateCache>();

/** The cache of `doc` (one per document, made on first use). */
export function fullStateCacheOf(doc: Y.Doc): FullStateCache {
  let cache = caches.get(doc);
  if (!cache) {
    cache = new FullStateCache(doc);
    caches.set(doc, cache);
  }
  return cache;
}

/** The document (as it was at some point) as one update, framed as a sync step 2 message. */
interface Base {
  message: Uint8Array;
  /** The update inside `message` (a view of its bytes). */
  update: Uint8Array;
}

export class FullStateCache {
  private base: Base | null = null;
  /** What changed since the base (or since the state a build in progress encodes). */
  private since: Uint8Array[] = [];
  private sinceBytes = 0;
  /** True once changes go to `since`: from the moment a build took the document's state. */
  private recording = false;
  /** The build or merge in progress. */
  private job: Promise<void> | null = null;
  /** Joins waiting for the job. */
  private waiters: ((messages: Uint8Array[]) => void)[] = [];
  private rounds = 0;
  /** Bumped when the encoding is let go: a job of an earlier generation is discarded. */
  private generation = 0;
  private idle: ReturnType<typeof setTimeout> | null = null;
  /** What the cache did, for tests and benches. */
  readonly stats = { builds: 0, workerMerges: 0, loopMerges: 0 };

  constructor(private readonly doc: Y.Doc) {
    updateFeedOf(doc).subscribe((update) => this.note(update));
  }

  /**
   * Calls `answer` with the messages that give a replica with nothing the whole document, to
   * send in this order: what changed since the base, as updates (a replica holds them until the
   * rest arrives), then the base, as sync step 2 (the replica is whole once it has it). Now when
   * the base is at hand, else once it is (changes made meanwhile are in the messages; a client
   * attached meanwhile is also sent them as they happen, which a replica takes twice harmlessly).
   */
  wholeMessages(answer: (messages: Uint8Array[]) => void): void {
    this.touch();
    if (this.job === null && this.base !== null && this.sinceBytes <= MIN_STALE_BYTES) {
      answer(this.messages(this.base));
      return;
    }
    if (this.waiters.length === 0) this.rounds = 0;
    this.waiters.push(answer);
    this.run();
  }

  private messages(base: Base): Uint8Array[] {
    if (this.since.length > 1 && this.sinceBytes <= LOOP_MERGE_BYTES) {
      this.since = [Y.mergeUpdates(this.since)];
      this.sinceBytes = this.since[0]!.length;
    }
    const since = this.since.map((u) => syncMessage(syncProtocol.messageYjsUpdate, u));
    return [...since, base.message];
  }

  private note(update: Uint8Array): void {
    if (!this.recording) return;
    this.since.push(update);
    this.sinceBytes += update.length;
    const stale = Math.max(MIN_STALE_BYTES, (this.base?.update.length ?? 0) / 4);
    if (this.job === null && this.sinceBytes > stale) this.run();
  }

  private run(): void {
    if (this.job !== null) return;
    this.rounds++;
    const job = this.base === null ? this.build() : this.refresh(this.base);
    this.job = job
      .catch((e: unknown) => {
        // The worker failed with the first encoding's slices (or, unexpectedly, something
        // else did): encode the document at once, as before.
        console.warn('pairbook: preparing the whole document failed:', (e as Error).message);
        this.forget();
        this.base = baseOf(
          syncMessage(syncProtocol.messageYjsSyncStep2, Y.encodeStateAsUpdate(this.doc)),
        );
        this.recording = true;
      })
      .finally(() => {
        this.job = null;
        this.settle();
      });
  }

  /** After a job: answers the joins waiting, or merges again first when much changed meanwhile. */
  private settle(): void {
    if (this.waiters.length === 0) return;
    if (this.base === null || (this.sinceBytes > LOOP_MERGE_BYTES && this.rounds < MAX_ROUNDS)) {
      this.run();
      return;
    }
    const messages = this.messages(this.base);
    const waiters = this.waiters;
    this.waiters = [];
    for (const answer of waiters) answer(messages);
  }

  /** Encodes the document a slice at a time, then merges the slices. */
  private async build(): Promise<void> {
    const generation = this.generation;
    this.stats.builds++;
    const encoder = new SlicedStateEncoder(this.doc);
    const parts: Uint8Array[] = [];
    let bytes = 0;
    for (;;) {
      const deadline = performance.now() + SLICE_MS;
      while (!encoder.done && performance.now() < deadline) {
        const slice = encoder.next(deadline);
        if (slice) {
          parts.push(slice);
          bytes += slice.length;
        }
      }
      if (encoder.done) break;
      await nextSlice();
      if (generation !== this.generation) return;
    }
    const last = encoder.last();
    parts.push(last);
    bytes += last.length;
    // The parts make the document as it is now: what changes from here on, they lack.
    this.recording = true;
    this.since = [];
    this.sinceBytes = 0;
    // The slices are this cache's alone: transferred to the worker, not copied.
    const base = await merge(parts, bytes, this.stats, true);
    if (generation === this.generation) this.base = base;
  }

  /** Merges the base and what changed since into a new base. */
  private async refresh(base: Base): Promise<void> {
    const generation = this.generation;
    const count = this.since.length;
    const merged = await merge(
      [base.update, ...this.since],
      base.update.length + this.sinceBytes,
      this.stats,
    );
    if (generation !== this.generation) return;
    // Only a job changes `since` but for appending (messages() runs when none is in progress).
    const done = this.since.splice(0, count);
    this.sinceBytes -= done.reduce((n, u) => n + u.length, 0);
    this.base = merged;
  }

  private touch(): void {
    if (this.idle) clearTimeout(this.idle);
    this.idle = setTimeout(() => {
      this.idle = null;
      if (this.job !== null || this.waiters.length > 0) this.touch();
      else this.forget();
    }, IDLE_MS);
    this.idle.unref?.();
  }

  private forget(): void {
    this.generation++;
    this.base = null;
    this.recording = false;
    this.since = [];
    this.sinceBytes = 0;
  }
}

function baseOf(message: Uint8Array, updateBytes?: number): Base {
  const bytes = updateBytes ?? message.length - headLength(message);
  return { message, update: message.subarray(message.length - bytes) };
}

/** The length of a sync message's head (tag, type, the update's length), all varuints. */
function headLength(message: Uint8Array): number {
  let at = 0;
  for (let varuints = 0; varuints < 3; varuints++) while ((message[at++]! & 0x80) !== 0);
  return at;
}

/** Merges `updates` (`bytes` in all) into a base: on the event loop when small, else in the worker. */
async function merge(
  updates: Uint8Array[],
  bytes: number,
  stats: FullStateCache['stats'],
  owns = false,
): Promise<Base> {
  if (bytes > LOOP_MERGE_BYTES && !workerBroken) {
    try {
      const result = await mergeInWorker(updates, owns);
      stats.workerMerges++;
      return baseOf(result.message, result.updateBytes);
    } catch (e) {
      // A worker that cannot start or died is not tried again; a merge that failed in it is
      // tried once more here (and throws here if the updates are at fault).
      if (!(e instanceof MergeFailed)) workerBroken = true;
      console.warn(
        'pairbook: the full-state worker failed; merging on the event loop instead:',
        (e as Error).message,
      );
      // Updates transferred are gone: the caller starts over (FullStateCache.run).
      if (owns) throw e;
    }
  }
  stats.loopMerges++;
  const merged = updates.length === 1 ? updates[0]! : Y.mergeUpdates(updates);
  return baseOf(syncMessage(syncProtocol.messageYjsSyncStep2, merged), merged.length);
}

/** The worker ran, and the merge threw there. */
class MergeFailed extends Error {}

// One worker for the process, started on first use and ended after a while without work.
const WORKER_IDLE_MS = 30_000;
/** Bytes copied to the worker in one turn of the event loop. */
const PIECE_BYTES = 1024 * 1024;
let worker: Worker | null = null;
let workerBroken = false;
let workerIdle: ReturnType<typeof setTimeout> | null = null;
let nextJob = 0;
const jobs = new Map<
  number,
  { resolve: (r: { message: Uint8Array; updateBytes: number }) => void; reject: (e: Error) => void }
>();

/**
 * Merges `updates` in the worker. Updates the caller `owns` (nobody else holds them) are
 * transferred, at no cost; others (the base may still be queued for a guest, what changed since
 * for the journal) are copied a megabyte a turn of the event loop: copying 20 MB at once, as one
 * postMessage does, held the loop 10-90 ms.
 */
async function mergeInWorker(
  updates: Uint8Array[],
  owns: boolean,
): Promise<{ message: Uint8Array; updateBytes: number }> {
  const w = worker ?? (worker = startWorker());
  if (workerIdle) clearTimeout(workerIdle);
  workerIdle = null;
  const id = nextJob++;
  const result = new Promise<{ message: Uint8Array; updateBytes: number }>((resolve, reject) =>
    jobs.set(id, { resolve, reject }),
  );
  // Awaited by the caller once all is sent; a failure meanwhile is not an unhandled rejection.
  result.catch(() => undefined);
  w.ref();
  if (owns) {
    const pieces = updates.map((bytes, index) => ({
      index,
      offset: 0,
      total: bytes.length,
      bytes,
    }));
    const buffers = updates.map((u) => u.buffer as ArrayBuffer);
    w.postMessage({ id, pieces, count: updates.length } satisfies MergeJob, buffers);
    return result;
  }
  let pieces: MergePiece[] = [];
  let bytes = 0;
  for (let index = 0; index < updates.length; index++) {
    const update = updates[index]!;
    for (let offset = 0; offset === 0 || offset < update.length; offset += PIECE_BYTES) {
      const piece = update.slice(offset, offset + PIECE_BYTES);
      pieces.push({ index, offset, total: update.length, bytes: piece });
      bytes += piece.length;
      if (bytes < PIECE_BYTES) continue;
      w.postMessage(
        { id, pieces } satisfies MergeJob,
        pieces.map((p) => p.bytes.buffer as ArrayBuffer),
      );
      pieces = [];
      bytes = 0;
      await nextSlice();
      if (!jobs.has(id)) return result; // the worker failed meanwhile
    }
  }
  w.postMessage(
    { id, pieces, count: updates.length } satisfies MergeJob,
    pieces.map((p) => p.bytes.buffer as ArrayBuffer),
  );
  return result;
}

function startWorker(): Worker {
  // Bundled, the worker is full-state-worker.mjs beside the chunk that holds this code
  // (scripts/build-cli.mjs, scripts/build-electron.mjs). From source (tsx, vitest) it is the .ts
  // file beside this one, loaded through tsx's require hook (Node 20 runs no module hooks in a
  // worker started with --import).
  const here = import.meta.url;
  const w = here.endsWith('.ts')
    ? new Worker(
        `require(${JSON.stringify(createRequire(here).resolve('tsx/cjs'))});` +
          `require(${JSON.stringify(fileURLToPath(new URL('./full-state-worker.ts', here)))});`,
        { eval: true, execArgv: [] },
      )
    : new Worker(new URL('./full-state-worker.mjs', here), { execArgv: [] });
  w.unref();
  const fail = (e: Error) => {
    if (worker === w) worker = null;
    for (const job of jobs.values()) job.reject(e);
    jobs.clear();
  };
  w.on('message', (result: MergeResult) => {
    const job = jobs.get(result.id);
    jobs.delete(result.id);
    if ('error' in result) job?.reject(new MergeFailed(result.error));
    else job?.resolve(result);
    if (jobs.size > 0) return;
    w.unref();
    workerIdle = setTimeout(() => {
      workerIdle = null;
      if (worker === w && jobs.size === 0) {
        worker = null;
        void w.terminate();
      }
    }, WORKER_IDLE_MS);
    workerIdle.unref?.();
  });
  w.on('error', fail);
  w.on('exit', (code) => fail(new Error(`the worker exited (code ${code})`)));
  return w;
}
