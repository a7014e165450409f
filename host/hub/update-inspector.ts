// Reads a Yjs update a guest sent, before it is applied, and says where in the notebook it
// writes: which root type, cell and field each new item and each deletion lands in. The role
// guard decides from this; nothing is applied and reverted. Paths are root-first keys, with '#'
// for a position in an array or text: a character of a cell's source is
// ['cells', '#', 'source', '#'], a cell's execution count ['cells', '#', 'execution_count'].
import * as Y from 'yjs';
import { runHolding } from '../document/clock-runs';
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

type Located = { path: string[]; ancestors: AnyItem[] };
type Failure = { ok: false; reason: string };
const LACKS: Failure = { ok: false, reason: 'the update depends on content the host lacks' };

function inspect(doc: Y.Doc, structs: Array<Y.Item | Y.GC | Y.Skip>, ds: DeleteSet): Inspection {
  const news = newItems(doc.store, structs);
  if ('ok' in news) return news;
  const places = new Placement(doc, news.fresh, indexDeleteSet(ds));
  const inserted: PlacedItem[] = [];
  const removed: PlacedItem[] = [];
  const touches: Touch[] = [];
  for (const list of news.fresh.values()) {
    for (const item of list) {
      const where = places.locate(item);
      if (!where) return { ok: false, reason: 'the update writes where the host cannot place it' };
      inserted.push({ item, ...where });
      touches.push(places.touch(item, where, 'insert'));
    }
  }
  const deletions = hostItemsDeleted(doc.store, ds, news.updateEnd);
  if ('ok' in deletions) return deletions;
  for (const item of deletions.items) {
    const where = places.locate(item);
    if (!where) return { ok: false, reason: 'the update deletes what the host cannot place' };
    removed.push({ item, ...where });
    touches.push(places.touch(item, where, 'delete'));
  }
  const malformed = cellShapeProblem(doc, inserted, removed, places.isDeletedNow);
  if (malformed) return { ok: false, reason: malformed };
  return {
    ok: true,
    touches,
    clients: [...news.clients],
    newContent: news.clients.size > 0 || deletions.items.length > 0,
  };
}

/**
 * The update's items the host lacks, by client and sorted by clock; the clients writing them;
 * and the highest clock + length per client in the update.
 */
