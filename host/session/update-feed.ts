// Every change to the document of record as update bytes, for the journal and for relaying to
// clients. An update a client sent is passed on as the bytes it sent. Yjs, when a document has
// an 'update' listener, encodes each transaction after merging new text into the run of that
// client's earlier text, and encoding the new end of a run copies the whole run: a guest
// appending 64 KiB pieces to one cell cost the host work quadratic in what it sent. So the
// document has an 'update' listener only for a transaction that needs encoding: the host's own.
import * as Y from 'yjs';

/** One change: its update bytes, the transaction's origin, and the transaction. */
export type UpdateListener = (update: Uint8Array, origin: unknown, tr: Y.Transaction) => void;

const feeds = new WeakMap<Y.Doc, UpdateFeed>();

/** The feed of `doc` (one per document, made on first use). */
export function updateFeedOf(doc: Y.Doc): UpdateFeed {
  let feed = feeds.get(doc);
  if (!feed) {
    feed = new UpdateFeed(doc);
    feeds.set(doc, feed);
  }
  return feed;
}

export class UpdateFeed {
  private readonly listeners = new Set<UpdateListener>();
  private received: { update: Uint8Array; origin: unknown } | null = null;
  private capture:
    ((update: Uint8Array, origin: unknown, doc: Y.Doc, tr: Y.Transaction) => void) | null = null;

  constructor(private readonly doc: Y.Doc) {
    doc.on('afterTransaction', this.onTransaction);
  }

  /** Calls `listener` with each change, in order; returns a function that stops it. */
  subscribe(listener: UpdateListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Applies an update a client sent, with `origin`; listeners get these very bytes. */
  applyReceived(update: Uint8Array, origin: unknown): void {
    this.received = { update, origin };
    try {
      Y.applyUpdate(this.doc, update, origin);
    } finally {
      this.received = null;
    }
  }

  private onTransaction = (tr: Y.Transaction): void => {
    this.dropCapture();
    if (this.listeners.size === 0) return;
    const received = this.received;
    if (received !== null && tr.origin === received.origin) {
      // Only the transaction that applies them carries the bytes. Bytes whose structs wait for
      // ones not yet here change nothing now, and are relayed all the same: every replica
      // holds them until what they wait for arrives (in bytes relayed as they come too).
      this.received = null;
      if (changed(tr) || hasPending(this.doc)) this.emit(received.update, tr.origin, tr);
      return;
    }
    if (!changed(tr)) return;
    // Yjs emits this transaction's 'update' later in the same cleanup, after the merges.
    const capture = (update: Uint8Array, origin: unknown, _doc: Y.Doc, t: Y.Transaction) => {
      if (t !== tr) return;
      this.dropCapture();
      this.emit(update, origin, tr);
    };
    this.capture = capture;
    this.doc.on('update', capture);
  };

  private emit(update: Uint8Array, origin: unknown, tr: Y.Transaction): void {
    for (const listener of [...this.listeners]) listener(update, origin, tr);
  }

  private dropCapture(): void {
    if (this.capture === null) return;
    this.doc.off('update', this.capture);
    this.capture = null;
  }
}

/** What Yjs itself asks before it encodes a transaction: did it add or delete anything? */
function changed(tr: Y.Transaction): boolean {
  if (tr.deleteSet.clients.size > 0) return true;
  for (const [client, clock] of tr.afterState) {
    if (tr.beforeState.get(client) !== clock) return true;
  }
  return false;
}

function hasPending(doc: Y.Doc): boolean {
  return doc.store.pendingStructs !== null || doc.store.pendingDs !== null;
}
