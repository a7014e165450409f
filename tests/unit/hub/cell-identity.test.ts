// The update inspector keeps the cells list a list of well-formed cells with one id each: what a
// guest's replica sends is inspected against the host's document, as the hub does.
import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { inspectUpdate } from '../../../host/hub/update-inspector';
import type { Cell, Notebook } from '../../../protocol/nbformat';
import {
  cellsOf,
  createCellMap,
  loadNotebookIntoDoc,
  serializeNotebook,
} from '../../../protocol/ydoc-nbformat';
import {
  LOCAL_ORIGIN,
  changeCellType,
  deleteCells,
  emptyCell,
  insertCells,
  mergeCells,
  moveCell,
  splitCell,
} from '../../../renderer/notebook/cell-operations';
import { codeCell, markdownCell, notebook } from '../../helpers/notebooks';

/** A host document and a guest's replica of it; `edit` returns the guest's update. */
function setup() {
  const host = new Y.Doc();
  loadNotebookIntoDoc(
    notebook([
      markdownCell('intro', ['# Title']),
      codeCell('visible', ['print("visible")']),
      codeCell('other', ['x = 1']),
    ]) as unknown as Notebook,
    host,
  );
  const guest = new Y.Doc();
  Y.applyUpdate(guest, Y.encodeStateAsUpdate(host));
  const edit = (f: (doc: Y.Doc, cells: Y.Array<unknown>) => void): Uint8Array => {
    const before = Y.encodeStateVector(guest);
    guest.transact(() => f(guest, cellsOf(guest) as Y.Array<unknown>));
    return Y.encodeStateAsUpdate(guest, before);
  };
  return { host, guest, edit };
}

const cellMap = (id: string, cell: Partial<Cell> = {}) =>
  createCellMap({ ...(emptyCell('code', 'print("new")') as Cell), ...cell } as Cell, id);

/** A Y.Map cell built field by field (to leave fields out or give them the wrong kind). */
function rawCell(fields: Record<string, unknown>): Y.Map<unknown> {
  const map = new Y.Map<unknown>();
  for (const [k, v] of Object.entries(fields)) map.set(k, v);
  return map;
}

const refused = (host: Y.Doc, update: Uint8Array) => {
  const found = inspectUpdate(host, update);
  return found.ok ? null : found.reason;
};

describe('cells have one identity', () => {
  it('refuses a new cell that reuses the id of a cell in the notebook', () => {
    const { host, edit } = setup();
    const update = edit((_, cells) => cells.insert(1, [cellMap('visible')]));
    expect(refused(host, update)).toMatch(/reuses the id.*"visible"/);
  });

  it('refuses two new cells with one id', () => {
    const { host, edit } = setup();
    const update = edit((_, cells) => cells.push([cellMap('twin'), cellMap('twin')]));
    expect(refused(host, update)).toMatch(/"twin"/);
  });

  it("refuses changing a cell's id to another cell's", () => {
    const { host, edit } = setup();
    const update = edit((_, cells) => (cells.get(2) as Y.Map<unknown>).set('id', 'visible'));
    expect(refused(host, update)).toMatch(/two cells would have the id "visible"/);
  });

  it.each([[''], ['has space'], ['x'.repeat(65)], ['é'], [42]])(
    'refuses a malformed id %j',
    (id) => {
      const { host, edit } = setup();
      const update = edit((_, cells) => {
        const cell = cellMap('fine');
        cells.push([cell]);
        cell.set('id', id);
      });
      expect(refused(host, update)).toMatch(/a cell id is 1 to 64 letters/);
    },
  );

  it('allows a move: the same id deleted and inserted in one update', () => {
    const { host, guest, edit } = setup();
    const update = edit(() => moveCell(guest, 1, 2, false));
    expect(refused(host, update)).toBeNull();
    Y.applyUpdate(host, update);
    expect(cellsOf(host).map((c) => c.get('id'))).toEqual(['intro', 'other', 'visible']);
  });

  it('allows what the editor does: insert, type, split, merge, change type, delete', () => {
    const { host, guest, edit } = setup();
    const steps: ((doc: Y.Doc, cells: Y.Array<unknown>) => void)[] = [
      () => insertCells(guest, 0, [emptyCell('code', 'a = 1'), emptyCell('markdown', '*b*')]),
      (_, cells) => ((cells.get(0) as Y.Map<unknown>).get('source') as Y.Text).insert(5, '\nc = 2'),
      () => splitCell(guest, 0, 6),
      () => mergeCells(guest, 0, 2),
      () => changeCellType(guest, 3, 'markdown'),
      () => changeCellType(guest, 3, 'code'),
      () => changeCellType(guest, 1, 'raw'),
      (_, cells) => cells.delete(0, 1),
      (_, cells) =>
        ((cells.get(0) as Y.Map<unknown>).get('metadata') as Y.Map<unknown>).set('tags', ['x']),
    ];
    for (const step of steps) {
      const update = edit(step);
      expect(refused(host, update)).toBeNull();
      Y.applyUpdate(host, update);
    }
    expect(serializeNotebook(host)).toBe(serializeNotebook(guest));
  });
});

