// A fresh replica joining a large notebook gets the whole document without the host encoding it
// whole in one go on its event loop (250 ms for 20 MB, felt by every other guest as keystroke
// latency): the document is encoded a slice at a time, kept, and sent with what changed since,
// and encoded anew (in slices) once much changed. The replica ends up with exactly the host's
// document, edits made while its answer was prepared included, and counts itself synced only
// once it is whole. (How long the loop is held is measured by bench/full-state-join.ts, not
// asserted here.)
import * as encoding from 'lib0/encoding';
import { afterEach, describe, expect, it, vi } from 'vitest';
import * as awarenessProtocol from 'y-protocols/awareness';
import * as syncProtocol from 'y-protocols/sync';
import * as Y from 'yjs';
import { fullStateCacheOf } from '../../../host/session/full-state-cache';
import { attachSyncClient } from '../../../host/session/sync-client';
import { updateFeedOf } from '../../../host/session/update-feed';
import { Tag, decodeHubMessage, encodeHubMessage } from '../../../protocol/hub-messages';
import type { Notebook } from '../../../protocol/nbformat';
import { type Transport, createTransportPair } from '../../../protocol/transport';
import { cellsOf, loadNotebookIntoDoc } from '../../../protocol/ydoc-nbformat';
import { codeCell, notebook } from '../../helpers/notebooks';

/** What the host's event loop did with Yjs: every whole-document encoding, every merge's input. */
const onLoop = vi.hoisted(() => ({ wholeEncodings: 0, mergedBytes: [] as number[] }));

vi.mock('yjs', async (importOriginal) => {
  const Yjs = await importOriginal<typeof import('yjs')>();
  return {
    ...Yjs,
    encodeStateAsUpdate: (doc: Y.Doc, stateVector?: Uint8Array) => {
      if (!stateVector || Yjs.decodeStateVector(stateVector).size === 0) onLoop.wholeEncodings++;
      return Yjs.encodeStateAsUpdate(doc, stateVector);
    },
    mergeUpdates: (updates: Uint8Array[]) => {
      onLoop.mergedBytes.push(updates.reduce((n, u) => n + u.length, 0));
      return Yjs.mergeUpdates(updates);
    },
  };
});

const MiB = 1024 * 1024;

/** A notebook of about `mib` MiB: cells of code with long stream outputs. */
function largeDoc(mib: number): Y.Doc {
  const cells = Array.from({ length: 200 }, (_, i) =>
    codeCell(
      `c${i}`,
      [`x = ${i}\n`, `print(x)\n`],
      [{ name: 'stdout', output_type: 'stream', text: [`${i}é😀`.repeat((mib * MiB) / 200 / 8)] }],
      i,
    ),
  );
  const doc = new Y.Doc();
  loadNotebookIntoDoc(notebook(cells) as unknown as Notebook, doc);
  return doc;
}

/** A replica as HubClient keeps one: synced at the first step 2, and no sooner. */
class Replica {
  readonly doc = new Y.Doc();
  synced = false;
  /** At the moment it counted itself synced: were structs still waiting for others? */
  pendingWhenSynced: boolean | null = null;

  constructor(readonly transport: Transport) {
    transport.onMessage((bytes) => {
      const msg = decodeHubMessage(bytes);
      if (!msg.ok || msg.value.tag !== Tag.Sync) return;
      const reply = encodeHubMessage(Tag.Sync);
      const type = syncProtocol.readSyncMessage(msg.value.body, reply, this.doc, 'host');
      if (encoding.length(reply) > 1) transport.send(encoding.toUint8Array(reply));
      if (type === syncProtocol.messageYjsSyncStep2 && !this.synced) {
        this.synced = true;
        this.pendingWhenSynced = this.doc.store.pendingStructs !== null;
      }
    });
    const step1 = encodeHubMessage(Tag.Sync);
    syncProtocol.writeSyncStep1(step1, this.doc);
    transport.send(encoding.toUint8Array(step1));
  }
}

/** Attaches a fresh replica to `doc`; resolves once it counts itself synced. */
async function join(
  doc: Y.Doc,
  awareness: awarenessProtocol.Awareness,
  during?: () => void,
): Promise<Replica> {
  const [hostEnd, guestEnd] = createTransportPair();
  attachSyncClient(doc, awareness, hostEnd, async () => ({ ok: true }));
  const replica = new Replica(guestEnd);
  const deadline = Date.now() + 30_000;
  while (!replica.synced) {
    if (Date.now() > deadline) throw new Error('the replica never synced');
    during?.();
    await new Promise((r) => setTimeout(r, 1));
  }
  // What was sent after the step 2 (edits made meanwhile) arrives in order behind it.
  await new Promise((r) => setTimeout(r, 20));
  return replica;
}

