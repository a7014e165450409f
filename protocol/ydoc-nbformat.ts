// Converts between nbformat v4 JSON and the shared Y.Doc, in the schema of @jupyter/ydoc's
// YNotebook (so the document matches JupyterLab's own real-time model):
//   doc.getMap('meta'):   nbformat, nbformat_minor, metadata (Y.Map), unknown top-level keys
//   doc.getArray('cells'): Y.Map per cell: id, cell_type, source (Y.Text), metadata (Y.Map),
//                          outputs (Y.Array of Y.Map; stream text is a Y.Text), execution_count,
//                          attachments, unknown keys as they were.
import * as Y from 'yjs';
import {
  CELL_ID_MINOR,
  type Cell,
  type MultilineString,
  type Notebook,
  isJsonMime,
  isObject,
  isSplitMime,
  joinMultiline,
} from './nbformat';
import {
  type HintObject,
  type HintValue,
  type JsonObject,
  type JsonValue,
  isHintObject,
  parseJsonWithRawNumbers,
  splitLinesPython,
  stringifyPython,
} from './python-json';

/** Transaction origin of the load that fills a fresh document from a file. */
export const LOAD_ORIGIN = 'pairbook:load';

/** Cell keys that describe live state, never saved to the file. */
const RUNTIME_CELL_KEYS = new Set(['execution_state']);

/** The cells array of a notebook document. */
export const cellsOf = (doc: Y.Doc): Y.Array<Y.Map<unknown>> => doc.getArray('cells');
/** The notebook-level map of a notebook document. */
export const metaOf = (doc: Y.Doc): Y.Map<unknown> => doc.getMap('meta');

/** Cell types nbformat 4 knows. */
export const CELL_TYPES: readonly string[] = ['code', 'markdown', 'raw'];

/** True when `value` is a valid nbformat cell id: 1–64 of letters, digits, `-` and `_`. */
export function isCellId(value: unknown): value is string {
  return (
    typeof value === 'string' &&
    value.length >= 1 &&
    value.length <= 64 &&
    /^[a-zA-Z0-9_-]+$/.test(value)
  );
}

/**
 * Why the entry at `index` of the cells array is not a cell Pairbook can read (a Y.Map with a
 * string id, a string cell_type and a Y.Text source; a newer nbformat's cell type may have no
 * source), or null when it is one.
 */
export function malformedCell(entry: unknown, index: number): string | null {
  const where = `cell ${index + 1}`;
  if (!(entry instanceof Y.Map)) return `${where} is not a cell (${describe(entry)})`;
  if (typeof entry.get('id') !== 'string') return `${where} has no id`;
  if (typeof entry.get('cell_type') !== 'string') return `${where} has no cell_type`;
  const source = entry.get('source');
  // A cell type of a newer nbformat, kept from the file as it was, may have no source at all.
  const needsSource = CELL_TYPES.includes(entry.get('cell_type') as string) || source !== undefined;
  if (needsSource && !(source instanceof Y.Text)) return `${where} has no text source`;
  return null;
}

function describe(value: unknown): string {
  if (value instanceof Y.AbstractType) return value.constructor.name;
  const json = JSON.stringify(value) ?? String(value);
  return json.length > 40 ? `${json.slice(0, 40)}…` : json;
}

/**
 * The cell with id `id`: the one well-formed cell that has it, or null when there is none (or,
 * should the document ever hold two, null too: a cell is addressed by one identity, never by
 * "the first" or "the last" with an id).
 */
export function findCell(doc: Y.Doc, id: string): Y.Map<unknown> | null {
  let found: Y.Map<unknown> | null = null;
  const cells = cellsOf(doc).toArray() as unknown[];
  for (let i = 0; i < cells.length; i++) {
    const cell = cells[i];
    if (!(cell instanceof Y.Map) || cell.get('id') !== id) continue;
    if (found || malformedCell(cell, i)) return null;
    found = cell;
  }
  return found;
}

/**
 * Fills an empty `doc` with `nb`. Cells without an id (nbformat < 4.5) get one derived from their
 * position and source, so loading the same file twice gives the same ids. Returns the ids in order.
 */
