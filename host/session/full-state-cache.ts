// The answer to a fresh replica's first sync (a state vector of nothing: a new guest, or one
// reconnecting after losing its copy), without encoding the whole document for each: the
// document as one update, encoded once, and what changed since, merged. A guest cut off and
// reconnecting over and over cost the host a whole encoding each time (tens of ms on the event
// loop for a large notebook, felt by every other guest as keystroke latency).
import * as syncProtocol from 'y-protocols/sync';
import * as Y from 'yjs';
import { syncMessage } from '../../protocol/hub-messages';
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
  /** The document as a sync step 2 message, and its update's length. */
  private base: { message: Uint8Array; bytes: number } | null = null;
  private since: Uint8Array[] = [];
  private sinceBytes = 0;
  private idle: ReturnType<typeof setTimeout> | null = null;

  constructor(private readonly doc: Y.Doc) {
    updateFeedOf(doc).subscribe((update) => this.note(update));
  }

  /**
   * The messages that give a replica with nothing the whole document, to send in this order:
   * what changed since the document was encoded, as an update (a replica holds it until the
   * rest arrives), then the document, as sync step 2 (the replica is whole once it has it). The
   * step 2 is held as a message, so a join copies nothing of it.
   */
  wholeMessages(): Uint8Array[] {
    if (this.base === null) {
      const update = Y.encodeStateAsUpdate(this.doc);
      this.base = {
        message: syncMessage(syncProtocol.messageYjsSyncStep2, update),
        bytes: update.length,
      };
      this.since = [];
      this.sinceBytes = 0;
    } else if (this.since.length > 1) {
      this.since = [Y.mergeUpdates(this.since)];
    }
    if (this.idle) clearTimeout(this.idle);
    this.idle = setTimeout(() => this.forget(), IDLE_MS);
    this.idle.unref?.();
    const since = this.since.map((u) => syncMessage(syncProtocol.messageYjsUpdate, u));
    return [...since, this.base.message];
  }

  private note(update: Uint8Array): void {
    if (this.base === null) return;
    this.since.push(update);
    this.sinceBytes += update.length;
    if (this.sinceBytes > Math.max(MIN_STALE_BYTES, this.base.bytes / 4)) this.forget();
  }

  private forget(): void {
    this.base = null;
    this.since = [];
    this.sinceBytes = 0;
  }
}
