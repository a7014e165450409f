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

/** What `tr` on `doc` touched: the cells whose content changed, and whether cells or metadata did. */
export function touchedBy(tr: Y.Transaction, doc: Y.Doc): Touched {
  const cells = cellsOf(doc);
  const meta = metaOf(doc);
  const ids = new Set<string>();
  let notebook = false;
  const see = (item: Y.Item) => {
    if (!(item.parent instanceof Y.AbstractType)) return;
    let parent: Y.AbstractType<unknown> | null = item.parent;
    if (parent === cells) {
      notebook = true;
      if (item.content instanceof Y.ContentType) {
        const id = rawCellId(item.content.type);
        if (id !== null) ids.add(id);
      }
      return;
    }
    while (parent) {
      if (parent === meta) {
        notebook = true;
        return;
      }
      const up: unknown = parent._item?.parent;
      if (up === cells) {
        const id = rawCellId(parent);
        if (id !== null) ids.add(id);
        return;
      }
      parent = up instanceof Y.AbstractType ? up : null;
    }
  };
  for (const [client, after] of tr.afterState) {
    const before = tr.beforeState.get(client) ?? 0;
    if (after <= before) continue;
    const structs = doc.store.clients.get(client);
    if (!structs) continue;
    for (let i = Y.findIndexSS(structs, before); i < structs.length; i++) {
      const s = structs[i]!;
      if (s.id.clock >= after) break;
      if (s instanceof Y.Item) see(s);
    }
  }
  Y.iterateDeletedStructs(tr, tr.deleteSet, (s) => {
    if (s instanceof Y.Item) see(s);
  });
  return { cells: [...ids], notebook };
}
