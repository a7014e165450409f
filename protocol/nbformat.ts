import { PairbookError, type Result, err, ok } from './errors';
import type { JsonObject, JsonValue } from './python-json';

/** nbformat v4 multi-line string: one string, or a list of lines to be joined with ''. */
export type MultilineString = string | string[];

/** An nbformat v4 output, as stored in a file. Unknown keys are kept. */
export type Output = JsonObject & {
  output_type: 'stream' | 'display_data' | 'execute_result' | 'error';
};

/** An nbformat v4 cell, as stored in a file. Unknown keys are kept. */
export type Cell = JsonObject & {
  cell_type: 'code' | 'markdown' | 'raw';
  source: MultilineString;
  metadata: JsonObject;
  id?: string;
};

/** An nbformat v4 notebook, as stored in a file. Unknown keys are kept. */
export type Notebook = JsonObject & {
  nbformat: 4;
  nbformat_minor: number;
  metadata: JsonObject;
  cells: Cell[];
};

/** The nbformat minor version that introduced cell ids. */
export const CELL_ID_MINOR = 5;
/** Highest nbformat 4 minor version whose schema Pairbook knows; newer ones open with a warning. */
export const KNOWN_MINOR = 5;

const CELL_ID = /^[a-zA-Z0-9-_]+$/;
const OUTPUT_TYPES = new Set(['stream', 'display_data', 'execute_result', 'error']);

/**
 * Deepest nesting of lists and objects in a notebook. Python's json module (so Jupyter) gives up
 * before 500 levels; Pairbook's writer recurses, and a far deeper value would overflow its stack.
 */
export const MAX_NESTING = 500;

/** Where `value` first nests deeper than `limit` (its top-level key, e.g. `metadata`), or null. */
function nestedDeeperThan(value: JsonValue, limit: number): string | null {
  const stack: { v: JsonValue; depth: number; top: string }[] = [{ v: value, depth: 0, top: '' }];
  while (stack.length > 0) {
    const { v, depth, top } = stack.pop()!;
    if (v === null || typeof v !== 'object') continue;
    if (depth >= limit) return top ? `"${top}"` : 'the notebook';
    for (const [k, child] of Object.entries(v))
      stack.push({ v: child, depth: depth + 1, top: depth === 0 ? k : top });
  }
  return null;
}

/** What validation found that is worth telling the user but does not stop them working. */
export interface NotebookCheck {
  notebook: Notebook;
  warnings: string[];
}

/**
 * Checks that `value`, parsed from `where` (a file name for messages), is an nbformat 4
 * notebook Pairbook can open and save without losing anything. Errors name the exact place
 * (`cells[3].outputs[0].output_type`) and what to do next; nothing is repaired.
 */
export function validateNotebook(value: JsonValue, where = 'notebook'): Result<NotebookCheck> {
  const fail = ({ code, message }: Fault) => err(new PairbookError(code, `${where}: ${message}`));
  const versionFault = majorVersionFault(value);
  if (versionFault) return fail(versionFault);
  const notebook = value as JsonObject;
  const warnings: string[] = [];
  const minor = notebook.nbformat_minor ?? 0;
  if (typeof minor !== 'number' || !Number.isInteger(minor) || minor < 0) {
    return fail(invalid('"nbformat_minor" must be a non-negative integer'));
  }
  if (minor > KNOWN_MINOR) {
    warnings.push(
      `nbformat 4.${minor} is newer than 4.${KNOWN_MINOR}; unknown fields are kept as they are`,
    );
  }
  if (!isObject(notebook.metadata)) return fail(invalid('"metadata" must be an object'));
  const deep = nestedDeeperThan(notebook, MAX_NESTING);
  if (deep !== null) {
    return fail(
      invalid(
        `${deep} is nested more than ${MAX_NESTING} levels deep, which Jupyter cannot read either`,
      ),
    );
  }
  if (!Array.isArray(notebook.cells)) return fail(invalid('"cells" must be a list'));
  const cellFault = cellsFault(notebook.cells, minor, warnings);
  if (cellFault) return fail(cellFault);
  return ok({ notebook: notebook as unknown as Notebook, warnings });
}

type Fault = { code: ConstructorParameters<typeof PairbookError>[0]; message: string };

const invalid = (message: string): Fault => ({ code: 'invalid-notebook', message });

/** Why `value` is not an nbformat 4 notebook at all (not one, or another major version). */
function majorVersionFault(value: JsonValue): Fault | null {
  if (!isObject(value) || !('cells' in value || 'worksheets' in value || 'nbformat' in value)) {
    return {
      code: 'not-a-notebook',
      message: 'this is JSON but not a Jupyter notebook (no "nbformat" or "cells")',
    };
  }
  const major = value.nbformat;
  if (typeof major !== 'number' || !Number.isInteger(major)) {
    return {
      code: 'not-a-notebook',
      message: 'no integer "nbformat" version field, so this is not a Jupyter notebook',
    };
  }
  if (major < 4) {
    return {
      code: 'unsupported-version',
      message:
        `this is an nbformat ${major} notebook; Pairbook edits nbformat 4. ` +
        `Run \`npx pairbook upgrade FILE\` to write an nbformat 4 copy beside it (the original is not touched)`,
    };
  }
  if (major > 4) {
    return {
      code: 'unsupported-version',
      message:
        `this is an nbformat ${major} notebook, newer than Pairbook understands (4.x); ` +
        'open it in the Jupyter that wrote it, or update Pairbook',
    };
  }
  return null;
}

