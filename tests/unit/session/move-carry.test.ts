// A cell move while someone types in that cell: the host (a Y.Doc running the carry) and guests
// A and B exchange updates by hand, so every interleaving is chosen, not timed. Guests send each
// update to the host as the hub would (the carry is shown it first, then it is applied); the host
// relays every update to everyone but its sender.
import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { forbiddenTouch } from '../../../host/hub/role-guard';
import { inspectUpdate } from '../../../host/hub/update-inspector';
import { carryEditsIntoMovedCells } from '../../../host/session/move-carry';
import {
  cellsOf,
  createCellMap,
  findCell,
  loadNotebookIntoDoc,
} from '../../../protocol/ydoc-nbformat';
import { LOCAL_ORIGIN, deleteCells, moveCell } from '../../../renderer/notebook/cell-operations';

interface Peer {
  doc: Y.Doc;
  /** Updates this guest made, not yet sent to the host. */
  outbox: Uint8Array[];
  /** Updates the host relayed, not yet received. */
  inbox: Uint8Array[];
}

const SOURCES = ['import os', "print('hello')", 'x = 1\ny = 2', 'z = 3'];

/**
 * When the carry is shown each update a guest sends: before it is applied (as the session does),
 * after, or never (only what the document itself shows).
 */
type Shown = 'before' | 'after' | 'never';

function session(shown: Shown, sources = SOURCES) {
  const host = new Y.Doc();
  loadNotebookIntoDoc(
    {
      nbformat: 4,
      nbformat_minor: 5,
      metadata: {},
      cells: sources.map((source, i) => ({
        cell_type: 'code',
        id: `c${i}`,
        source,
        metadata: {},
        outputs: [],
        execution_count: null,
      })),
    },
    host,
  );
  const carry = carryEditsIntoMovedCells(host);
  const peers = new Map<string, Peer>();
  host.on('update', (update: Uint8Array, origin: unknown) => {
    for (const [name, peer] of peers) if (origin !== name) peer.inbox.push(update);
  });
  const join = (name: string): Peer => {
    const doc = new Y.Doc();
    Y.applyUpdate(doc, Y.encodeStateAsUpdate(host), 'host');
    const peer: Peer = { doc, outbox: [], inbox: [] };
    doc.on('update', (update: Uint8Array, origin: unknown) => {
      if (origin !== 'host') peer.outbox.push(update);
    });
    peers.set(name, peer);
    return peer;
  };
  const peer = (name: string) => peers.get(name) as Peer;
  /** Delivers `count` (default all) of `name`'s pending updates to the host. */
  const send = (name: string, count = Infinity) => {
    const { outbox } = peer(name);
    for (let i = 0; i < count && outbox.length > 0; i++) {
      const update = outbox.shift() as Uint8Array;
      if (shown === 'before') carry.noteUpdate(update);
      Y.applyUpdate(host, update, name);
      if (shown === 'after') carry.noteUpdate(update);
    }
  };
  /** Delivers `count` (default all) of what the host relayed to `name`. */
  const receive = (name: string, count = Infinity) => {
    const { inbox, doc } = peer(name);
    for (let i = 0; i < count && inbox.length > 0; i++) {
      Y.applyUpdate(doc, inbox.shift() as Uint8Array, 'host');
    }
  };
  /** Delivers everything everywhere until nothing is in flight. */
  const settle = () => {
    for (let round = 0; round < 100; round++) {
      const busy = [...peers.values()].some((p) => p.inbox.length + p.outbox.length > 0);
      if (!busy) return;
      for (const name of peers.keys()) send(name);
      for (const name of peers.keys()) receive(name);
    }
    throw new Error('did not settle');
  };
  return { host, carry, join, send, receive, settle, peers };
}

/** Types `text` at `index` of cell `id` one key at a time, into the cell as this replica has it
 * now (as the renderer's editor does: bound to the old text until the move arrives). */
