// A document's whole state written a slice at a time as one update (WholeStateSlicer), with
// edits (typing, deletions, a second client's updates, a whole cell deleted so its content is
// collected, edits inside a long text being written in pieces) made between the slices: the
// update and the last part, applied to an empty document, make the document as it was at the
// last part, with nothing left pending; long texts are written in pieces, never splitting a
// surrogate pair.
import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { PIECE_CHARS, WholeStateSlicer } from '../../../host/session/whole-state-slicer';
import { cellsOf, loadNotebookIntoDoc } from '../../../protocol/ydoc-nbformat';
import { codeCell, notebook } from '../../helpers/notebooks';
import { seededRandom } from '../../helpers/seeded-random';

/** A notebook of `n` cells with outputs, loaded into a fresh document. */
function loaded(n: number): Y.Doc {
  const cells = Array.from({ length: n }, (_, i) =>
    codeCell(
      `c${i}`,
      [`x = ${i}\n`, `print(x * ${i})\n`],
      [{ name: 'stdout', output_type: 'stream', text: [`${i * i}\n`, 'é😀\n'] }],
      i,
    ),
  );
  const doc = new Y.Doc();
  loadNotebookIntoDoc(notebook(cells) as never, doc);
  return doc;
}

/** One random edit, on `doc` itself or by another client whose update `doc` receives. */
function edit(doc: Y.Doc, other: Y.Doc, rnd: () => number, n: number): void {
  const onOther = rnd() < 0.4;
  const target = onOther ? other : doc;
  if (onOther) Y.applyUpdate(other, Y.encodeStateAsUpdate(doc, Y.encodeStateVector(other)));
  const cells = cellsOf(target);
  const cell = cells.get(Math.floor(rnd() * cells.length));
  const source = cell.get('source') as Y.Text;
  const r = rnd();
  if (r < 0.5) source.insert(Math.floor(rnd() * (source.length + 1)), `t${n}`);
  else if (r < 0.8 && source.length > 2) source.delete(Math.floor(rnd() * (source.length - 2)), 2);
  else if (r < 0.9 && cells.length > 2) cells.delete(Math.floor(rnd() * cells.length), 1);
  else cell.set('execution_count', n);
  if (onOther) Y.applyUpdate(doc, Y.encodeStateAsUpdate(other, Y.encodeStateVector(doc)));
}

function expectSameDocument(a: Y.Doc, b: Y.Doc): void {
  expect(b.getArray('cells').toJSON()).toEqual(a.getArray('cells').toJSON());
  expect(b.getMap('meta').toJSON()).toEqual(a.getMap('meta').toJSON());
  expect(Y.encodeStateVector(b)).toEqual(Y.encodeStateVector(a));
  const deleted = (d: Y.Doc) => Y.createDeleteSetFromStructStore(d.store);
  expect(Y.equalDeleteSets(deleted(a), deleted(b))).toBe(true);
  expect(b.store.pendingStructs).toBeNull();
}

/** The slicer's update (framed with nothing) and last part, each slice written with a past deadline. */
async function sliced(doc: Y.Doc, between: () => void = () => {}): Promise<Uint8Array[]> {
  const slicer = new WholeStateSlicer(doc);
  let slices = 0;
  while (!slicer.done) {
    slicer.next(0);
    slices++;
    between();
  }
  const last = slicer.last();
  const part = await slicer.part(() => new Uint8Array(0));
  expect(slices).toBeGreaterThan(1);
  return [part, last];
}

function applied(updates: Uint8Array[]): Y.Doc {
  const copy = new Y.Doc();
  for (const u of updates) Y.applyUpdate(copy, u);
  return copy;
}

