// Cells on the system clipboard. A copy writes three forms at once (one clipboard write replaces
// everything, so they must travel together):
//   application/vnd.jupyter.cells  JSON list of nbformat cells, JupyterLab's MIME name. Chromium
//                                  (and Electron) keep it as custom data that a later `paste`
//                                  event in any Chromium page reads back.
//   text/html                      the same JSON inside <pre class="jupyter-nb-cells-json">, as the
//                                  classic Notebook writes it. navigator.clipboard.read() (the only
//                                  way to read without a paste event, i.e. for the V key) returns
//                                  text/html but not custom data, so V finds the cells here.
//   text/plain                     the sources, for a text editor.
// Whatever is pasted may come from anyone: it is size-capped, parsed, checked with nbformat's own
// validation, stripped to the fields nbformat allows, and given fresh ids by the inserter.
import { PairbookError, type Result, err, ok } from '../../protocol/errors';
import { type Cell, isObject, joinMultiline, validateNotebook } from '../../protocol/nbformat';
import type { JsonObject, JsonValue } from '../../protocol/python-json';

/** JupyterLab's MIME type for cells: a JSON list of nbformat v4 cells. */
export const CELLS_MIME = 'application/vnd.jupyter.cells';
/** The same type as the async Clipboard API names custom formats ("web " prefix). */
export const WEB_CELLS_MIME = `web ${CELLS_MIME}`;
/** Class of the <pre> carrying the cells' JSON in text/html (the classic Notebook's). */
export const HTML_CELLS_CLASS = 'jupyter-nb-cells-json';
/** Largest clipboard text read as cells, in characters (about a 16 MB notebook). */
export const MAX_CLIPBOARD_CHARS = 16 * 1024 * 1024;
/** Most cells pasted at once. */
export const MAX_PASTED_CELLS = 5000;
/** Deepest nesting of JSON accepted in pasted metadata and outputs. */
export const MAX_JSON_DEPTH = 64;

/** The keys nbformat 4.5's schema allows on a cell of each type (its `additionalProperties: false`). */
const CELL_KEYS: Readonly<Record<Cell['cell_type'], readonly string[]>> = {
  code: ['cell_type', 'execution_count', 'metadata', 'outputs', 'source'],
  markdown: ['attachments', 'cell_type', 'metadata', 'source'],
  raw: ['attachments', 'cell_type', 'metadata', 'source'],
};

/** What a copy puts on the clipboard, one string per MIME type. */
export interface ClipboardPayload {
  [CELLS_MIME]: string;
  'text/html': string;
  'text/plain': string;
}

/** Strings read from a clipboard; absent types are undefined or ''. */
export interface ClipboardStrings {
  /** application/vnd.jupyter.cells (paste event) or its "web " form (navigator.clipboard). */
  cells?: string;
  html?: string;
  text?: string;
  /** Bytes of a form too large to read at all (set by readSystemClipboard). */
  tooLarge?: number;
}

/** The clipboard forms of `cells` (file form; their ids are left out: a paste makes new ones). */
export function cellsToClipboard(cells: readonly Cell[]): ClipboardPayload {
  const json = JSON.stringify(cells.map(({ id: _id, ...rest }) => rest));
  // \u escapes are valid JSON and leave no <, > or & to escape in HTML, so the text inside the
  // <pre> is the JSON itself (the classic Notebook reads it back without decoding entities).
  const htmlSafe = json.replace(/[<>&]/g, (c) => `\\u00${c.charCodeAt(0).toString(16)}`);
  return {
    [CELLS_MIME]: json,
    'text/html': `<pre class="${HTML_CELLS_CLASS}">${htmlSafe}</pre>`,
    'text/plain': cells.map((c) => joinMultiline(c.source)).join('\n\n'),
  };
}

/**
 * Reads cells from clipboard strings: the cells type first, then the cells in text/html, then
 * text/plain when it is a JSON list of cells or a whole notebook. Returns file-form cells stripped
 * to nbformat's fields, without ids; with `withOutputs` false, code cells have no outputs and a
 * null count (a guest's paste: only the host's kernel writes outputs). An error's message says
 * what the clipboard holds instead, for a toast.
 */
export function parseClipboardCells(data: ClipboardStrings, withOutputs = true): Result<Cell[]> {
  if (data.tooLarge) return tooLarge(data.tooLarge);
  const html = data.html ? cellsJsonInHtml(data.html) : null;
  const text = data.text?.trim() ?? '';
  const source = data.cells
    ? { json: data.cells, strict: true }
    : html !== null
      ? { json: html, strict: true }
      : text.startsWith('[') || text.startsWith('{')
        ? { json: text, strict: false }
        : null;
  if (!source) {
    return notCells(
      text
        ? 'The clipboard holds text, not notebook cells: to paste it into a cell, press Enter to edit the cell first'
        : 'The clipboard is empty: copy cells with C or Ctrl-C first',
    );
  }
  if (source.json.length > MAX_CLIPBOARD_CHARS) return tooLarge(source.json.length);
  let value: JsonValue;
  try {
    value = JSON.parse(source.json) as JsonValue;
  } catch (e) {
    return source.strict
      ? invalid(`they are not valid JSON (${(e as Error).message})`)
      : notCells(
          'The clipboard holds text, not notebook cells: to paste it into a cell, press Enter to edit the cell first',
        );
  }
  // A whole notebook's text pastes as its cells.
  const list = isObject(value) && Array.isArray(value.cells) ? value.cells : value;
  if (!Array.isArray(list) || (!source.strict && !list.every(looksLikeCell))) {
    return source.strict
      ? invalid('they are not a list of cells')
      : notCells('The clipboard holds JSON, not notebook cells: nothing was pasted');
  }
  if (list.length === 0) return invalid('the list of cells is empty');
  if (list.length > MAX_PASTED_CELLS) {
    return err(
      new PairbookError(
        'too-large',
        `The clipboard holds ${list.length} cells; Pairbook pastes up to ${MAX_PASTED_CELLS} at a time — copy fewer cells`,
      ),
    );
  }
  if (depthExceeds(list, MAX_JSON_DEPTH)) {
    return invalid(`their metadata or outputs nest deeper than ${MAX_JSON_DEPTH} levels`);
  }
  // Ids are replaced on paste, so a missing, duplicate or odd one is no reason to refuse.
  const cells = list.map((c) => (isObject(c) ? withoutKey(c, 'id') : c));
  const checked = validateNotebook(
    { nbformat: 4, nbformat_minor: 5, metadata: {}, cells },
    'the clipboard',
  );
  if (!checked.ok) return invalid(checked.error.message.replace(/^the clipboard: /, ''));
  return ok(checked.value.notebook.cells.map((c) => stripCell(c, withOutputs)));
}

