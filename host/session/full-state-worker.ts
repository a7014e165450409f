// The worker thread of full-state-cache.ts: merges Yjs updates (the document's last whole
// encoding and what changed since, or the slices of a first encoding) into one update and frames
// it as a sync step 2 message, off the host's event loop. Merging needs no Y.Doc, so the worker
// holds no replica of the document: only the bytes of one job at a time. The message's buffer is
// transferred back, not copied.
//
// Bundled as its own entry (dist/cli/full-state-worker.mjs, dist/electron/full-state-worker.mjs);
// run from source under tsx.
import { parentPort } from 'node:worker_threads';
import * as syncProtocol from 'y-protocols/sync';
import * as Y from 'yjs';
import { syncMessage } from '../../protocol/hub-messages';

/** A job: the updates to merge, in order. */
export interface MergeJob {
  id: number;
  updates: Uint8Array[];
}

/** Its answer: the merged update as a sync step 2 message, or why it failed. */
export type MergeResult =
  { id: number; message: Uint8Array; updateBytes: number } | { id: number; error: string };

const port = parentPort;
if (port) {
  port.on('message', (job: MergeJob) => {
    let result: MergeResult;
    try {
      const merged = job.updates.length === 1 ? job.updates[0]! : Y.mergeUpdates(job.updates);
      job.updates = [];
      const message = syncMessage(syncProtocol.messageYjsSyncStep2, merged);
      result = { id: job.id, message, updateBytes: merged.length };
      port.postMessage(result, [message.buffer as ArrayBuffer]);
    } catch (e) {
      result = { id: job.id, error: (e as Error).message };
      port.postMessage(result);
    }
  });
}
