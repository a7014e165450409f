// When the full-state cache's worker thread cannot run (a packaging fault, say), a fresh replica
// still gets the whole document: the first encoding's slices, already handed to the worker, are
// replaced by an encoding on the event loop, and later merges run on the loop.
import * as encoding from 'lib0/encoding';
import { describe, expect, it, vi } from 'vitest';
import * as awarenessProtocol from 'y-protocols/awareness';
import * as syncProtocol from 'y-protocols/sync';
import * as Y from 'yjs';
import { fullStateCacheOf } from '../../../host/session/full-state-cache';
import { attachSyncClient } from '../../../host/session/sync-client';
import { Tag, decodeHubMessage, encodeHubMessage } from '../../../protocol/hub-messages';
import type { Notebook } from '../../../protocol/nbformat';
import { createTransportPair } from '../../../protocol/transport';
import { cellsOf, loadNotebookIntoDoc } from '../../../protocol/ydoc-nbformat';
import { codeCell, notebook } from '../../helpers/notebooks';

vi.mock('node:worker_threads', async (importOriginal) => {
  const real = await importOriginal<typeof import('node:worker_threads')>();
  const { EventEmitter } = await import('node:events');
  /** A worker that takes what it is sent (transferred buffers are gone) and fails to start. */
  class BrokenWorker extends EventEmitter {
    constructor() {
      super();
      setTimeout(() => {
        this.emit('error', new Error('cannot load the worker'));
        this.emit('exit', 1);
      }, 5);
    }
    postMessage(message: unknown, transfer?: ArrayBuffer[]): void {
      structuredClone(message, { transfer: transfer ?? [] });
    }
    ref(): void {}
    unref(): void {}
    terminate(): Promise<number> {
      return Promise.resolve(1);
    }
  }
  return { ...real, Worker: BrokenWorker };
});

const MiB = 1024 * 1024;

async function join(doc: Y.Doc): Promise<Y.Doc> {
  const [hostEnd, guestEnd] = createTransportPair();
  attachSyncClient(doc, new awarenessProtocol.Awareness(doc), hostEnd, async () => ({ ok: true }));
  const replica = new Y.Doc();
  let synced = false;
  guestEnd.onMessage((bytes) => {
    const msg = decodeHubMessage(bytes);
    if (!msg.ok || msg.value.tag !== Tag.Sync) return;
    const type = syncProtocol.readSyncMessage(msg.value.body, encoding.createEncoder(), replica, 1);
    if (type === syncProtocol.messageYjsSyncStep2) synced = true;
  });
  const step1 = encodeHubMessage(Tag.Sync);
  syncProtocol.writeSyncStep1(step1, replica);
  guestEnd.send(encoding.toUint8Array(step1));
  while (!synced) await new Promise((r) => setTimeout(r, 1));
  return replica;
}

describe('the full-state cache without its worker', () => {
  it('still answers every join with the whole document', async () => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => undefined);
    const cells = Array.from({ length: 50 }, (_, i) =>
      codeCell(
        `c${i}`,
        [`x = ${i}\n`],
        [{ name: 'stdout', output_type: 'stream', text: ['o'.repeat(40_000)] }],
        i,
      ),
    );
    const doc = new Y.Doc();
    loadNotebookIntoDoc(notebook(cells) as unknown as Notebook, doc);
    expect(Y.encodeStateAsUpdate(doc).length).toBeGreaterThan(MiB);

    const first = await join(doc);
    expect(first.getArray('cells').toJSON()).toEqual(doc.getArray('cells').toJSON());

    const source = cellsOf(doc).get(0).get('source') as Y.Text;
    for (let i = 0; i < 20; i++) source.insert(0, 'q'.repeat(20_000));
    const second = await join(doc);
    expect(second.getArray('cells').toJSON()).toEqual(doc.getArray('cells').toJSON());
    expect(Y.encodeStateVector(second)).toEqual(Y.encodeStateVector(doc));
    const { stats } = fullStateCacheOf(doc);
    expect(stats).toMatchObject({ builds: 1, workerMerges: 0 });
    expect(stats.loopMerges).toBeGreaterThan(0);
    expect(warn).toHaveBeenCalled();
    warn.mockRestore();
  });
});
