// Reads a Yjs update a guest sent, before it is applied, and says where in the notebook it
// writes: which root type, cell and field each new item and each deletion lands in. The role
// guard decides from this; nothing is applied and reverted. Paths are root-first keys, with '#'
// for a position in an array or text: a character of a cell's source is
// ['cells', '#', 'source', '#'], a cell's execution count ['cells', '#', 'execution_count'].
import * as Y from 'yjs';
import { type PlacedItem, cellShapeProblem } from './cell-shape';

/** One place an update writes: its path and the item written or deleted there. */
export interface Touch {
  path: string[];
  /** 'insert' for new content, 'delete' for content of the host's it deletes. */
  kind: 'insert' | 'delete';
  /** Content of an inserted item (to check e.g. that a new outputs list is empty). */
  content: unknown;
  /** True when an ancestor of this item is deleted by the same update (or was already). */
  ancestorDeleted: boolean;
  /** The nbformat id of the cell it is in; null outside cells or in a new cell. */
  cellId: string | null;
}

/** What inspectUpdate found. */
export type Inspection =
  | { ok: true; touches: Touch[]; clients: number[]; newContent: boolean }
  | { ok: false; reason: string };

type AnyItem = Y.Item;
type DeleteSet = ReturnType<typeof Y.decodeUpdate>['ds'];
interface IdLike {
  client: number;
  clock: number;
}
type ParentInfo = { root: string; sub: string | null } | { item: AnyItem; sub: string | null };

const MAX_DEPTH = 64;

/** Inspects `update` against `doc` (the host's document of record). Never throws. */
export function inspectUpdate(doc: Y.Doc, update: Uint8Array): Inspection {
  let decoded: ReturnType<typeof Y.decodeUpdate>;
  try {
    decoded = Y.decodeUpdate(update);
  } catch (e) {
    return { ok: false, reason: `unreadable update: ${(e as Error).message}` };
  }
  try {
    return inspect(doc, decoded.structs, decoded.ds);
  } catch (e) {
    return { ok: false, reason: `update could not be checked: ${(e as Error).message}` };
  }
}