export function loadNotebookIntoDoc(nb: Notebook, doc: Y.Doc): string[] {
  const ids = assignCellIds(nb.cells);
  doc.transact(() => {
    const meta = metaOf(doc);
    for (const [key, value] of Object.entries(nb)) {
      if (key === 'cells') continue;
      meta.set(key, key === 'metadata' ? jsonMap(value as JsonObject) : value);
    }
    if (!('nbformat_minor' in nb)) meta.set('nbformat_minor', 0);
    cellsOf(doc).insert(
      0,
      nb.cells.map((cell, i) => createCellMap(cell, ids[i] as string)),
    );
  }, LOAD_ORIGIN);
  return ids;
}

/** Builds the Y.Map of one cell from its nbformat JSON (source and texts joined). */
export function createCellMap(cell: Cell, id: string): Y.Map<unknown> {
  const map = new Y.Map<unknown>();
  for (const [key, value] of Object.entries(cell)) {
    if (key === 'source') map.set('source', new Y.Text(joinMultiline(value as MultilineString)));
    else if (key === 'metadata') map.set('metadata', jsonMap(value as JsonObject));
    else if (key === 'outputs' && Array.isArray(value)) {
      const outputs = new Y.Array<Y.Map<unknown>>();
      outputs.insert(
        0,
        value.map((o) => createOutputMap(o as JsonObject)),
      );
      map.set('outputs', outputs);
    } else if (key === 'attachments' && isObject(value)) {
      map.set(
        'attachments',
        mapValues(value, (b) => rejoinBundle(b as JsonObject)),
      );
    } else if (key !== 'id') map.set(key, value);
  }
  map.set('id', id);
  return map;
}

/** Builds the Y.Map of one output; a stream's text becomes a Y.Text so appends are small. */
export function createOutputMap(output: JsonObject): Y.Map<unknown> {
  const map = new Y.Map<unknown>();
  for (const [key, value] of Object.entries(output)) {
    if (key === 'text' && output.output_type === 'stream') {
      map.set('text', new Y.Text(joinMultiline(value as MultilineString)));
    } else if (key === 'data' && isObject(value)) map.set('data', rejoinBundle(value));
    else map.set(key, value);
  }
  return map;
}

/**
 * True when a transaction changed what the file holds, not only live state (the `runtime` map,
 * a cell's `execution_state`): a kernel going busy and idle does not make a notebook unsaved.
 */
export function changesFile(tr: Y.Transaction): boolean {
  const runtime = tr.doc.getMap('runtime');
  for (const [type, keys] of tr.changed) {
    if (isWithin(type, runtime)) continue;
    const onlyLiveKeys = [...keys].every((k) => k !== null && RUNTIME_CELL_KEYS.has(k));
    if (type instanceof Y.Map && type.parent === cellsOf(tr.doc) && onlyLiveKeys) continue;
    return true;
  }
  return false;
}

/** A shared type as far as its place in the tree goes. */
type Nested = { parent: Nested | null };

function isWithin(type: Nested, root: unknown): boolean {
  for (let t: Nested | null = type; t; t = t.parent) if (t === root) return true;
  return false;
}

/**
 * Reads the document back as nbformat JSON, strings joined, every cell with its id. An entry of
 * the cells array that is not a readable cell (see malformedCell) is left out, and a second cell
 * with an id already used gets a new one, each reported to `report` (by default a warning on the
 * console): a save never fails on them, and never writes a file nbformat would refuse.
 */
export function notebookFromDoc(doc: Y.Doc, report: (why: string) => void = warn): Notebook {
  const nb: JsonObject = {};
  metaOf(doc).forEach((value, key) => {
    nb[key] = toJson(value);
  });
  const cells: Cell[] = [];
  const ids = new Set<string>();
  (cellsOf(doc).toArray() as unknown[]).forEach((cell, i) => {
    const why = malformedCell(cell, i);
    if (why) return report(`${why}; left out`);
    const json = cellFromMap(cell as Y.Map<unknown>);
    // Two cells with one id (only the host's own windows could race to it: the hub refuses it
    // from guests) would make a file nbformat refuses: the later one is written with a new id.
    if (ids.has(json.id as string)) {
      let id = derivedId(`${String(json.id)}:${i}`);
      while (ids.has(id)) id = derivedId(id);
      report(`cell ${i + 1} has the id ${String(json.id)} of an earlier cell: saved as ${id}`);
      json.id = id;
    }
    ids.add(json.id as string);
    cells.push(json);
  });
  nb.cells = cells as unknown as JsonValue;
  return nb as Notebook;
}

