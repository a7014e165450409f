// A restore: the live document is edited to read as the notebook (or one cell) did at a step, in
// one transaction whose origin names who restored it. History is never rewritten: the restore is
// a new step, and restoring an earlier step undoes it. A cell put back gets no outputs (they are
// the kernel's to write); a source is changed only where it differs, so who wrote the rest stays.
import * as Y from 'yjs';
import type { Cell } from '../../protocol/nbformat';
import type { TimelineAuthor } from '../../protocol/timeline-messages';
import { cellFromMap, cellsOf, createCellMap } from '../../protocol/ydoc-nbformat';

/** The origin of a restore's transaction: who restored, and to which step. */
export class RestoreOrigin {
  constructor(
    readonly author: TimelineAuthor,
    readonly from: number,
  ) {}
}

/** The cells of a notebook as they were, by id, in order. */
export type OldCells = Map<string, Y.Map<unknown>>;

/** The cells of `doc`, by id, in order. */
export function cellsById(doc: Y.Doc): OldCells {
  const out: OldCells = new Map();
  for (const cell of cellsOf(doc).toArray()) {
    const id = cell.get('id');
    if (typeof id === 'string' && !out.has(id)) out.set(id, cell);
  }
  return out;
}

/** Makes cell `id` of `live` as in `old` (put back where it was, or removed if it was not). */
export function restoreCell(live: Y.Doc, old: OldCells, id: string, origin: RestoreOrigin): void {
  live.transact(() => {
    const cells = cellsOf(live);
    const index = cells.toArray().findIndex((c) => c.get('id') === id);
    const was = old.get(id);
    if (!was) {
      if (index >= 0) cells.delete(index, 1);
      return;
    }
    if (index >= 0) return sameAs(cells.get(index), was);
    // Put back after the nearest cell before it that still exists.
    const order = [...old.keys()];
    const ids = cells.toArray().map((c) => c.get('id'));
    let at = 0;
    for (let k = order.indexOf(id) - 1; k >= 0; k--) {
      const i = ids.indexOf(order[k]);
      if (i >= 0) {
        at = i + 1;
        break;
      }
    }
    cells.insert(at, [fresh(was, id)]);
  }, origin);
}

/** Makes every cell of `live` as in `old`: sources, types, which cells, their order. */
export function restoreNotebook(live: Y.Doc, old: OldCells, origin: RestoreOrigin): void {
  live.transact(() => {
    const cells = cellsOf(live);
    for (let i = cells.length - 1; i >= 0; i--) {
      if (!old.has(cells.get(i).get('id') as string)) cells.delete(i, 1);
    }
    let i = 0;
    for (const [id, was] of old) {
      const now = cells.toArray().findIndex((c, k) => k >= i && c.get('id') === id);
      if (now === i) sameAs(cells.get(i), was);
      else if (now > i) {
        // Moved since: the cell as it is now goes back to its old place.
        const moved = cellFromMap(cells.get(now));
        cells.delete(now, 1);
        cells.insert(i, [createCellMap(moved, id)]);
        sameAs(cells.get(i), was);
      } else cells.insert(i, [fresh(was, id)]);
      i++;
    }
  }, origin);
}

function fresh(was: Y.Map<unknown>, id: string): Y.Map<unknown> {
  const cell = cellFromMap(was) as Cell & Record<string, unknown>;
  if ('outputs' in cell) cell.outputs = [];
  if ('execution_count' in cell) cell.execution_count = null;
  return createCellMap(cell, id);
}

// The live cell takes the old one's type and source, edited only where they differ.
function sameAs(cell: Y.Map<unknown>, was: Y.Map<unknown>): void {
  const type = was.get('cell_type');
  if (cell.get('cell_type') !== type) cell.set('cell_type', type);
  const text = cell.get('source');
  const target = was.get('source')?.toString() ?? '';
  if (!(text instanceof Y.Text)) {
    cell.set('source', new Y.Text(target));
    return;
  }
  const current = text.toString();
  if (current === target) return;
  let head = 0;
  while (head < current.length && head < target.length && current[head] === target[head]) head++;
  let tail = 0;
  while (
    tail < current.length - head &&
    tail < target.length - head &&
    current[current.length - 1 - tail] === target[target.length - 1 - tail]
  )
    tail++;
  text.delete(head, current.length - head - tail);
  text.insert(head, target.slice(head, target.length - tail));
}