describe("a guest's undo of its structural edits", () => {
  it.each<[string, (doc: Y.Doc) => void]>([
    ['a deletion', (doc) => deleteCells(doc, 1, 2)],
    ['a move', (doc) => moveCell(doc, 1, 2, false)],
    ['an insertion', (doc) => insertCells(doc, 0, [emptyCell('code', 'z')])],
    ['a change of type', (doc) => changeCellType(doc, 1, 'markdown')],
    ['a merge', (doc) => mergeCells(doc, 1, 2)],
    ['a split', (doc) => splitCell(doc, 1, 6)],
  ])('is allowed after %s, and so is the redo', (_, change) => {
    const { host, guest } = setup();
    const undo = new Y.UndoManager(cellsOf(guest), { trackedOrigins: new Set([LOCAL_ORIGIN]) });
    const seen = [serializeNotebook(guest)];
    for (const step of [() => change(guest), () => undo.undo(), () => undo.redo()]) {
      const before = Y.encodeStateVector(guest);
      step();
      const update = Y.encodeStateAsUpdate(guest, before);
      expect(refused(host, update)).toBeNull();
      Y.applyUpdate(host, update);
      seen.push(serializeNotebook(guest));
    }
    // The change was made, undone and made again.
    expect(seen[1]).not.toBe(seen[0]);
    expect(seen[2]).toBe(seen[0]);
    expect(seen[3]).toBe(seen[1]);
    expect(serializeNotebook(host)).toBe(serializeNotebook(guest));
    const ids = cellsOf(host).map((c) => c.get('id'));
    expect(new Set(ids).size).toBe(ids.length);
  });
});

describe('only well-formed cells go into the cells list', () => {
  it.each([[42], ['str'], [null], [{ cell_type: 'code' }]])('refuses the value %j', (value) => {
    const { host, edit } = setup();
    const update = edit((_, cells) => cells.insert(1, [value]));
    expect(refused(host, update)).toMatch(/only cells can be put in the cells list/);
  });

  it.each([
    ['a text', () => new Y.Text('x')],
    ['a list', () => new Y.Array()],
  ])('refuses %s', (_, make) => {
    const { host, edit } = setup();
    expect(
      refused(
        host,
        edit((_, cells) => cells.push([make()])),
      ),
    ).toMatch(/only cells/);
  });

  const complete = () => ({
    id: 'new1',
    cell_type: 'code',
    source: new Y.Text('1'),
    metadata: new Y.Map(),
    outputs: new Y.Array(),
    execution_count: null,
  });

  it.each<[string, Record<string, unknown>, RegExp]>([
    ['no id', { id: undefined }, /must have id/],
    ['no source', { source: undefined }, /must have source/],
    ['a string source', { source: 'print(1)' }, /source is a shared text/],
    ['no metadata', { metadata: undefined }, /must have metadata/],
    ['metadata as JSON', { metadata: { a: 1 } }, /metadata is a shared map/],
    ['an unknown cell_type', { cell_type: 'banana' }, /cell_type is code, markdown or raw/],
    ['a code cell without outputs', { outputs: undefined }, /code cell must have outputs/],
    [
      'a markdown cell with outputs',
      { cell_type: 'markdown', execution_count: undefined },
      /only code cells have outputs/,
    ],
    ['binary in a field', { metadata: rawCell({ blob: new Uint8Array([1]) }) }, /cannot hold/],
  ])('refuses a new cell with %s', (_, change, why) => {
    const { host, edit } = setup();
    const fields: Record<string, unknown> = { ...complete(), ...change };
    for (const k of Object.keys(fields)) if (fields[k] === undefined) delete fields[k];
    expect(
      refused(
        host,
        edit((_, cells) => cells.push([rawCell(fields)])),
      ),
    ).toMatch(why);
  });

  it('accepts a complete cell built field by field', () => {
    const { host, edit } = setup();
    expect(
      refused(
        host,
        edit((_, cells) => cells.push([rawCell(complete())])),
      ),
    ).toBeNull();
  });

  it.each<[string, (cell: Y.Map<unknown>) => void, RegExp]>([
    ['deletes its source', (c) => c.delete('source'), /must have source/],
    ['makes its source a number', (c) => c.set('source', 42), /source is a shared text/],
    ['sets an unknown type', (c) => c.set('cell_type', 'banana'), /cell_type is code/],
    ['becomes markdown keeping outputs', (c) => c.set('cell_type', 'markdown'), /only code cells/],
    ['loses its outputs', (c) => c.delete('outputs'), /code cell must have outputs/],
  ])('refuses an edit of a cell that %s', (_, change, why) => {
    const { host, edit } = setup();
    expect(
      refused(
        host,
        edit((_, cells) => change(cells.get(1) as Y.Map<unknown>)),
      ),
    ).toMatch(why);
  });
});
