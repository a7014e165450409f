// Keeps the cells list a list of well-formed cells with one identity each, whatever a guest's
// update says: the update inspector hands over where each new item and each deletion of the
// update lands (nothing is applied), and this says why the result would not be a notebook. A
// cell is a Y.Map with an nbformat id no other cell has, a known cell_type, a Y.Text source and
// a Y.Map metadata; a code cell has outputs and an execution count, other cells have neither.
// Values are JSON. A move (the same id deleted and inserted by one update) is allowed.
import * as Y from 'yjs';
import { CELL_TYPES, cellsOf, isCellId } from '../../protocol/ydoc-nbformat';

/** A new item of an update, or an item of the host's it deletes, and where it lands. */
export interface PlacedItem {
  item: Y.Item;
  /** Root-first keys, '#' for a position in an array or text (see update-inspector.ts). */
  path: string[];
  /** The items of the types it is inside, outermost first (for a cell field: the cell first). */
  ancestors: Y.Item[];
}

type Content = Y.Item['content'];

/** Fields every cell must keep. */
const REQUIRED = ['id', 'cell_type', 'source', 'metadata'];
/** Fields a code cell has and other cells have not. */
const CODE_ONLY = ['outputs', 'execution_count'];
/** Deepest JSON nesting accepted in a value. */
const MAX_JSON_DEPTH = 100;

/**
 * Why applying an update with `inserted` new items and `deleted` host items would leave the
 * notebook with something that is not a well-formed cell, or two cells with one id; null when
 * it would not. `isDeletedNow` is true for items the host has deleted or the update deletes.
 */
export function cellShapeProblem(
  doc: Y.Doc,
  inserted: PlacedItem[],
  deleted: PlacedItem[],
  isDeletedNow: (item: Y.Item) => boolean,
): string | null {
  const writes = cellWrites(inserted, deleted, isDeletedNow);
  if (typeof writes === 'string') return writes;
  const { newCells, fieldWrites, touchedCells } = writes;
  if (newCells.length === 0 && touchedCells.size === 0) return null;

  const isNew = new Set(newCells);
  const candidates = (cell: Y.Item, key: string): Y.Item[] => {
    const fresh = fieldWrites.get(cell)?.get(key) ?? [];
    if (isNew.has(cell)) return fresh;
    const current = mapOf(cell)?._map.get(key);
    return current && !isDeletedNow(current) ? [current, ...fresh] : fresh;
  };
  for (const cell of [...newCells, ...touchedCells]) {
    const fieldsDeleted = deleted.some((d) => d.ancestors[0] === cell && d.path.length === 3);
    const why = cellProblem(
      cell,
      isNew.has(cell),
      fieldWrites.get(cell),
      fieldsDeleted,
      candidates,
    );
    if (why) return why;
  }
  const idWritten = [...touchedCells].some((c) => fieldWrites.get(c)?.has('id'));
  if (newCells.length === 0 && !idWritten) return null;
  return duplicateId(doc, newCells, touchedCells, candidates, isDeletedNow);
}

/**
 * The cells an update puts in the cells list, and the fields it writes (new live items by key)
 * or deletes of cells that stay; or why an inserted value is not acceptable anywhere.
 */
function cellWrites(
  inserted: PlacedItem[],
  deleted: PlacedItem[],
  isDeletedNow: (item: Y.Item) => boolean,
):
  | {
      newCells: Y.Item[];
      fieldWrites: Map<Y.Item, Map<string, Y.Item[]>>;
      touchedCells: Set<Y.Item>;
    }
  | string {
  const newCells: Y.Item[] = [];
  const fieldWrites = new Map<Y.Item, Map<string, Y.Item[]>>();
  const touchedCells = new Set<Y.Item>();
  for (const { item, path, ancestors } of inserted) {
    if (path[0] !== 'cells' && path[0] !== 'meta') continue;
    const why = contentProblem(item.content, path);
    if (why) return why;
    if (path[0] !== 'cells' || isDeletedNow(item)) continue;
    if (path.length === 2) {
      if (!(item.content instanceof Y.ContentDeleted)) newCells.push(item);
      continue;
    }
    const cell = ancestors[0];
    if (path.length !== 3 || !cell || isDeletedNow(cell)) continue;
    const key = path[2] as string;
    const byKey = fieldWrites.get(cell) ?? new Map<string, Y.Item[]>();
    byKey.set(key, [...(byKey.get(key) ?? []), item]);
    fieldWrites.set(cell, byKey);
    touchedCells.add(cell);
  }
  for (const { path, ancestors } of deleted) {
    const cell = ancestors[0];
    if (path[0] === 'cells' && path.length === 3 && cell && !isDeletedNow(cell)) {
      touchedCells.add(cell);
    }
  }
  return { newCells, fieldWrites, touchedCells };
}

/** Why one cell the update makes or writes would not be a well-formed cell after it. */
function cellProblem(
  cell: Y.Item,
  fresh: boolean,
  writes: Map<string, Y.Item[]> | undefined,
  fieldsDeleted: boolean,
  candidates: (cell: Y.Item, key: string) => Y.Item[],
): string | null {
  if (fresh && !(contentOf(cell) instanceof Y.Map)) {
    return `only cells can be put in the cells list (got ${describeContent(cell.content)})`;
  }
  const what = fresh ? 'a new cell' : 'a cell';
  for (const key of REQUIRED) {
    if (candidates(cell, key).length === 0) return `${what} must have ${key}`;
  }
  for (const key of [...REQUIRED, 'outputs', 'execution_count', 'attachments']) {
    for (const value of writes?.get(key) ?? []) {
      const why = fieldProblem(key, value.content);
      if (why) return why;
    }
  }
  const touchesType = CODE_ONLY.some((k) => writes?.has(k)) || fresh;
  if (!touchesType && !writes?.has('cell_type') && !fieldsDeleted) return null;
  const types = candidates(cell, 'cell_type').map((i) => valueOf(i.content));
  for (const key of CODE_ONLY) {
    const has = candidates(cell, key).length > 0;
    if (types.includes('code') && !has) return `a code cell must have ${key}`;
    if (types.some((t) => t !== 'code') && has) return `only code cells have ${key}`;
  }
  return null;
}

