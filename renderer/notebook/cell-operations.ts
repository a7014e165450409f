// Structural edits of the notebook (insert, delete, move, change type, merge, split, paste) as
// Yjs transactions on the cells array, all under LOCAL_ORIGIN so this person's undo covers them.
import * as Y from 'yjs';
import type { Cell } from '../../protocol/nbformat';
import { cellFromMap, cellsOf, createCellMap } from '../../protocol/ydoc-nbformat';

/** Transaction origin of this person's structural edits (tracked by their UndoManager). */
export const LOCAL_ORIGIN = 'pairbook:local';

/** A cell's type. */
export type CellType = 'code' | 'markdown' | 'raw';

/** A fresh nbformat cell id: 8 random hex digits. */
export function newCellId(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(4));
  return [...bytes].map((b) => b.toString(16).padStart(2, '0')).join('');
}

/** The file form of an empty cell of `type`. */
export function emptyCell(type: CellType, source = ''): Cell {
  if (type === 'code') {
    return { cell_type: 'code', execution_count: null, metadata: {}, outputs: [], source };
  }
  return { cell_type: type, metadata: {}, source };
}

/** Inserts cells (file form, new ids) at `index`. Returns their ids. */
export function insertCells(doc: Y.Doc, index: number, cells: Cell[]): string[] {
  const ids = cells.map(() => newCellId());
  doc.transact(() => {
    cellsOf(doc).insert(
      index,
      cells.map((c, i) => createCellMap(c, ids[i] as string)),
    );
  }, LOCAL_ORIGIN);
  return ids;
}

/** Deletes `count` cells from `index`; returns them in file form (for the cell clipboard). */
export function deleteCells(doc: Y.Doc, index: number, count: number): Cell[] {
  const cells = cellsOf(doc);
  const removed = cells.slice(index, index + count).map((c) => cellFromMap(c));
  doc.transact(() => cells.delete(index, count), LOCAL_ORIGIN);
  return removed;
}

/**
 * Moves the cell at `from` to `to` (an index in the array without it), keeping its id. With
 * `withOutputs` false (guests), the moved copy has no outputs or execution count: outputs come
 * only from the host's kernel, and the hub refuses a guest's update that writes them
 * (host/hub/role-guard.ts), so a guest's move of an executed cell would be dropped whole.
 */
export function moveCell(doc: Y.Doc, from: number, to: number, withOutputs = true): void {
  const cells = cellsOf(doc);
  const cell = cells.get(from);
  if (!cell || from === to) return;
  // A Y.Map cannot be reinserted once deleted: move a copy with the same id.
  const file = cellFromMap(cell);
  if (!withOutputs && file.cell_type === 'code') {
    file.outputs = [];
    file.execution_count = null;
  }
  const copy = createCellMap(file, cell.get('id') as string);
  doc.transact(() => {
    cells.delete(from, 1);
    cells.insert(Math.max(0, Math.min(to, cells.length)), [copy]);
  }, LOCAL_ORIGIN);
}

/**
 * Changes a cell's type in place, keeping its source Y.Text (so open editors stay bound):
 * code gains empty outputs and count, other types lose them.
 */
export function changeCellType(doc: Y.Doc, index: number, type: CellType): void {
  const cell = cellsOf(doc).get(index);
  if (!cell || cell.get('cell_type') === type) return;
  doc.transact(() => {
    cell.set('cell_type', type);
    if (type === 'code') {
      cell.set('outputs', new Y.Array());
      cell.set('execution_count', null);
      cell.delete('attachments');
    } else {
      cell.delete('outputs');
      cell.delete('execution_count');
    }
  }, LOCAL_ORIGIN);
}

/** Appends the sources of cells `index+1 .. index+count-1` to cell `index` and deletes them. */
export function mergeCells(doc: Y.Doc, index: number, count: number): void {
  const cells = cellsOf(doc);
  if (count < 2 || index + count > cells.length) return;
  const first = cells.get(index);
  const target = first.get('source') as Y.Text;
  doc.transact(() => {
    for (let i = 1; i < count; i++) {
      const src = (cells.get(index + i).get('source') as Y.Text).toString();
      target.insert(target.length, (target.length ? '\n' : '') + src);
    }
    cells.delete(index + 1, count - 1);
    if (first.get('cell_type') === 'code') {
      first.set('outputs', new Y.Array());
      first.set('execution_count', null);
    }
  }, LOCAL_ORIGIN);
}

/**
 * Splits cell `index` at character `offset`: the text after it moves to a new cell of the same
 * type just below. Returns the new cell's id, or null when nothing would move.
 */
export function splitCell(doc: Y.Doc, index: number, offset: number): string | null {
  const cell = cellsOf(doc).get(index);
  if (!cell) return null;
  const text = cell.get('source') as Y.Text;
  const whole = text.toString();
  if (offset <= 0 || offset >= whole.length) return null;
  const head = whole.slice(0, offset).replace(/\n$/, '');
  const tail = whole.slice(offset).replace(/^\n/, '');
  const id = newCellId();
  doc.transact(() => {
    text.delete(head.length, whole.length - head.length);
    const type = cell.get('cell_type') as CellType;
    cellsOf(doc).insert(index + 1, [createCellMap(emptyCell(type, tail), id)]);
  }, LOCAL_ORIGIN);
  return id;
}
