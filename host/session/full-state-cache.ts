// The answer to a fresh replica's first sync (a state vector of nothing: a new guest, or one
// reconnecting after losing its copy), without holding the event loop: one
// Y.encodeStateAsUpdate of a 20 MB notebook holds it for 250 ms or more, felt by every other
// guest as keystroke latency, and a guest cut off and reconnecting over and over made the host
// do it again and again.
//
// The document is encoded a slice at a time (WholeStateSlicer, taking turns with other sliced
// work: loop-slices.ts) into two updates: the document as it was when the encoding began, and
// what came after until it ended (with the delete set). Those are kept, framed as messages, and
// every later join is sent them and what changed since, merged (256 KiB at most: a few ms). A
// join that finds more changed waits for a new encoding, as do joins that come while one is made;
// past a quarter of the document (or 256 KiB) changed, the encoding is let go at once. Encoding from the document (not merging updates) keeps the
// answer as small as the document: content deleted since is not carried.
import * as encoding from 'lib0/encoding';
import * as syncProtocol from 'y-protocols/sync';
import * as Y from 'yjs';
import { Tag, encodeHubMessage, syncMessage } from '../../protocol/hub-messages';
import { SLICE_MS, nextSlice } from '../document/loop-slices';
import { updateFeedOf } from './update-feed';
import { WholeStateSlicer } from './whole-state-slicer';

/** Past this many bytes changed since (or a quarter of the document), encode it anew. */
const MIN_STALE_BYTES = 256 * 1024;
/** Slicers one encoding chains, each writing what came while the one before wrote. */
const MAX_PASSES = 4;
/** Rounds of encoding a join waits for before it takes what changed meanwhile as it is. */
const MAX_ROUNDS = 3;
/** The encoding is let go after this long without a fresh replica to sync. */
const IDLE_MS = 60_000;

/** Step 2 of nothing: after the updates, it tells the replica it is whole. */
const SYNCED = syncMessage(syncProtocol.messageYjsSyncStep2, new Uint8Array([0, 0]));

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

/** The document as update messages, in order, and their length. */
interface Encoding {
  messages: Uint8Array[];
  bytes: number;
}

export class FullStateCache {
  private base: Encoding | null = null;
  /** What changed since the encoding (from the moment an encoding in progress took its last part). */
  private since: Uint8Array[] = [];
  private sinceBytes = 0;
  private recording = false;
  /** The encoding in progress. */
  private job: Promise<void> | null = null;
  /** Joins waiting for it. */
  private waiters: ((messages: Uint8Array[]) => void)[] = [];
  private rounds = 0;
  /** Bumped when the encoding is let go: one in progress from before is discarded. */
  private generation = 0;
  private idle: ReturnType<typeof setTimeout> | null = null;
  /** What the cache did, for tests and benches. */
  readonly stats = { encodings: 0, answers: 0 };

  constructor(private readonly doc: Y.Doc) {
    updateFeedOf(doc).subscribe((update) => this.note(update));
  }

  /**
   * Calls `answer` with the messages that give a replica with nothing the whole document, to
   * send in this order: the document as updates, what changed since as updates, and a step 2 of
   * nothing, with which the replica counts itself synced (it is whole by then). Now when the
   * encoding is at hand, else once it is made. A client attached meanwhile is also sent the
   * changes as they happen, which a replica takes twice harmlessly.
   */
  wholeMessages(answer: (messages: Uint8Array[]) => void): void {
    this.touch();
    if (this.job === null && this.base !== null) {
      if (this.sinceBytes <= MIN_STALE_BYTES) return answer(this.messages(this.base));
      // More changed than merges in a few ms (up to a quarter of a large document is kept):
      // encoding the document anew, in slices, costs the loop less.
      this.forget();
    }
    if (this.waiters.length === 0) this.rounds = 0;
    this.waiters.push(answer);
    this.run();
  }

  private messages(base: Encoding): Uint8Array[] {
    this.stats.answers++;
    // At most MIN_STALE_BYTES (a few ms), or a join that waited MAX_ROUNDS: then as they are.
    if (this.since.length > 1 && this.sinceBytes <= MIN_STALE_BYTES) {
      this.since = [Y.mergeUpdates(this.since)];
      this.sinceBytes = this.since[0]!.length;
    }
    const since = this.since.map((u) => syncMessage(syncProtocol.messageYjsUpdate, u));
    return [...base.messages, ...since, SYNCED];
  }

  private note(update: Uint8Array): void {
    if (!this.recording) return;
    this.since.push(update);
    this.sinceBytes += update.length;
    const stale = Math.max(MIN_STALE_BYTES, (this.base?.bytes ?? 0) / 4);
    if (this.sinceBytes > stale && this.job === null) this.forget();
  }

  private run(): void {
    if (this.job !== null) return;
    this.rounds++;
    this.job = this.encode()
      .catch((e: unknown) => {
        // Not expected: answer as before, with one encoding on the loop.
        console.warn('pairbook: encoding the document in slices failed:', (e as Error).message);
        this.forget();
        const update = Y.encodeStateAsUpdate(this.doc);
        this.base = {
          messages: [syncMessage(syncProtocol.messageYjsUpdate, update)],
          bytes: update.length,
        };
        this.recording = true;
      })
      .finally(() => {
        this.job = null;
        this.settle();
      });
  }

  /** After an encoding: answers the joins waiting, or encodes again first if much changed meanwhile. */
  private settle(): void {
    if (this.waiters.length === 0) return;
    if (this.base === null || (this.sinceBytes > MIN_STALE_BYTES && this.rounds < MAX_ROUNDS)) {
      if (this.base !== null) this.forget();
      this.run();
      return;
    }
    const messages = this.messages(this.base);
    const waiters = this.waiters;
    this.waiters = [];
    for (const answer of waiters) answer(messages);
  }

  /** Encodes the document a slice at a time. */
  private async encode(): Promise<void> {
    const generation = this.generation;
    this.stats.encodings++;
    const parts: Uint8Array[] = [];
    let slicer = new WholeStateSlicer(this.doc);
    for (let pass = 1; ; pass++) {
      for (;;) {
        const deadline = performance.now() + SLICE_MS;
        while (!slicer.done && performance.now() < deadline) slicer.next(deadline);
        if (slicer.done) break;
        await nextSlice();
        if (generation !== this.generation) return;
      }
      // Much written meanwhile (a paste) is written in slices too, not at once in last().
      if (slicer.behind <= MIN_STALE_BYTES || pass >= MAX_PASSES) break;
      parts.push(await slicer.part(updateHead));
      if (generation !== this.generation) return;
      slicer = new WholeStateSlicer(this.doc, slicer.state);
    }
    const last = slicer.last();
    // The document is now what the slicers wrote and `last`: what changes from here, they lack.
    this.recording = true;
    this.since = [];
    this.sinceBytes = 0;
    parts.push(await slicer.part(updateHead));
    if (generation !== this.generation) return;
    const messages = [...parts, syncMessage(syncProtocol.messageYjsUpdate, last)];
    this.base = { messages, bytes: messages.reduce((n, m) => n + m.length, 0) };
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

/** The head of a sync update message carrying an update of `updateBytes` (which follows it). */
function updateHead(updateBytes: number): Uint8Array {
  const head = encodeHubMessage(Tag.Sync);
  encoding.writeVarUint(head, syncProtocol.messageYjsUpdate);
  encoding.writeVarUint(head, updateBytes);
  return encoding.toUint8Array(head);
}
