// A document's state encoded in slices, with edits (typing, deletions, a second client's
// updates, a whole cell deleted so its content is collected) made between the slices: the
// slices applied in order to an empty document make the document as it was at the last one.
import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { SlicedStateEncoder } from '../../../host/session/sliced-state-encoder';
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

describe('SlicedStateEncoder', () => {
  it('encodes an unchanged document in many slices that make it again', () => {
    const doc = loaded(300);
    const encoder = new SlicedStateEncoder(doc);
    const slices: Uint8Array[] = [];
    // A deadline already past: each slice holds a few structs.
    for (let s = encoder.next(0); s; s = encoder.next(0)) slices.push(s);
    slices.push(encoder.last());
    expect(slices.length).toBeGreaterThan(50);
    const copy = new Y.Doc();
    for (const s of slices) Y.applyUpdate(copy, s);
    expectSameDocument(doc, copy);
  });

  it.each([1, 2, 3, 4, 5])(
    'makes the document as it is at the last slice, after edits between slices (seed %i)',
    (seed) => {
      const rnd = seededRandom(seed);
      const doc = loaded(120);
      const other = new Y.Doc();
      for (let n = 0; n < 20; n++) edit(doc, other, rnd, n);
      const encoder = new SlicedStateEncoder(doc);
      const slices: Uint8Array[] = [];
      for (let n = 20; !encoder.done; n++) {
        slices.push(encoder.next(0)!);
        if (rnd() < 0.5) edit(doc, other, rnd, n);
      }
      slices.push(encoder.last());
      const copy = new Y.Doc();
      for (const s of slices) Y.applyUpdate(copy, s);
      expectSameDocument(doc, copy);
      // Updates made afterwards apply to the copy as they do to the document.
      const before = Y.encodeStateVector(doc);
      for (let n = 1000; n < 1010; n++) edit(doc, other, rnd, n);
      Y.applyUpdate(copy, Y.encodeStateAsUpdate(doc, before));
      expectSameDocument(doc, copy);
    },
  );
});