/** Reads one cell's Y.Map as nbformat JSON. */
export function cellFromMap(cell: Y.Map<unknown>): Cell {
  const out: JsonObject = {};
  cell.forEach((value, key) => {
    if (!RUNTIME_CELL_KEYS.has(key)) out[key] = toJson(value);
  });
  return out as Cell;
}

// protocol/ runs in the host and the browser alike: the console of whichever it is.
function warn(why: string): void {
  const host = globalThis as { console?: { warn(...args: unknown[]): void } };
  host.console?.warn(`pairbook: saving the notebook: ${why}`);
}

/** A value of the document as JSON: Y types as their content, what JSON cannot hold as null. */
export function toJson(value: unknown): JsonValue {
  if (value instanceof Y.Text) return value.toString();
  if (value instanceof Y.Map) {
    const out: JsonObject = {};
    value.forEach((v, k) => {
      out[k] = toJson(v);
    });
    return out;
  }
  if (value instanceof Y.Array) return value.toArray().map(toJson);
  if (value instanceof Y.AbstractType) return null; // XML types: nothing nbformat can hold
  if (Array.isArray(value)) return value.map(toJson);
  if (value instanceof Uint8Array) return null;
  if (typeof value === 'object' && value !== null) {
    const out: JsonObject = {};
    for (const [k, v] of Object.entries(value)) out[k] = toJson(v);
    return out;
  }
  if (value === undefined || typeof value === 'bigint' || typeof value === 'function') return null;
  return value as JsonValue;
}

/**
 * What the file looked like when it was read: used on save so that whatever did not change is
 * written as it was (number spellings, strings kept whole instead of split into lines, fields
 * the file left out). Cells are matched by id.
 */
export interface SaveHint {
  top: HintObject;
  cellsById: Map<string, HintObject>;
}

/**
 * Builds the SaveHint of a file's text. A file in Jupyter's own layout needs nothing but its
 * parsed value; any other is read again keeping its number spellings (slower, and rare).
 */
export function readSaveHint(text: string, ids: string[]): SaveHint {
  const parsed = JSON.parse(text) as JsonValue;
  const canonical = stringifyPython(parsed) + '\n' === text;
  return createSaveHint(canonical ? parsed : parseJsonWithRawNumbers(text), ids);
}

/** Builds a SaveHint from the file's parsed value and the ids the load gave its cells. */
export function createSaveHint(file: HintValue, ids: string[]): SaveHint {
  const top = isHintObject(file) ? file : {};
  const cells = Array.isArray(top.cells) ? top.cells : [];
  const cellsById = new Map<string, HintObject>();
  ids.forEach((id, i) => {
    const c = cells[i];
    if (isHintObject(c)) cellsById.set(id, c);
  });
  return { top, cellsById };
}

/**
 * Writes the document as Jupyter does (`indent=1`, sorted keys, non-ASCII as is, trailing
 * newline, multi-line strings as lists of lines), keeping what `hint` says the file had. Entries
 * that are not readable cells are left out, and repeated ids replaced, each reported to `report` (see notebookFromDoc).
 */
export function serializeNotebook(
  doc: Y.Doc,
  hint?: SaveHint,
  report?: (why: string) => void,
): string {
  const nb = notebookFromDoc(doc, report);
  const minor = typeof nb.nbformat_minor === 'number' ? nb.nbformat_minor : 0;
  const cellHints: HintValue[] = [];
  const file: JsonObject = { ...nb };
  if (hint && !('nbformat_minor' in hint.top) && minor === 0) delete file.nbformat_minor;
  file.cells = nb.cells.map((cell) => {
    const h = hint?.cellsById.get(cell.id as string);
    cellHints.push(h ?? null);
    return cellToFile(cell, h, minor);
  });
  const topHint: HintObject = { ...(hint?.top ?? {}), cells: cellHints };
  return stringifyPython(file, topHint) + '\n';
}