/** The first cell that is not well formed, or the first id two cells share. */
function cellsFault(cells: JsonValue[], minor: number, warnings: string[]): Fault | null {
  const ids = new Map<string, number>();
  for (let i = 0; i < cells.length; i++) {
    const problem = checkCell(cells[i] as JsonValue, `cells[${i}]`, minor, warnings);
    if (problem) return problem;
    const id = (cells[i] as JsonObject).id;
    if (typeof id !== 'string') continue;
    const first = ids.get(id);
    if (first !== undefined) {
      return {
        code: 'duplicate-cell-id',
        message:
          `cells[${first}] and cells[${i}] share the id "${id}"; cell ids must be unique — ` +
          'give one of them a new id (any letters, digits, - or _)',
      };
    }
    ids.set(id, i);
  }
  return null;
}

type Problem = { code: 'invalid-notebook' | 'invalid-cell-id'; message: string };

function checkCell(cell: JsonValue, at: string, minor: number, warnings: string[]): Problem | null {
  const bad = (message: string): Problem => ({
    code: 'invalid-notebook',
    message: `${at}: ${message}`,
  });
  if (!isObject(cell)) return bad('a cell must be an object');
  if ('id' in cell) {
    const id = cell.id;
    if (typeof id !== 'string' || id.length < 1 || id.length > 64 || !CELL_ID.test(id)) {
      return {
        code: 'invalid-cell-id',
        message:
          `${at}: the cell id ${JSON.stringify(id)} is not valid; ids are 1 to 64 letters, ` +
          'digits, - or _ — rename it',
      };
    }
  } else if (
    minor >= CELL_ID_MINOR &&
    warnings.every((w) => !w.startsWith('some cells have no id'))
  ) {
    warnings.push(
      `some cells have no id, which nbformat 4.${minor} requires; Pairbook adds ids when it saves an edit`,
    );
  }
  const type = cell.cell_type;
  if (type !== 'code' && type !== 'markdown' && type !== 'raw') {
    if (minor > KNOWN_MINOR && typeof type === 'string') {
      // A future nbformat may add cell types: keep the cell exactly as it is, read-only.
      warnings.push(
        `${at}: cell_type ${JSON.stringify(type)} is unknown; the cell is kept as it is`,
      );
      return null;
    }
    const hint =
      type === 'heading' ? " (heading cells are nbformat 3's; make it a markdown cell)" : '';
    return bad(`cell_type ${JSON.stringify(type)} is not code, markdown or raw${hint}`);
  }
  if (!isMultiline(cell.source))
    return bad('"source" is missing or not a string or list of strings');
  if (!isObject(cell.metadata)) return bad('"metadata" is missing or not an object');
  if (type !== 'code') return null;
  const count = cell.execution_count;
  if (count !== null && !(typeof count === 'number' && Number.isInteger(count))) {
    return bad('"execution_count" must be null or an integer');
  }
  if (!Array.isArray(cell.outputs)) return bad('a code cell needs an "outputs" list');
  for (let j = 0; j < cell.outputs.length; j++) {
    const problem = checkOutput(
      cell.outputs[j] as JsonValue,
      `${at}.outputs[${j}]`,
      minor,
      warnings,
    );
    if (problem) return { code: 'invalid-notebook', message: problem };
  }
  return null;
}

function checkOutput(
  output: JsonValue,
  at: string,
  minor: number,
  warnings: string[],
): string | null {
  if (!isObject(output)) return `${at} must be an object`;
  const type = output.output_type;
  if (minor > KNOWN_MINOR && typeof type === 'string' && !OUTPUT_TYPES.has(type)) {
    warnings.push(
      `${at}: output_type ${JSON.stringify(type)} is unknown; the output is kept as it is`,
    );
    return null;
  }
  if (typeof type !== 'string' || !OUTPUT_TYPES.has(type)) {
    return `${at}.output_type ${JSON.stringify(type)} is not stream, display_data, execute_result or error`;
  }
  if (type === 'stream') {
    if (typeof output.name !== 'string') return `${at}: a stream output needs a "name"`;
    if (!('text' in output)) return `${at}: a stream output needs "text"`;
    if (!isMultiline(output.text))
      return `${at}: a stream output's "text" must be a string or a list of strings`;
  } else if (type === 'error') {
    if (!Array.isArray(output.traceback)) return `${at}: an error output needs a "traceback" list`;
  } else {
    if (!isObject(output.data)) return `${at}: "data" must be an object of MIME types`;
    if (!isObject(output.metadata)) return `${at}: "metadata" must be an object`;
  }
  return null;
}

/** True for a JSON object (not null, not a list). */
export function isObject(v: unknown): v is JsonObject {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function isMultiline(v: unknown): v is MultilineString {
  return typeof v === 'string' || (Array.isArray(v) && v.every((s) => typeof s === 'string'));
}

/** Joins an nbformat multi-line string. Lists are joined with '' (not ',', which would insert commas). */
export function joinMultiline(v: MultilineString): string {
  return typeof v === 'string' ? v : v.join('');
}

/** True for MIME types whose value nbformat stores as JSON rather than text. */
export function isJsonMime(mime: string): boolean {
  return mime === 'application/json' || (mime.startsWith('application/') && mime.endsWith('+json'));
}

/** True for MIME types whose text nbformat writes as a list of lines. */
export function isSplitMime(mime: string): boolean {
  return mime.startsWith('text/') || mime === 'application/javascript' || mime === 'image/svg+xml';
}