function type(doc: Y.Doc, id: string, index: number, text: string): void {
  [...text].forEach((ch, i) => sourceText(doc, id).insert(index + i, ch));
}

function backspace(doc: Y.Doc, id: string, index: number, count: number): void {
  for (let i = 0; i < count; i++) sourceText(doc, id).delete(index - i - 1, 1);
}

function sourceText(doc: Y.Doc, id: string): Y.Text {
  const cell = findCell(doc, id);
  if (!cell) throw new Error(`no cell ${id}`);
  return cell.get('source') as Y.Text;
}

const ids = (doc: Y.Doc) => cellsOf(doc).map((c) => c.get('id'));
const source = (doc: Y.Doc, id: string) => findCell(doc, id)?.get('source')?.toString();

/** Everyone has the same cells in the same order, with the same sources. */
function expectConverged(docs: Y.Doc[], order: string[], sources: Record<string, string>) {
  for (const doc of docs) {
    expect(ids(doc)).toEqual(order);
    for (const [id, text] of Object.entries(sources)) expect(source(doc, id)).toBe(text);
  }
}

const count = (s: string, ch: string) => [...s].filter((c) => c === ch).length;
const hello = SOURCES[1] as string;

const insertAt = (s: string, index: number, text: string) =>
  s.slice(0, index) + text + s.slice(index);

