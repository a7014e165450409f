// The answer to a fresh replica's first sync (a state vector of nothing: a new guest, or one
// reconnecting after losing its copy), without encoding the whole document for each: the
// document as one update, encoded once, and what changed since, merged. A guest cut off and
// reconnecting over and over cost the host a whole encoding each time (tens of ms on the event
// loop for a large notebook, felt by every other guest as keystroke latency).
import * as Y from 'yjs';
import { updateFeedOf } from './update-feed';

/** Past this many bytes changed since (or a quarter of the document), encode it anew. */
const MIN_STALE_BYTES = 256 * 1024;
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

export class FullStateCache {
  private base: Uint8Array | null = null;
  private since: Uint8Array[] = [];
  private sinceBytes = 0;
  private idle: ReturnType<typeof setTimeout> | null = null;

  constructor(private readonly doc: Y.Doc) {
    updateFeedOf(doc).subscribe((update) => this.note(update));
  }

  /**
   * The whole document for a replica that has nothing: updates to send in this order. The
   * last is the document as it was encoded; those before it are what changed since (a replica
   * holds them until the last arrives, so it is whole once it has applied the last).
   */
  whole(): Uint8Array[] {
    if (this.base === null) {
      this.base = Y.encodeStateAsUpdate(this.doc);
      this.since = [];
      this.sinceBytes = 0;
    } else if (this.since.length > 1) {
      this.since = [Y.mergeUpdates(this.since)];
    }
    if (this.idle) clearTimeout(this.idle);
    this.idle = setTimeout(() => this.forget(), IDLE_MS);
    this.idle.unref?.();
    return [...this.since, this.base];
  }

  private note(update: Uint8Array): void {
    if (this.base === null) return;
    this.since.push(update);
    this.sinceBytes += update.length;
    if (this.sinceBytes > Math.max(MIN_STALE_BYTES, this.base.length / 4)) this.forget();
  }

  private forget(): void {
    this.base = null;
    this.since = [];
    this.sinceBytes = 0;
  }
}