/**
 * Reads what navigator.clipboard holds in the forms cells can take (the "web " cells type other
 * apps may write, text/html, text/plain). Rejects when the browser refuses (no permission, page
 * not focused). A form far over the paste limit is not read, only its size noted.
 */
export async function readSystemClipboard(clipboard: Clipboard): Promise<ClipboardStrings> {
  const out: ClipboardStrings = {};
  const forms = [
    ['cells', WEB_CELLS_MIME],
    ['html', 'text/html'],
    ['text', 'text/plain'],
  ] as const;
  for (const item of await clipboard.read()) {
    for (const [key, type] of forms) {
      if (out[key] || !item.types.includes(type)) continue;
      const blob = await item.getType(type);
      // UTF-8 takes at most 3 bytes per UTF-16 unit: a bigger blob is surely over the limit.
      if (blob.size > 3 * MAX_CLIPBOARD_CHARS)
        out.tooLarge = Math.max(out.tooLarge ?? 0, blob.size);
      else out[key] = await blob.text();
    }
  }
  return out;
}

/** The JSON text inside the cells <pre> of clipboard HTML, or null when there is none. */
export function cellsJsonInHtml(html: string): string | null {
  const open = new RegExp(
    `<pre\\b[^>]*\\bclass\\s*=\\s*"[^"]*\\b${HTML_CELLS_CLASS}\\b[^"]*"[^>]*>`,
  );
  const m = open.exec(html);
  if (!m) return null;
  const start = m.index + m[0].length;
  const end = html.indexOf('</pre>', start);
  if (end < 0) return null;
  return decodeEntities(html.slice(start, end));
}

// A browser may re-serialize the HTML it read (Chromium sanitizes it), escaping text as entities.
function decodeEntities(s: string): string {
  const named: Record<string, string> = {
    amp: '&',
    lt: '<',
    gt: '>',
    quot: '"',
    apos: "'",
    nbsp: '\u00a0',
  };
  return s.replace(/&(#x[0-9a-f]+|#[0-9]+|[a-z]+);/gi, (whole, name: string) => {
    if (name[0] !== '#') return named[name.toLowerCase()] ?? whole;
    const code =
      name[1] === 'x' || name[1] === 'X'
        ? parseInt(name.slice(2), 16)
        : parseInt(name.slice(1), 10);
    return code > 0 && code <= 0x10ffff ? String.fromCodePoint(code) : whole;
  });
}

function looksLikeCell(v: JsonValue): boolean {
  return isObject(v) && typeof v.cell_type === 'string' && 'source' in v;
}

function withoutKey(o: JsonObject, key: string): JsonObject {
  const rest = { ...o };
  delete rest[key];
  return rest;
}

function stripCell(cell: Cell, withOutputs: boolean): Cell {
  const out: JsonObject = {};
  for (const key of CELL_KEYS[cell.cell_type]) if (key in cell) out[key] = cell[key] as JsonValue;
  if (cell.cell_type === 'code' && !withOutputs) {
    out.outputs = [];
    out.execution_count = null;
  }
  return out as Cell;
}

// Iterative, so a hostile payload nested a million levels deep cannot overflow the stack here.
function depthExceeds(root: JsonValue, limit: number): boolean {
  const stack: [JsonValue, number][] = [[root, 0]];
  while (stack.length) {
    const [v, depth] = stack.pop() as [JsonValue, number];
    if (typeof v !== 'object' || v === null) continue;
    if (depth >= limit) return true;
    for (const child of Array.isArray(v) ? v : Object.values(v)) stack.push([child, depth + 1]);
  }
  return false;
}

function tooLarge(size: number): Result<never> {
  const mb = (size / 1024 / 1024).toFixed(1);
  return err(
    new PairbookError(
      'too-large',
      `The clipboard holds ${mb} MB; Pairbook pastes up to ` +
        `${MAX_CLIPBOARD_CHARS / 1024 / 1024} MB of cells at a time — copy fewer cells`,
    ),
  );
}

function notCells(message: string): Result<never> {
  return err(new PairbookError('invalid-json', message));
}

function invalid(why: string): Result<never> {
  return err(
    new PairbookError(
      'invalid-notebook',
      `The clipboard's cells cannot be pasted: ${why}. Copy them again from a notebook`,
    ),
  );
}