// Two cells with one id after the update: every id a cell could end up with is counted.
function duplicateId(
  doc: Y.Doc,
  newCells: Y.Item[],
  touchedCells: Set<Y.Item>,
  candidates: (cell: Y.Item, key: string) => Y.Item[],
  isDeletedNow: (item: Y.Item) => boolean,
): string | null {
  const owner = new Map<string, Y.Item>();
  const claim = (cell: Y.Item, id: unknown): string | null => {
    if (typeof id !== 'string') return null;
    const other = owner.get(id);
    if (other && other !== cell) return `two cells would have the id ${JSON.stringify(id)}`;
    owner.set(id, cell);
    return null;
  };
  for (const map of cellsOf(doc).toArray() as unknown[]) {
    const cell = map instanceof Y.Map ? map._item : null;
    if (!cell || isDeletedNow(cell)) continue;
    const ids = touchedCells.has(cell)
      ? candidates(cell, 'id').map((i) => valueOf(i.content))
      : [(map as Y.Map<unknown>).get('id')];
    for (const id of ids) {
      const why = claim(cell, id);
      if (why) return why;
    }
  }
  for (const cell of newCells) {
    for (const id of candidates(cell, 'id').map((i) => valueOf(i.content))) {
      const why = claim(cell, id);
      if (why) return `a new cell reuses the id of another: ${why}`;
    }
  }
  return null;
}

function fieldProblem(key: string, content: Content): string | null {
  if (content instanceof Y.ContentDeleted) return null;
  const type = content instanceof Y.ContentType ? content.type : null;
  const value = valueOf(content);
  switch (key) {
    case 'id':
      return isCellId(value)
        ? null
        : `a cell id is 1 to 64 letters, digits, "-" or "_" (got ${describeContent(content)})`;
    case 'cell_type':
      return typeof value === 'string' && CELL_TYPES.includes(value)
        ? null
        : `cell_type is code, markdown or raw (got ${describeContent(content)})`;
    case 'source':
      return type instanceof Y.Text ? null : 'a cell source is a shared text';
    case 'metadata':
      return type instanceof Y.Map ? null : 'cell metadata is a shared map';
    case 'outputs':
      return type instanceof Y.Array ? null : 'cell outputs are a shared list';
    case 'execution_count':
      return value === null || (Number.isSafeInteger(value) && (value as number) >= 0)
        ? null
        : 'an execution count is null or a count';
    case 'attachments':
      return isPlainObject(value) ? null : 'cell attachments are a JSON object';
    default:
      return null;
  }
}

// What any new item under the notebook may hold: JSON values, shared maps, lists and texts, and
// in a source only characters.
function contentProblem(content: Content, path: string[]): string | null {
  if (content instanceof Y.ContentDeleted) return null;
  if (content instanceof Y.ContentString) return null;
  const inSource = path[0] === 'cells' && path[2] === 'source' && path.length > 3;
  if (inSource) return 'a cell source holds only text';
  if (content instanceof Y.ContentType) {
    const t = content.type;
    return t instanceof Y.Map || t instanceof Y.Array || t instanceof Y.Text
      ? null
      : 'the notebook holds only shared maps, lists and texts';
  }
  if (content instanceof Y.ContentAny) {
    return content.arr.every((v) => isJson(v, 0))
      ? null
      : 'the notebook holds only JSON values (no binary, undefined or non-finite numbers)';
  }
  return `the notebook cannot hold ${content.constructor.name}`;
}

function isJson(value: unknown, depth: number): boolean {
  if (depth > MAX_JSON_DEPTH) return false;
  if (value === null || typeof value === 'string' || typeof value === 'boolean') return true;
  if (typeof value === 'number') return Number.isFinite(value);
  if (Array.isArray(value)) return value.every((v) => isJson(v, depth + 1));
  if (isPlainObject(value)) return Object.values(value).every((v) => isJson(v, depth + 1));
  return false;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const proto = Object.getPrototypeOf(value) as unknown;
  return proto === Object.prototype || proto === null;
}

function contentOf(item: Y.Item): unknown {
  return item.content instanceof Y.ContentType ? item.content.type : undefined;
}

function mapOf(item: Y.Item): Y.Map<unknown> | null {
  const type = contentOf(item);
  return type instanceof Y.Map ? type : null;
}

// The one value a map entry holds (a map entry's content is one value).
function valueOf(content: Content): unknown {
  if (content instanceof Y.ContentAny) return content.arr.length === 1 ? content.arr[0] : undefined;
  if (content instanceof Y.ContentString) return content.str;
  return undefined;
}

function describeContent(content: Content): string {
  if (content instanceof Y.ContentType) return content.type.constructor.name;
  if (content instanceof Y.ContentAny) {
    const json = JSON.stringify(content.arr.length === 1 ? content.arr[0] : content.arr);
    const text = json ?? 'undefined';
    return text.length > 40 ? `${text.slice(0, 40)}…` : text;
  }
  return content.constructor.name;
}
