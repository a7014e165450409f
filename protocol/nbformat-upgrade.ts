// nbformat 2 and 3 → 4, on explicit request only (`pairbook upgrade FILE`), following the
// conversion nbformat itself performs: worksheets flattened, heading cells become markdown,
// `input`/`prompt_number` become `source`/`execution_count`, pyout/pyerr become
// execute_result/error, output data move under MIME keys.
import { PairbookError, type Result, err, ok } from './errors';
import { type Notebook, isObject, joinMultiline, validateNotebook } from './nbformat';
import type { JsonObject, JsonValue } from './python-json';
import { splitLinesPython } from './python-json';

const MIME_OF: Record<string, string> = {
  text: 'text/plain',
  html: 'text/html',
  svg: 'image/svg+xml',
  png: 'image/png',
  jpeg: 'image/jpeg',
  latex: 'text/latex',
  json: 'application/json',
  javascript: 'application/javascript',
};

/**
 * Converts an nbformat 2 or 3 notebook to nbformat 4.5, giving each cell a fresh id from
 * `newId`. The result is validated like any file Pairbook opens.
 */
export function upgradeToV4(
  value: JsonValue,
  newId: () => string,
  where = 'notebook',
): Result<Notebook> {
  if (!isObject(value) || (value.nbformat !== 2 && value.nbformat !== 3)) {
    return err(
      new PairbookError(
        'unsupported-version',
        `${where}: only nbformat 2 and 3 notebooks need upgrading`,
      ),
    );
  }
  const cells: JsonValue[] = [];
  const worksheets = Array.isArray(value.worksheets) ? value.worksheets : [];
  for (const ws of worksheets) {
    const wsCells = isObject(ws) && Array.isArray(ws.cells) ? ws.cells : [];
    for (const cell of wsCells) if (isObject(cell)) cells.push(upgradeCell({ ...cell }, newId()));
  }
  const metadata: JsonObject = isObject(value.metadata) ? { ...value.metadata } : {};
  delete metadata.name;
  delete metadata.signature;
  const rest: JsonObject = { ...value };
  delete rest.worksheets;
  const nb: JsonObject = { ...rest, cells, metadata, nbformat: 4, nbformat_minor: 5 };
  const checked = validateNotebook(nb, where);
  return checked.ok ? ok(checked.value.notebook) : checked;
}

function upgradeCell(cell: JsonObject, id: string): JsonObject {
  const metadata: JsonObject = isObject(cell.metadata) ? { ...cell.metadata } : {};
  const out: JsonObject = { ...cell, id, metadata };
  if (cell.cell_type === 'code') {
    delete out.language;
    if ('collapsed' in out) {
      metadata.collapsed = out.collapsed as JsonValue;
      delete out.collapsed;
    }
    out.source = (cell.input as JsonValue) ?? '';
    delete out.input;
    out.execution_count = (cell.prompt_number as JsonValue) ?? null;
    delete out.prompt_number;
    out.outputs = (Array.isArray(cell.outputs) ? cell.outputs : []).map((o) =>
      isObject(o) ? upgradeOutput({ ...o }) : o,
    );
  } else if (cell.cell_type === 'heading') {
    const level = typeof cell.level === 'number' ? cell.level : 1;
    const text =
      typeof cell.source === 'string' || Array.isArray(cell.source)
        ? joinMultiline(cell.source as string)
        : '';
    out.cell_type = 'markdown';
    out.source = `${'#'.repeat(level)} ${splitLinesPython(text)
      .map((l) => l.replace(/[\r\n]+$/, ''))
      .join(' ')}`;
    delete out.level;
  } else if (cell.cell_type === 'html') {
    out.cell_type = 'markdown';
  }
  out.source ??= '';
  return out;
}

function upgradeOutput(output: JsonObject): JsonObject {
  const type = output.output_type;
  if (type === 'pyout' || type === 'display_data') {
    const out: JsonObject = { output_type: type === 'pyout' ? 'execute_result' : 'display_data' };
    if (type === 'pyout') out.execution_count = (output.prompt_number as JsonValue) ?? null;
    const data: JsonObject = {};
    for (const [key, v] of Object.entries(output)) {
      if (key === 'output_type' || key === 'prompt_number' || key === 'metadata') continue;
      data[MIME_OF[key] ?? key] = v;
    }
    if (typeof data['application/json'] === 'string') {
      try {
        data['application/json'] = JSON.parse(data['application/json']) as JsonValue;
      } catch {
        data['text/plain'] ??= data['application/json'];
        delete data['application/json'];
      }
    }
    out.data = data;
    const md: JsonObject = {};
    for (const [key, v] of Object.entries(isObject(output.metadata) ? output.metadata : {})) {
      md[MIME_OF[key] ?? key] = v;
    }
    out.metadata = md;
    return out;
  }
  if (type === 'pyerr') return { ...output, output_type: 'error' };
  if (type === 'stream') {
    const out: JsonObject = { ...output, name: (output.stream as JsonValue) ?? 'stdout' };
    delete out.stream;
    out.text ??= '';
    return out;
  }
  return output;
}