function inspect(doc: Y.Doc, structs: Array<Y.Item | Y.GC | Y.Skip>, ds: DeleteSet): Inspection {
  const store = doc.store;
  const fresh = new Map<number, AnyItem[]>(); // new items by client, sorted by clock
  const updateEnd = new Map<number, number>(); // highest clock+length per client in the update
  const clients = new Set<number>();
  for (const s of structs) {
    const { client, clock } = s.id;
    const state = Y.getState(store, client);
    const end = clock + s.length;
    if (s instanceof Y.Skip) {
      if (end > state) return { ok: false, reason: 'the update depends on content the host lacks' };
      continue;
    }
    updateEnd.set(client, Math.max(updateEnd.get(client) ?? 0, end));
    if (end <= state) continue; // the host has it already
    clients.add(client);
    if (s instanceof Y.Item) {
      const list = fresh.get(client) ?? [];
      list.push(s);
      fresh.set(client, list);
    }
  }
  // New clocks of each client must follow on from what the host has: no gaps (Yjs would keep
  // such an update pending and apply it later, unchecked, when the gap fills).
  for (const client of clients) {
    const first = structs
      .filter((s) => s.id.client === client && !(s instanceof Y.Skip))
      .reduce((min, s) => Math.min(min, s.id.clock), Infinity);
    if (first > Y.getState(store, client)) {
      return { ok: false, reason: 'the update depends on content the host lacks' };
    }
  }
  for (const list of fresh.values()) list.sort((a, b) => a.id.clock - b.id.clock);

  const deleted = indexDeleteSet(ds);
  const isDeletedNow = (item: AnyItem) => item.deleted || deleted(item.id);

  const find = (id: IdLike): AnyItem | null => {
    const list = fresh.get(id.client);
    if (list) {
      let lo = 0;
      let hi = list.length - 1;
      while (lo <= hi) {
        const mid = (lo + hi) >> 1;
        const s = list[mid] as AnyItem;
        if (id.clock < s.id.clock) hi = mid - 1;
        else if (id.clock >= s.id.clock + s.length) lo = mid + 1;
        else return s;
      }
    }
    if (id.clock >= Y.getState(store, id.client)) return null;
    const s = Y.getItem(store, Y.createID(id.client, id.clock));
    return s instanceof Y.Item ? s : null;
  };

  const parentOf = (item: AnyItem, depth = 0): ParentInfo | null => {
    if (depth > MAX_DEPTH) return null;
    const parent = item.parent as unknown;
    if (parent instanceof Y.AbstractType) {
      const owner = parent._item;
      if (owner) return { item: owner, sub: item.parentSub };
      return { root: Y.findRootTypeKey(parent), sub: item.parentSub };
    }
    if (typeof parent === 'string') return { root: parent, sub: item.parentSub };
    if (parent && typeof parent === 'object') {
      const owner = find(parent as IdLike);
      if (!owner || !(owner.content instanceof Y.ContentType)) return null;
      return { item: owner, sub: item.parentSub };
    }
    // Encoded without a parent: it is a sibling of its origin.
    const sibling = item.origin
      ? find(item.origin)
      : item.rightOrigin
        ? find(item.rightOrigin)
        : null;
    return sibling ? parentOf(sibling, depth + 1) : null;
  };

  const cache = new Map<AnyItem, { path: string[]; ancestors: AnyItem[] } | null>();
  const locate = (item: AnyItem, depth = 0): { path: string[]; ancestors: AnyItem[] } | null => {
    if (cache.has(item)) return cache.get(item) ?? null;
    let result: { path: string[]; ancestors: AnyItem[] } | null = null;
    const info = depth > MAX_DEPTH ? null : parentOf(item);
    if (info && 'root' in info) result = { path: [info.root, info.sub ?? '#'], ancestors: [] };
    else if (info) {
      const up = locate(info.item, depth + 1);
      if (up)
        result = { path: [...up.path, info.sub ?? '#'], ancestors: [...up.ancestors, info.item] };
    }
    cache.set(item, result);
    return result;
  };

  const cellIdOf = (path: string[], ancestors: AnyItem[], self: AnyItem): string | null => {
    if (path[0] !== 'cells') return null;
    const cell = path.length === 2 ? self : ancestors[0];
    if (!cell || !(cell.content instanceof Y.ContentType)) return null;
    const map = cell.content.type;
    // A cell that is itself new in this update has no integrated map to read yet.
    if (!(map instanceof Y.Map) || map.doc !== doc) return null;
    const id = map.get('id');
    return typeof id === 'string' ? id : null;
  };

  const touches: Touch[] = [];
  const inserted: PlacedItem[] = [];
  const removed: PlacedItem[] = [];
  for (const list of fresh.values()) {
    for (const item of list) {
      const where = locate(item);
      if (!where) return { ok: false, reason: 'the update writes where the host cannot place it' };
      inserted.push({ item, ...where });
      touches.push({
        path: where.path,
        kind: 'insert',
        content: item.content,
        ancestorDeleted: where.ancestors.some(isDeletedNow),
        cellId: cellIdOf(where.path, where.ancestors, item),
      });
    }
  }

  let newlyDeleted = false;
  for (const [client, ranges] of ds.clients) {
    const state = Y.getState(store, client);
    const structsOf = store.clients.get(client) ?? [];
    for (const { clock, len } of ranges) {
      const end = clock + len;
      if (end > state && end > (updateEnd.get(client) ?? 0)) {
        return { ok: false, reason: 'the update deletes content the host lacks' };
      }
      if (clock >= state) continue; // only the update's own new items
      let i = Y.findIndexSS(structsOf, clock);
      for (; i < structsOf.length; i++) {
        const s = structsOf[i] as Y.Item | Y.GC;
        if (s.id.clock >= Math.min(end, state)) break;
        if (!(s instanceof Y.Item) || s.deleted) continue;
        newlyDeleted = true;
        const where = locate(s);
        if (!where) return { ok: false, reason: 'the update deletes what the host cannot place' };
        removed.push({ item: s, ...where });
        touches.push({
          path: where.path,
          kind: 'delete',
          content: null,
          ancestorDeleted: where.ancestors.some(isDeletedNow),
          cellId: cellIdOf(where.path, where.ancestors, s),
        });
      }
    }
  }
  const malformed = cellShapeProblem(doc, inserted, removed, isDeletedNow);
  if (malformed) return { ok: false, reason: malformed };
  return {
    ok: true,
    touches,
    clients: [...clients],
    newContent: clients.size > 0 || newlyDeleted,
  };
}

/** A membership test for a DeleteSet (ranges per client, sorted by clock). */
function indexDeleteSet(ds: DeleteSet): (id: IdLike) => boolean {
  return (id) => {
    const ranges = ds.clients.get(id.client);
    if (!ranges) return false;
    let lo = 0;
    let hi = ranges.length - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      const r = ranges[mid] as { clock: number; len: number };
      if (id.clock < r.clock) hi = mid - 1;
      else if (id.clock >= r.clock + r.len) lo = mid + 1;
      else return true;
    }
    return false;
  };
}