describe.each(['before', 'after', 'never'] as const)(
  'a cell move while another guest types in it (updates shown to the carry: %s)',
  (shown) => {
    // A deletion in a moved cell's old text changes nothing in the document: only the raw
    // update shows it, so these cases exist only where the carry is shown updates.
    const itSeeingUpdates = shown === 'never' ? () => undefined : it;
    it.each([
      ['the start', 0],
      ['the middle', 6],
      ['the end', hello.length],
    ])('keeps what B typed at %s of the cell, sent after the move reached the host', (_, at) => {
      const s = session(shown);
      const a = s.join('A');
      const b = s.join('B');
      moveCell(a.doc, 1, 0, false);
      type(b.doc, 'c1', at, 'XYZ');
      s.send('A');
      s.send('B');
      s.settle();
      expectConverged([s.host, a.doc, b.doc], ['c1', 'c0', 'c2', 'c3'], {
        c1: insertAt(hello, at, 'XYZ'),
      });
    });

    it('keeps what B typed that reached the host before the move, which A had not seen', () => {
      const s = session(shown);
      const a = s.join('A');
      const b = s.join('B');
      type(b.doc, 'c1', 6, 'XYZ');
      moveCell(a.doc, 1, 3, false);
      s.send('B');
      s.send('A');
      s.settle();
      expectConverged([s.host, a.doc, b.doc], ['c0', 'c2', 'c3', 'c1'], {
        c1: insertAt(hello, 6, 'XYZ'),
      });
    });

    it('keeps typing that straddles the move: some keys before it reached the host, some after', () => {
      const s = session(shown);
      const a = s.join('A');
      const b = s.join('B');
      type(b.doc, 'c1', 6, 'abcdef');
      moveCell(a.doc, 1, 0, false);
      s.send('B', 3);
      s.send('A');
      s.send('B');
      s.settle();
      expect(source(s.host, 'c1')).toBe(insertAt(hello, 6, 'abcdef'));
      expectConverged([s.host, a.doc, b.doc], ['c1', 'c0', 'c2', 'c3'], {
        c1: insertAt(hello, 6, 'abcdef'),
      });
    });

    it('keeps typing on after the move reaches B, in the moved cell', () => {
      const s = session(shown);
      const a = s.join('A');
      const b = s.join('B');
      moveCell(a.doc, 1, 0, false);
      type(b.doc, 'c1', 6, 'XY');
      s.send('A');
      s.send('B');
      s.receive('B'); // B's editor now shows the moved cell
      expect(source(b.doc, 'c1')).toBe(insertAt(hello, 6, 'XY'));
      type(b.doc, 'c1', 8, 'Z');
      s.settle();
      expectConverged([s.host, a.doc, b.doc], ['c1', 'c0', 'c2', 'c3'], {
        c1: insertAt(hello, 6, 'XYZ'),
      });
    });

    itSeeingUpdates('carries B deleting text while the move is in flight', () => {
      const s = session(shown);
      const a = s.join('A');
      const b = s.join('B');
      moveCell(a.doc, 1, 2, false);
      backspace(b.doc, 'c1', 13, 7); // print('hello') -> print(
      s.send('A');
      s.send('B');
      s.settle();
      expectConverged([s.host, a.doc, b.doc], ['c0', 'c2', 'c1', 'c3'], { c1: 'print()' });
    });

    itSeeingUpdates('carries B deleting what it had just typed, both late', () => {
      const s = session(shown);
      const a = s.join('A');
      const b = s.join('B');
      moveCell(a.doc, 1, 0, false);
      type(b.doc, 'c1', 6, 'XYZ');
      backspace(b.doc, 'c1', 9, 2);
      s.send('A');
      s.send('B');
      s.settle();
      expectConverged([s.host, a.doc, b.doc], ['c1', 'c0', 'c2', 'c3'], {
        c1: insertAt(hello, 6, 'X'),
      });
    });

    it('follows a cell A moved twice before B’s typing arrived', () => {
      const s = session(shown);
      const a = s.join('A');
      const b = s.join('B');
      moveCell(a.doc, 1, 2, false);
      moveCell(a.doc, 2, 3, false);
      type(b.doc, 'c1', 0, '# ');
      s.send('A', 1);
      s.send('B', 1);
      s.send('A');
      s.send('B');
      s.settle();
      expectConverged([s.host, a.doc, b.doc], ['c0', 'c2', 'c3', 'c1'], {
        c1: `# ${hello}`,
      });
    });

    it('carries into a cell moved down as into one moved up', () => {
      for (const [from, to, order] of [
        [1, 3, ['c0', 'c2', 'c3', 'c1']],
        [1, 0, ['c1', 'c0', 'c2', 'c3']],
      ] as const) {
        const s = session(shown);
        const a = s.join('A');
        const b = s.join('B');
        moveCell(a.doc, from, to, false);
        type(b.doc, 'c1', 5, '!!');
        s.send('A');
        s.send('B');
        s.settle();
        expectConverged([s.host, a.doc, b.doc], [...order], { c1: insertAt(hello, 5, '!!') });
      }
    });

    it('keeps one cell when A and B move it at the same time, with B’s typing in it', () => {
      const s = session(shown);
      const a = s.join('A');
      const b = s.join('B');
      type(b.doc, 'c1', 0, '#');
      moveCell(a.doc, 1, 0, false);
      moveCell(b.doc, 1, 3, false);
      type(b.doc, 'c1', 1, '!');
      s.send('A');
      s.send('B');
      s.settle();
      expectConverged([s.host, a.doc, b.doc], ['c1', 'c0', 'c2', 'c3'], { c1: `#!${hello}` });
    });

    it('drops late typing into a moved cell that was then deleted, everywhere alike', () => {
      const s = session(shown);
      const a = s.join('A');
      const b = s.join('B');
      moveCell(a.doc, 1, 0, false);
      deleteCells(a.doc, 0, 1);
      type(b.doc, 'c1', 3, 'XYZ');
      s.send('A');
      s.send('B');
      s.settle();
      expectConverged([s.host, a.doc, b.doc], ['c0', 'c2', 'c3'], {});
    });

    it('leaves moved cells alone when a guest joins later and sends its whole state', () => {
      const s = session(shown);
      const a = s.join('A');
      const b = s.join('B');
      moveCell(a.doc, 1, 0, false);
      type(b.doc, 'c1', 6, 'XYZ');
      s.settle();
      const c = s.join('C');
      c.outbox.push(Y.encodeStateAsUpdate(c.doc));
      s.send('A');
      s.settle();
      expectConverged([s.host, a.doc, b.doc, c.doc], ['c1', 'c0', 'c2', 'c3'], {
        c1: insertAt(hello, 6, 'XYZ'),
      });
    });

    it('lets the role guard pass a late insert into the old text (a source edit)', () => {
      const s = session(shown);
      const a = s.join('A');
      const b = s.join('B');
      moveCell(a.doc, 1, 0, false);
      type(b.doc, 'c1', 6, 'X');
      s.send('A');
      const late = b.outbox[0] as Uint8Array;
      const found = inspectUpdate(s.host, late);
      expect(found.ok).toBe(true);
      if (!found.ok) return;
      expect(found.newContent).toBe(true);
      expect(found.touches.map(forbiddenTouch)).toEqual([null]);
    });

    itSeeingUpdates(
      'keeps what B typed and deleted offline as one update (a reconnect): only what stayed',
      () => {
        const s = session(shown);
        const a = s.join('A');
        const b = s.join('B');
        moveCell(a.doc, 1, 0, false);
        type(b.doc, 'c1', 6, 'XYZ');
        backspace(b.doc, 'c1', 9, 2);
        b.outbox.splice(0, b.outbox.length, Y.mergeUpdates(b.outbox));
        s.send('A');
        s.send('B');
        s.settle();
        expectConverged([s.host, a.doc, b.doc], ['c1', 'c0', 'c2', 'c3'], {
          c1: insertAt(hello, 6, 'X'),
        });
      },
    );

    it('keeps both A typing in the cell it moved and B typing late in the old one', () => {
      const s = session(shown);
      const a = s.join('A');
      const b = s.join('B');
      moveCell(a.doc, 1, 0, false);
      type(a.doc, 'c1', 0, '# ');
      type(b.doc, 'c1', hello.length, ' # B');
      s.send('A');
      s.send('B');
      s.settle();
      expectConverged([s.host, a.doc, b.doc], ['c1', 'c0', 'c2', 'c3'], {
        c1: `# ${hello} # B`,
      });
    });

    it('keeps B’s typing when A undoes its move', () => {
      const s = session(shown);
      const a = s.join('A');
      const b = s.join('B');
      const undo = new Y.UndoManager(cellsOf(a.doc), { trackedOrigins: new Set([LOCAL_ORIGIN]) });
      moveCell(a.doc, 1, 3, false);
      s.send('A');
      s.receive('B');
      s.receive('A');
      undo.undo();
      type(b.doc, 'c1', 0, '# ');
      s.send('A');
      s.send('B');
      s.settle();
      expectConverged([s.host, a.doc, b.doc], ['c0', 'c1', 'c2', 'c3'], { c1: `# ${hello}` });
    });

    it('does not carry into cells the host itself replaced (reloading from disk)', () => {
      const s = session(shown);
      const a = s.join('A');
      type(a.doc, 'c1', 0, 'unsaved ');
      s.send('A');
      type(a.doc, 'c1', 0, 'late ');
      s.host.transact(() => {
        const cells = cellsOf(s.host);
        cells.delete(0, cells.length);
        cells.insert(
          0,
          SOURCES.map((source, i) =>
            createCellMap(
              { cell_type: 'code', source, metadata: {}, outputs: [], execution_count: null },
              `c${i}`,
            ),
          ),
        );
      }, 'pairbook:reload');
      s.settle();
      expectConverged([s.host, a.doc], ['c0', 'c1', 'c2', 'c3'], { c1: hello });
    });

    it('keeps no deleted text, of moved or deleted cells, in what joining guests download', () => {
      const s = session(shown);
      const a = s.join('A');
      deleteCells(a.doc, 3, 1);
      moveCell(a.doc, 1, 0, false);
      s.send('A');
      const state = Buffer.from(Y.encodeStateAsUpdate(s.host)).toString('latin1');
      expect(state).not.toContain('z = 3');
      expect(state).toContain(hello); // once: in the moved cell
      expect(state.split(hello).length).toBe(2);
    });

    // Its state holds no content for what it deleted since: only the update's own deletions,
    // shown before it applies, tell which characters the copy was made of.
    const oneUpdate: Array<[string, boolean]> = [['its updates merged', false]];
    if (shown === 'before') oneUpdate.push(['its state, as after a reconnect', true]);
    it.each(oneUpdate)(
      'keeps both when A’s move and its typing in the moved cell come in one update (%s)',
      (_, state) => {
        const s = session(shown);
        const a = s.join('A');
        const b = s.join('B');
        type(b.doc, 'c1', 0, '# B ');
        moveCell(a.doc, 1, 3, false);
        type(a.doc, 'c1', hello.length, ' # A');
        backspace(a.doc, 'c1', 5, 5); // print -> (A deleted it, in its copy)
        const one = state
          ? Y.encodeStateAsUpdate(a.doc, Y.encodeStateVector(s.host))
          : Y.mergeUpdates(a.outbox);
        a.outbox.splice(0, a.outbox.length, one);
        s.send('B');
        s.send('A');
        s.settle();
        expectConverged([s.host, a.doc, b.doc], ['c0', 'c2', 'c3', 'c1'], {
          c1: `# B ${hello.slice(5)} # A`,
        });
      },
    );
  },
);