/** One cell as the file holds it (lines split, ids kept or left out) as `hint` says it was. */
export function cellToFile(cell: Cell, hint: HintObject | undefined, minor: number): JsonObject {
  const out: JsonObject = { ...cell };
  if (!(minor >= CELL_ID_MINOR || (hint && 'id' in hint))) delete out.id;
  if ('source' in cell) out.source = splitLike(joinMultiline(cell.source), hint?.source, true);
  if (isObject(cell.attachments)) {
    const h = isHintObject(hint?.attachments) ? hint.attachments : undefined;
    out.attachments = mapValues(cell.attachments, (bundle, name) =>
      splitBundle(bundle as JsonObject, h?.[name]),
    );
  }
  if (Array.isArray(cell.outputs)) {
    const h = Array.isArray(hint?.outputs) ? hint.outputs : [];
    out.outputs = cell.outputs.map((o, i) => outputToFile(o as JsonObject, h[i]));
  }
  return out;
}

function outputToFile(output: JsonObject, hint: HintValue | undefined): JsonObject {
  const h = isHintObject(hint) ? hint : undefined;
  const out: JsonObject = { ...output };
  if (output.output_type === 'stream' && typeof output.text === 'string') {
    out.text = splitLike(output.text, h?.text, true);
  } else if (isObject(output.data)) {
    out.data = splitBundle(output.data, h?.data);
  }
  return out;
}

function splitBundle(bundle: JsonObject, hint: HintValue | undefined): JsonObject {
  const h = isHintObject(hint) ? hint : undefined;
  return mapValues(bundle, (value, mime) =>
    typeof value === 'string' && !isJsonMime(mime)
      ? splitLike(value, h?.[mime], isSplitMime(mime))
      : value,
  );
}

/** A string as a list of lines, unless the file had it as one string (or never splits it). */
function splitLike(text: string, hint: HintValue | undefined, splitByDefault: boolean): JsonValue {
  const split = hint === undefined || hint === null ? splitByDefault : Array.isArray(hint);
  return split ? splitLinesPython(text) : text;
}

function rejoinBundle(bundle: JsonObject): JsonObject {
  return mapValues(bundle, (value, mime) =>
    !isJsonMime(mime) && Array.isArray(value) && value.every((l) => typeof l === 'string')
      ? (value as string[]).join('')
      : value,
  );
}

function jsonMap(obj: JsonObject): Y.Map<unknown> {
  return new Y.Map<unknown>(Object.entries(obj));
}

function mapValues(obj: JsonObject, f: (v: JsonValue, k: string) => JsonValue): JsonObject {
  const out: JsonObject = {};
  for (const [k, v] of Object.entries(obj)) out[k] = f(v, k);
  return out;
}

function assignCellIds(cells: Cell[]): string[] {
  const taken = new Set(
    cells.map((c) => c.id).filter((id): id is string => typeof id === 'string'),
  );
  return cells.map((cell, i) => {
    if (typeof cell.id === 'string') return cell.id;
    let id = derivedId(
      `${i}:${typeof cell.source === 'undefined' ? '' : joinMultiline(cell.source)}`,
    );
    while (taken.has(id)) id = derivedId(id);
    taken.add(id);
    return id;
  });
}

// FNV-1a, 32 bits twice: a short, stable id for cells whose file gave none.
function derivedId(seed: string): string {
  let a = 0x811c9dc5;
  let b = 0x01000193;
  for (let i = 0; i < seed.length; i++) {
    const c = seed.charCodeAt(i);
    a = Math.imul(a ^ c, 0x01000193) >>> 0;
    b = Math.imul(b ^ c, 0x811c9dc5) >>> 0;
  }
  return (a.toString(16).padStart(8, '0') + b.toString(16).padStart(8, '0')).slice(0, 12);
}
