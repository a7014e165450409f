// Which cells a transaction changed: read before Yjs collects what it deleted (its
// 'beforeObserverCalls' event), from the structs it added and the ones it deleted.
import * as Y from 'yjs';
import { cellsOf, metaOf } from '../../protocol/ydoc-nbformat';
import type { Touched } from './timeline-steps';

/** A cell map's id, read even when the cell is being deleted (Y.Map.get hides deleted entries). */
export function rawCellId(map: Y.AbstractType<unknown>): string | null {
  const item = (map as unknown as { _map: Map<string, Y.Item> })._map.get('id');
  const id: unknown = item?.content.getContent()[0];
  return typeof id === 'string' ? id : null;
}

interface Acc {
  cells: unknown;
  meta: unknown;
  ids: Set<string>;
  notebook: boolean;
}

/** What `tr` on `doc` touched: the cells whose content changed; whether cells or metadata did. */
export function touchedBy(tr: Y.Transaction, doc: Y.Doc): Touched {
  const acc: Acc = { cells: cellsOf(doc), meta: metaOf(doc), ids: new Set(), notebook: false };
  for (const [client, after] of tr.afterState) {
    const before = tr.beforeState.get(client) ?? 0;
    if (after <= before) continue;
    const structs = doc.store.clients.get(client);
    if (!structs) continue;
    for (let i = Y.findIndexSS(structs, before); i < structs.length; i++) {
      const s = structs[i]!;
      if (s.id.clock >= after) break;
      if (s instanceof Y.Item) see(s, acc);
    }
  }
  if (tr.deleteSet.clients.size > 0) {
    Y.iterateDeletedStructs(tr, tr.deleteSet, (s) => {
      if (s instanceof Y.Item) see(s, acc);
    });
  }
  return { cells: [...acc.ids], notebook: acc.notebook };
}

// Notes the cell (or the notebook's structure or metadata) that `item` is part of.
function see(item: Y.Item, acc: Acc): void {
  if (!(item.parent instanceof Y.AbstractType)) return;
  let parent: Y.AbstractType<unknown> | null = item.parent;
  if (parent === acc.cells) {
    acc.notebook = true;
    if (item.content instanceof Y.ContentType) {
      const id = rawCellId(item.content.type);
      if (id !== null) acc.ids.add(id);
    }
    return;
  }
  while (parent) {
    if (parent === acc.meta) {
      acc.notebook = true;
      return;
    }
    const up: unknown = parent._item?.parent;
    if (up === acc.cells) {
      const id = rawCellId(parent);
      if (id !== null) acc.ids.add(id);
      return;
    }
    parent = up instanceof Y.AbstractType ? up : null;
  }
}