describe('WholeStateSlicer', () => {
  it('writes an unchanged document as one update that makes it again', async () => {
    const doc = loaded(300);
    const [part, last] = await sliced(doc);
    // The first update alone is the whole document (nothing changed since): nothing pending.
    const copy = applied([part!]);
    expect(copy.store.pendingStructs).toBeNull();
    Y.applyUpdate(copy, last!);
    expectSameDocument(doc, copy);
  });

  it.each([1, 2, 3, 4, 5])(
    'makes the document as it is at the last part, after edits between slices (seed %i)',
    async (seed) => {
      const rnd = seededRandom(seed);
      const doc = loaded(120);
      const other = new Y.Doc();
      for (let n = 0; n < 20; n++) edit(doc, other, rnd, n);
      let n = 20;
      const updates = await sliced(doc, () => {
        if (rnd() < 0.5) edit(doc, other, rnd, n++);
      });
      const copy = applied(updates);
      expectSameDocument(doc, copy);
      const before = Y.encodeStateVector(doc);
      for (let m = 1000; m < 1010; m++) edit(doc, other, rnd, m);
      Y.applyUpdate(copy, Y.encodeStateAsUpdate(doc, before));
      expectSameDocument(doc, copy);
    },
  );

  it('writes a long text in pieces, whole surrogate pairs in each, edited meanwhile', async () => {
    const doc = loaded(3);
    const other = new Y.Doc();
    Y.applyUpdate(other, Y.encodeStateAsUpdate(doc));
    const text = cellsOf(other).get(1).get('source') as Y.Text;
    // One struct of 3.5 pieces (appends by one client merge), a pair straddling each piece's end.
    const unit = 'ab😀'; // 4 UTF-16 units: a pair at 2-3 of every 4
    for (let i = 0; i < 7; i++) text.insert(text.length, unit.repeat(PIECE_CHARS / 8) + 'x');
    Y.applyUpdate(doc, Y.encodeStateAsUpdate(other, Y.encodeStateVector(doc)));
    const long = cellsOf(doc).get(1).get('source') as Y.Text;
    let edits = 0;
    /** The first position at or after `at` that is not inside a surrogate pair. */
    const whole = (at: number) => {
      const code = long.toString().charCodeAt(at - 1);
      return code >= 0xd800 && code <= 0xdbff ? at + 1 : at;
    };
    const updates = await sliced(doc, () => {
      // Inside the long text, and at its end, while it is being written.
      long.insert(whole(Math.floor(long.length / 3) + edits * 7), `[${edits}]`);
      if (edits % 2 === 1) {
        const from = whole(10 + edits);
        long.delete(from, whole(from + 3) - from);
      }
      edits++;
    });
    expect(edits).toBeGreaterThanOrEqual(4);
    const copy = applied(updates);
    expectSameDocument(doc, copy);
    expect(long.toString()).not.toContain('\ufffd');
    expect((cellsOf(copy).get(1).get('source') as Y.Text).toString()).toBe(long.toString());
  });

  it('chains a second slicer over what came while the first wrote (a paste), from its state', async () => {
    const rnd = seededRandom(7);
    const doc = loaded(60);
    const other = new Y.Doc();
    const first = new WholeStateSlicer(doc);
    let n = 0;
    while (!first.done) {
      first.next(0);
      edit(doc, other, rnd, n++);
    }
    // A paste of 600 Ki characters into one cell, and another client's edits.
    (cellsOf(doc).get(2).get('source') as Y.Text).insert(3, 'p'.repeat(600 * 1024));
    edit(doc, other, rnd, n++);
    expect(first.behind).toBeGreaterThan(600 * 1024);
    const parts = [await first.part(() => new Uint8Array(0))];
    const second = new WholeStateSlicer(doc, first.state);
    let slices = 0;
    while (!second.done) {
      second.next(0);
      slices++;
      edit(doc, other, rnd, n++);
    }
    expect(slices).toBeGreaterThan(2); // the paste in pieces
    const last = second.last();
    parts.push(await second.part(() => new Uint8Array(0)), last);
    const copy = new Y.Doc();
    Y.applyUpdate(copy, parts[0]!);
    Y.applyUpdate(copy, parts[1]!);
    expect(copy.store.pendingStructs).toBeNull();
    Y.applyUpdate(copy, parts[2]!);
    expectSameDocument(doc, copy);
  });
});