describe('random interleavings of moves, typing and deleting (seeded)', () => {
  // Guests type characters nobody else types (A from one block, B from another), delete only
  // their own, and move cell c1 around; updates are delivered in a random order. In the end
  // everyone has the same notebook, the original text is intact and in order, and every
  // character typed and not deleted is there exactly once.
  it.each(Array.from({ length: 100 }, (_, i) => i + 1))('seed %i', (seed) => {
    let state = seed;
    const random = (n: number) => {
      // mulberry32
      state = (state + 0x6d2b79f5) | 0;
      let t = Math.imul(state ^ (state >>> 15), 1 | state);
      t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
      return ((t ^ (t >>> 14)) >>> 0) % n;
    };
    const s = session('before');
    const guests = { A: s.join('A'), B: s.join('B') };
    const next = { A: 0x3400, B: 0x4e00 };
    const typed = { A: new Set<string>(), B: new Set<string>() };
    const removed = new Set<string>();
    for (let step = 0; step < 60; step++) {
      const name = random(2) === 0 ? 'A' : 'B';
      const doc = guests[name].doc;
      const text = findCell(doc, 'c1')?.get('source') as Y.Text | undefined;
      const action = random(10);
      if (action < 4 && text) {
        const ch = String.fromCharCode(next[name]++);
        typed[name].add(ch);
        text.insert(random(text.length + 1), ch);
      } else if (action < 5 && text) {
        const own = [...text.toString()].flatMap((c, i) => (typed[name].has(c) ? [i] : []));
        if (own.length > 0) {
          const at = own[random(own.length)] as number;
          removed.add(text.toString()[at] as string);
          text.delete(at, 1);
        }
      } else if (action < 6) {
        const from = ids(doc).indexOf('c1');
        const to = random(cellsOf(doc).length - 1);
        if (from >= 0 && to !== from) moveCell(doc, from, to, false);
      } else if (action < 8) {
        s.send(name, 1 + random(2));
      } else {
        s.receive(name, 1 + random(2));
      }
    }
    s.settle();
    const final = source(s.host, 'c1') as string;
    for (const doc of [guests.A.doc, guests.B.doc]) {
      expect(ids(doc)).toEqual(ids(s.host));
      expect(source(doc, 'c1')).toBe(final);
    }
    expect(ids(s.host).filter((id) => id === 'c1')).toHaveLength(1);
    const mine = new Set([...typed.A, ...typed.B]);
    expect([...final].filter((c) => !mine.has(c)).join('')).toBe(hello);
    for (const c of mine) expect(count(final, c)).toBe(removed.has(c) ? 0 : 1);
  });
});