function newItems(
  store: Y.Doc['store'],
  structs: Array<Y.Item | Y.GC | Y.Skip>,
):
  | { fresh: Map<number, AnyItem[]>; clients: Set<number>; updateEnd: Map<number, number> }
  | Failure {
  const fresh = new Map<number, AnyItem[]>();
  const updateEnd = new Map<number, number>();
  const clients = new Set<number>();
  for (const s of structs) {
    const { client, clock } = s.id;
    const state = Y.getState(store, client);
    const end = clock + s.length;
    if (s instanceof Y.Skip) {
      if (end > state) return LACKS;
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
    if (first > Y.getState(store, client)) return LACKS;
  }
  for (const list of fresh.values()) list.sort((a, b) => a.id.clock - b.id.clock);
  return { fresh, clients, updateEnd };
}

/** The host's live items that the update's delete set deletes. */
function hostItemsDeleted(
  store: Y.Doc['store'],
  ds: DeleteSet,
  updateEnd: Map<number, number>,
): { items: AnyItem[] } | Failure {
  const items: AnyItem[] = [];
  for (const [client, ranges] of ds.clients) {
    const state = Y.getState(store, client);
    const structsOf = store.clients.get(client) ?? [];
    for (const { clock, len } of ranges) {
      const end = clock + len;
      if (end > state && end > (updateEnd.get(client) ?? 0)) {
        return { ok: false, reason: 'the update deletes content the host lacks' };
      }
      if (clock >= state) continue; // only the update's own new items
      for (let i = Y.findIndexSS(structsOf, clock); i < structsOf.length; i++) {
        const s = structsOf[i] as Y.Item | Y.GC;
        if (s.id.clock >= Math.min(end, state)) break;
        if (s instanceof Y.Item && !s.deleted) items.push(s);
      }
    }
  }
  return { items };
}

/** Where items of the host's document or of the update (`fresh`) sit in the notebook. */
class Placement {
  private readonly cache = new Map<AnyItem, Located | null>();

  constructor(
    private readonly doc: Y.Doc,
    private readonly fresh: Map<number, AnyItem[]>,
    private readonly deletedByUpdate: (id: IdLike) => boolean,
  ) {}

  readonly isDeletedNow = (item: AnyItem): boolean => item.deleted || this.deletedByUpdate(item.id);

  touch(item: AnyItem, where: Located, kind: 'insert' | 'delete'): Touch {
    return {
      path: where.path,
      kind,
      content: kind === 'insert' ? item.content : null,
      ancestorDeleted: where.ancestors.some(this.isDeletedNow),
      cellId: this.cellIdOf(where, item),
    };
  }

  locate(item: AnyItem, depth = 0): Located | null {
    if (this.cache.has(item)) return this.cache.get(item) ?? null;
    let result: Located | null = null;
    const info = depth > MAX_DEPTH ? null : this.parentOf(item);
    if (info && 'root' in info) result = { path: [info.root, info.sub ?? '#'], ancestors: [] };
    else if (info) {
      const up = this.locate(info.item, depth + 1);
      if (up)
        result = { path: [...up.path, info.sub ?? '#'], ancestors: [...up.ancestors, info.item] };
    }
    this.cache.set(item, result);
    return result;
  }

  private find(id: IdLike): AnyItem | null {
    const list = this.fresh.get(id.client);
    const fresh =
      list &&
      runHolding(
        list,
        id.clock,
        (s) => s.id.clock,
        (s) => s.length,
      );
    if (fresh) return fresh;
    const store = this.doc.store;
    if (id.clock >= Y.getState(store, id.client)) return null;
    const s = Y.getItem(store, Y.createID(id.client, id.clock));
    return s instanceof Y.Item ? s : null;
  }

  private parentOf(item: AnyItem, depth = 0): ParentInfo | null {
    if (depth > MAX_DEPTH) return null;
    const parent = item.parent as unknown;
    if (parent instanceof Y.AbstractType) {
      const owner = parent._item;
      if (owner) return { item: owner, sub: item.parentSub };
      return { root: Y.findRootTypeKey(parent), sub: item.parentSub };
    }
    if (typeof parent === 'string') return { root: parent, sub: item.parentSub };
    if (parent && typeof parent === 'object') {
      const owner = this.find(parent as IdLike);
      if (!owner || !(owner.content instanceof Y.ContentType)) return null;
      return { item: owner, sub: item.parentSub };
    }
    // Encoded without a parent: it is a sibling of its origin.
    const sibling = item.origin
      ? this.find(item.origin)
      : item.rightOrigin
        ? this.find(item.rightOrigin)
        : null;
    return sibling ? this.parentOf(sibling, depth + 1) : null;
  }

  private cellIdOf({ path, ancestors }: Located, self: AnyItem): string | null {
    if (path[0] !== 'cells') return null;
    const cell = path.length === 2 ? self : ancestors[0];
    if (!cell || !(cell.content instanceof Y.ContentType)) return null;
    const map = cell.content.type;
    // A cell that is itself new in this update has no integrated map to read yet.
    if (!(map instanceof Y.Map) || map.doc !== this.doc) return null;
    const id = map.get('id');
    return typeof id === 'string' ? id : null;
  }
}

/** A membership test for a DeleteSet (ranges per client, sorted by clock). */
function indexDeleteSet(ds: DeleteSet): (id: IdLike) => boolean {
  return (id) => {
    const ranges = ds.clients.get(id.client);
    return (
      !!ranges &&
      !!runHolding(
        ranges,
        id.clock,
        (r) => r.clock,
        (r) => r.len,
      )
    );
  };
}
