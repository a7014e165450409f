// Finding moved cells for the move carry (move-carry.ts), in a transaction a client's update made:
// a cell deleted whose id a live cell has (a move), a cell new whose id a cell already there has
// (a second, concurrent move of the same cell), the texts of moved cells that got new items (late
// typing), and which parts of a moved cell's old map must outlive its deletion.
import * as Y from 'yjs';

/** The notebook's cells (cellsOf). */
export type Cells = Y.Array<Y.Map<unknown>>;

/** The deletions an update names. */
export type DeleteSet = ReturnType<typeof Y.decodeUpdate>['ds'];

/** A cell moved: its old source, the moved cell's source, and the old cell's item. */
export interface Move {
  oldText: Y.Text;
  newText: Y.Text;
  cell: Y.Item;
}

/** A second copy of a cell moved twice at once, its source, and the source of the copy kept. */
export interface Duplicate {
  copy: Y.Map<unknown>;
  copyText: Y.Text;
  kept: Y.Text;
}

/** Cells deleted in `tr` whose id a live cell has: the old and the new source. */
export function movesIn(tr: Y.Transaction, cells: Cells): Move[] {
  const dead: Array<{ id: string; oldText: Y.Text; cell: Y.Item }> = [];
  Y.iterateDeletedStructs(tr, tr.deleteSet, (s) => {
    if (!(s instanceof Y.Item) || s.parent !== cells || !(s.content instanceof Y.ContentType)) {
      return;
    }
    const map = s.content.type;
    if (!(map instanceof Y.Map)) return;
    const id = rawValue(map, 'id');
    const oldText = rawValue(map, 'source');
    if (typeof id === 'string' && oldText instanceof Y.Text) dead.push({ id, oldText, cell: s });
  });
  if (dead.length === 0) return [];
  const live = new Map<string, Y.Text>();
  cells.forEach((cell) => {
    const id = cell.get('id');
    const source = cell.get('source');
    if (typeof id === 'string' && source instanceof Y.Text && !live.has(id)) live.set(id, source);
  });
  return dead.flatMap(({ id, oldText, cell }) => {
    const newText = live.get(id);
    return newText && newText !== oldText ? [{ oldText, newText, cell }] : [];
  });
}

/** Cells new in `tr` whose id a cell that was already there has: a second, concurrent move. */
export function duplicatesIn(tr: Y.Transaction, cells: Cells): Duplicate[] {
  const all = cells.toArray();
  const fresh = all.filter((cell) => cell._item && isNewIn(tr, cell._item));
  if (fresh.length === 0) return [];
  const older = new Map<string, Y.Text>();
  for (const cell of all) {
    const id = cell.get('id');
    const text = cell.get('source');
    if (
      cell._item &&
      !isNewIn(tr, cell._item) &&
      typeof id === 'string' &&
      text instanceof Y.Text
    ) {
      older.set(id, text);
    }
  }
  return fresh.flatMap((copy) => {
    const kept = older.get(copy.get('id') as string);
    const copyText = copy.get('source');
    return kept && copyText instanceof Y.Text ? [{ copy, copyText, kept }] : [];
  });
}

/** The source text of a dead cell with id `id` whose map the update deleting `sent` deleted. */
export function copiedFrom(doc: Y.Doc, cells: Cells, sent: DeleteSet, id: unknown): Y.Text | null {
  let found: Y.Text | null = null;
  itemsIn(doc, sent, (item) => {
    const map = item.parent === cells && item.content instanceof Y.ContentType && item.content.type;
    if (found || !(map instanceof Y.Map)) return;
    const text = rawValue(map, 'source');
    if (rawValue(map, 'id') === id && text instanceof Y.Text) found = text;
  });
  return found;
}

/**
 * True for the parts of a moved cell's old map that must outlive its deletion for late edits to
 * find their place: the map, and its `id` and `source` entries. The old text's characters still
 * lose their content, and everything else (outputs, metadata) is collected as usual; so are cells
 * deleted without a move.
 */
export function keepStructure(item: Y.Item, cells: Cells, movedAway: WeakSet<Y.Item>): boolean {
  if (item.parent === cells) return movedAway.has(item);
  const parent = item.parent as Y.AbstractType<unknown> | null;
  const cell = parent instanceof Y.Map ? parent._item : null;
  return (
    !!cell &&
    cell.parent === cells &&
    movedAway.has(cell) &&
    (item.parentSub === 'source' || item.parentSub === 'id')
  );
}

/**
 * Calls `f` for each item of `doc` that `ds` names (not for what `doc` does not have yet), with
 * the clocks `from .. to-1` of it that `ds` names.
 */
export function itemsIn(
  doc: Y.Doc,
  ds: DeleteSet,
  f: (item: Y.Item, from: number, to: number) => void,
): void {
  for (const [client, ranges] of ds.clients) {
    const state = Y.getState(doc.store, client);
    const structs = doc.store.clients.get(client) ?? [];
    for (const { clock, len } of ranges) {
      const end = Math.min(clock + len, state);
      if (clock >= end) continue;
      for (let i = Y.findIndexSS(structs, clock); i < structs.length; i++) {
        const s = structs[i] as Y.Item | Y.GC;
        if (s.id.clock >= end) break;
        if (s instanceof Y.Item) {
          f(s, Math.max(clock, s.id.clock), Math.min(end, s.id.clock + s.length));
        }
      }
    }
  }
}

/** The texts matching `wanted` that got new items in `tr`. */
export function textsWithNewItems(tr: Y.Transaction, wanted: (t: Y.Text) => boolean): Set<Y.Text> {
  const found = new Set<Y.Text>();
  tr.afterState.forEach((after, client) => {
    const before = tr.beforeState.get(client) ?? 0;
    if (after <= before) return;
    const structs = tr.doc.store.clients.get(client) ?? [];
    for (let i = Y.findIndexSS(structs, before); i < structs.length; i++) {
      const s = structs[i];
      if (s instanceof Y.Item && s.parent instanceof Y.Text && wanted(s.parent))
        found.add(s.parent);
    }
  });
  return found;
}

/** True when `item` was made in `tr`. */
export function isNewIn(tr: Y.Transaction, item: Y.Item): boolean {
  return item.id.clock >= (tr.beforeState.get(item.id.client) ?? 0);
}

/** True when the cell holding `text` is deleted by `ds`. */
export function cellDeletedIn(ds: DeleteSet, text: Y.Text): boolean {
  const cellItem = (text._item?.parent as Y.AbstractType<unknown> | undefined)?._item;
  return !!cellItem && Y.isDeleted(ds, cellItem.id);
}

/** A map entry's value even when the map is deleted (Y.Map.get then says undefined). */
function rawValue(map: Y.Map<unknown>, key: string): unknown {
  const entry = map._map.get(key);
  return entry?.content.getContent().at(-1);
}
