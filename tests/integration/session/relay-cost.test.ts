// A guest that appends to one cell again and again (a long paste in pieces, or an editor's flood)
// must cost the host work in proportion to what it sends. Yjs merges each append into the
// run of that guest's text before it would encode the update for listeners, and encoding a
// piece of a merged run copies the whole run: a host that re-encoded guests' updates to relay
// them did quadratic work (20 MB sent in 64 KiB pieces copied gigabytes; issue 10).
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { NotebookSession } from '../../../host/session/notebook-session';
import type { Cell } from '../../../protocol/nbformat';
import { cellsOf, createCellMap } from '../../../protocol/ydoc-nbformat';
import { sampleNotebook, tempDir, writeNotebook } from '../../helpers/notebooks';
import { RawGuest } from '../../unit/hub/raw-guest';
import { attachGuarded, connectGuest } from './guarded-client';

const KiB = 1024;
const PIECE = 64 * KiB;
const PIECES = 40;

/**
 * Characters of Yjs text read to encode updates while `run` runs, in this process: encoding the
 * end of a merged run slices it, which copies the whole run (V8 flattens the joined string).
 */
async function charsEncoded(run: () => Promise<void>): Promise<number> {
  const proto = Y.ContentString.prototype as unknown as {
    write: (encoder: unknown, offset: number) => void;
  };
  const write = proto.write;
  let chars = 0;
  proto.write = function (this: Y.ContentString, encoder, offset) {
    chars += this.str.length;
    write.call(this, encoder, offset);
  };
  try {
    await run();
  } finally {
    proto.write = write;
  }
  return chars;
}

describe("relaying a guest's updates", () => {
  let session: NotebookSession;
  beforeEach(async () => {
    session = await NotebookSession.open(writeNotebook(sampleNotebook()), { dataDir: tempDir() });
  });
  afterEach(async () => {
    await session.close();
  });

  it('costs the host what the guest sent, not the length of the text it appends to', async () => {
    const writer = rawEditor(session);
    const watcher = connectGuest(session, 'viewer', 'watcher');
    await watcher.synced;
    await writer.until(() => cellsOf(writer.doc).length > 0);
    const watched = () => (cellsOf(watcher.client.doc).get(0).get('source') as Y.Text).length;
    const before = watched();
    // The writer's updates, made beforehand: its own encoding is not the host's cost.
    const updates: Uint8Array[] = [];
    writer.doc.on('update', (u: Uint8Array) => updates.push(u));
    const source = cellsOf(writer.doc).get(0).get('source') as Y.Text;
    for (let i = 0; i < PIECES; i++) source.insert(source.length, 'z'.repeat(PIECE));

    const chars = await charsEncoded(async () => {
      for (const u of updates) {
        writer.sendUpdate(u);
        await new Promise((r) => setTimeout(r, 0));
      }
      await expect.poll(watched, { timeout: 20_000 }).toBe(before + PIECES * PIECE);
    });

    // Relayed as they came: nothing to encode. Re-encoding on the host reads 1 + 2 + … + 40
    // pieces: 820 of them.
    expect(chars).toBeLessThan(3 * PIECES * PIECE);
    expect((cellsOf(session.doc).get(0).get('source') as Y.Text).length).toBe(
      before + PIECES * PIECE,
    );
  });
});

/** An editor speaking the wire protocol directly, through the hub's role guard. */
function rawEditor(session: NotebookSession): RawGuest {
  const guest = new RawGuest(attachGuarded(session, () => 'editor', 'writer'));
  guest.autoSend = false;
  return guest;
}

describe("a fresh replica's first sync", () => {
  let session: NotebookSession;
  beforeEach(async () => {
    const nb = sampleNotebook();
    // A notebook of some size: 40 cells of 4 KiB.
    const cells = (nb.cells as unknown[]).slice(0, 1) as { source: string }[];
    nb.cells = Array.from({ length: 40 }, (_, i) => ({
      ...cells[0],
      id: `c${i}`,
      source: 'x'.repeat(4 * KiB),
    }));
    session = await NotebookSession.open(writeNotebook(nb), { dataDir: tempDir() });
  });
  afterEach(async () => {
    await session.close();
  });

  it('encodes the document once for guests joining one after another, each whole', async () => {
    const typist = connectGuest(session, 'editor', 'typist');
    await typist.synced;
    const typed = () => cellsOf(typist.client.doc).get(3).get('source') as Y.Text;
    const joins = 5;
    let last: unknown = null;
    const chars = await charsEncoded(async () => {
      for (let i = 0; i < joins; i++) {
        // Edits between the joins: an insert, a delete, a new cell.
        typed().insert(0, `edit ${i} `);
        typed().delete(10, 3);
        if (i === 2) {
          const cell = { cell_type: 'markdown', id: 'new-cell', metadata: {}, source: 'new' };
          cellsOf(typist.client.doc).push([createCellMap(cell as Cell, 'new-cell')]);
        }
        await expect
          .poll(() => cellsOf(session.doc).toJSON())
          .toEqual(cellsOf(typist.client.doc).toJSON());
        const guest = connectGuest(session, 'viewer', `late${i}`);
        await guest.synced;
        // Whole as soon as it says it is synced.
        expect(cellsOf(guest.client.doc).toJSON()).toEqual(cellsOf(session.doc).toJSON());
        last = guest;
      }
    });
    expect(last).not.toBeNull();
    // One encoding of 160 KiB of text, not one per join (plus the typist's own small edits).
    expect(chars).toBeLessThan(2 * 40 * 4 * KiB);
  });
});

describe('fan-out', () => {
  let session: NotebookSession;
  beforeEach(async () => {
    session = await NotebookSession.open(writeNotebook(sampleNotebook()), { dataDir: tempDir() });
  });
  afterEach(async () => {
    await session.close();
  });

  it('encodes each change once, whatever the number of guests it goes to', async () => {
    const typist = connectGuest(session, 'editor', 'typist');
    await typist.synced;
    const watchers = [0, 1, 2].map((i) => listen(session, `watcher${i}`));
    // The host's sync step 1 and the presence of those already there.
    await expect.poll(() => watchers.every((w) => w.length >= 1)).toBe(true);
    await new Promise((r) => setTimeout(r, 50));
    watchers.forEach((w) => (w.length = 0));

    (cellsOf(typist.client.doc).get(0).get('source') as Y.Text).insert(0, 'x');
    typist.client.awareness.setLocalStateField('cursor', { cell: 0, at: 1 });
    await expect.poll(() => watchers.every((w) => w.length >= 2)).toBe(true);

    const [first, ...others] = watchers as [Uint8Array[], ...Uint8Array[][]];
    for (const other of others) {
      expect(other.length).toBe(first.length);
      // The very same bytes: one encoding, handed to each.
      other.forEach((m, i) => expect(m).toBe(first[i]));
    }
  });
});

/** The messages a bare viewer receives from `session`, as they arrive. */
function listen(session: NotebookSession, name: string): Uint8Array[] {
  const received: Uint8Array[] = [];
  attachGuarded(session, () => 'viewer', name).onMessage((m) => received.push(m));
  return received;
}
