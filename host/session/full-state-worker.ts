// The worker thread of full-state-cache.ts: merges Yjs updates (the document's last whole
// encoding and what changed since, or the slices of a first encoding) into one update and frames
// it as a sync step 2 message, off the host's event loop. Merging needs no Y.Doc, so the worker
// holds no replica of the document: only the bytes of one job at a time. What it is sent comes in
// pieces (a copy of a megabyte a turn of the host's loop); the message's buffer is transferred
// back, not copied.
//
// Bundled as its own entry (dist/cli/full-state-worker.mjs, dist/electron/full-state-worker.mjs);
// run from source under tsx.
import { parentPort } from 'node:worker_threads';
import * as syncProtocol from 'y-protocols/sync';
import * as Y from 'yjs';
import { syncMessage } from '../../protocol/hub-messages';

/** A piece of update `index` of a job: `bytes` at `offset` of its `total`. */
export interface MergePiece {
  index: number;
  offset: number;
  total: number;
  bytes: Uint8Array;
}

/**
 * Pieces of job `id`, which may come in several messages (the host sends a large update a
 * megabyte a turn); the last carries `count`, the number of updates, and starts the merge.
 */
export interface MergeJob {
  id: number;
  pieces: MergePiece[];
  count?: number;
}

/** Its answer: the merged update as a sync step 2 message, or why it failed. */
export type MergeResult =
  { id: number; message: Uint8Array; updateBytes: number } | { id: number; error: string };

const port = parentPort;
const received = new Map<number, Uint8Array[]>();
if (port) {
  port.on('message', (job: MergeJob) => {
    let updates = received.get(job.id);
    if (!updates) received.set(job.id, (updates = []));
    for (const { index, offset, total, bytes } of job.pieces) {
      if (offset === 0 && bytes.length === total) updates[index] = bytes;
      else (updates[index] ??= new Uint8Array(total)).set(bytes, offset);
    }
    if (job.count === undefined) return;
    received.delete(job.id);
    try {
      if (updates.length !== job.count) throw new Error('pieces of the job are missing');
      const merged = updates.length === 1 ? updates[0]! : Y.mergeUpdates(updates);
      updates.length = 0;
      const message = syncMessage(syncProtocol.messageYjsSyncStep2, merged);
      const result: MergeResult = { id: job.id, message, updateBytes: merged.length };
      port.postMessage(result, [message.buffer as ArrayBuffer]);
    } catch (e) {
      port.postMessage({ id: job.id, error: (e as Error).message } satisfies MergeResult);
    }
  });
}