function expectSameDocument(host: Y.Doc, replica: Y.Doc): void {
  expect(replica.getArray('cells').toJSON()).toEqual(host.getArray('cells').toJSON());
  expect(replica.getMap('meta').toJSON()).toEqual(host.getMap('meta').toJSON());
  expect(Y.encodeStateVector(replica)).toEqual(Y.encodeStateVector(host));
  const deleted = (d: Y.Doc) => Y.createDeleteSetFromStructStore(d.store);
  expect(Y.equalDeleteSets(deleted(host), deleted(replica))).toBe(true);
  expect(replica.store.pendingStructs).toBeNull();
}

/** Edits of every kind: typing on the host, another client's update, deletions, a new cell. */
function editor(doc: Y.Doc) {
  const other = new Y.Doc();
  Y.applyUpdate(other, Y.encodeStateAsUpdate(doc));
  let n = 0;
  return () => {
    n++;
    const cells = cellsOf(doc);
    const source = cells.get(n % cells.length).get('source') as Y.Text;
    source.insert(0, `# edit ${n}\n`);
    if (n % 3 === 0 && source.length > 4) source.delete(1, 2);
    const theirs = cellsOf(other)
      .get((n * 7) % cellsOf(other).length)
      .get('source') as Y.Text;
    const before = Y.encodeStateVector(other);
    theirs.insert(theirs.length, `y${n}`);
    updateFeedOf(doc).applyReceived(Y.encodeStateAsUpdate(other, before), 'other guest');
    if (n % 50 === 0) cells.delete(cells.length - 1, 1);
  };
}

describe('a fresh replica joining a large notebook', () => {
  afterEach(() => {
    onLoop.wholeEncodings = 0;
    onLoop.mergedBytes = [];
  });

  it('is answered without a whole encoding or a large merge at once on the event loop', async () => {
    const doc = largeDoc(3);
    const awareness = new awarenessProtocol.Awareness(doc);
    const size = Y.encodeStateAsUpdate(doc).length;
    expect(size).toBeGreaterThan(2 * MiB);
    const edit = editor(doc);
    onLoop.wholeEncodings = 0;

    // The first join: nothing cached yet; edits go on while its answer is prepared.
    const first = await join(doc, awareness, edit);
    expect(first.pendingWhenSynced).toBe(false);
    expectSameDocument(doc, first.doc);

    // Enough changes that the cached encoding is stale (past a quarter of the document).
    const big = cellsOf(doc).get(3).get('source') as Y.Text;
    for (let i = 0; i < 40; i++) big.insert(big.length, 'z'.repeat(32 * 1024));
    for (let i = 0; i < 300; i++) edit();

    const second = await join(doc, awareness, edit);
    expect(second.pendingWhenSynced).toBe(false);
    expectSameDocument(doc, second.doc);
    expectSameDocument(doc, first.doc);

    // A paste while the next encoding is made: written in slices by a second slicer.
    for (let i = 0; i < 30; i++) big.insert(0, 'w'.repeat(32 * 1024));
    let pasted = false;
    const pasting = await join(doc, awareness, () => {
      if (!pasted) big.insert(5, 'v'.repeat(700 * 1024));
      pasted = true;
    });
    expectSameDocument(doc, pasting.doc);

    // Another, at once: what changed since is small, so the cached encoding serves it.
    for (let i = 0; i < 20; i++) edit();
    const third = await join(doc, awareness);
    expectSameDocument(doc, third.doc);

    expect(onLoop.wholeEncodings).toBe(0);
    expect(Math.max(0, ...onLoop.mergedBytes)).toBeLessThan(MiB);
    // The first join, the one after the big change, the one after the second (and, maybe, one
    // more while one was made).
    expect(fullStateCacheOf(doc).stats.encodings).toBeGreaterThanOrEqual(3);
    expect(fullStateCacheOf(doc).stats.encodings).toBeLessThanOrEqual(4);
  });

  it('serves a small change since from the encoding it has', async () => {
    const doc = largeDoc(0.05);
    const awareness = new awarenessProtocol.Awareness(doc);
    const edit = editor(doc);
    const first = await join(doc, awareness, edit);
    for (let i = 0; i < 200; i++) edit();
    const second = await join(doc, awareness, edit);
    expectSameDocument(doc, first.doc);
    expectSameDocument(doc, second.doc);
    expect(fullStateCacheOf(doc).stats.encodings).toBe(1);
  });
});
