// Small notebooks the end-to-end tests write for themselves, in Jupyter's on-disk form.
import type { JsonObject } from '../../../protocol/python-json';
import { stringifyPython } from '../../../protocol/python-json';

/** A code cell; `source` is one string, split into lines as Jupyter writes it. */
export function codeCell(
  id: string,
  source: string,
  outputs: JsonObject[] = [],
  count: number | null = null,
): JsonObject {
  return {
    cell_type: 'code',
    execution_count: count,
    id,
    metadata: {},
    outputs,
    source: lines(source),
  };
}

/** A markdown cell. */
export function markdownCell(id: string, source: string, attachments?: JsonObject): JsonObject {
  const cell: JsonObject = { cell_type: 'markdown', id, metadata: {}, source: lines(source) };
  if (attachments) cell.attachments = attachments;
  return cell;
}

/** A stream output. */
export const stream = (text: string, name = 'stdout'): JsonObject => ({
  name,
  output_type: 'stream',
  text: lines(text),
});

/** A display_data output of one MIME bundle. */
export const display = (data: JsonObject): JsonObject => ({
  data,
  metadata: {},
  output_type: 'display_data',
});

/** An error output with a traceback. */
export const error = (ename: string, evalue: string, traceback: string[]): JsonObject => ({
  ename,
  evalue,
  output_type: 'error',
  traceback,
});

/** An nbformat 4.5 notebook with a Python kernelspec. */
export function notebook(cells: JsonObject[]): JsonObject {
  return {
    cells,
    metadata: {
      kernelspec: { display_name: 'Python 3', language: 'python', name: 'python3' },
      language_info: { name: 'python' },
    },
    nbformat: 4,
    nbformat_minor: 5,
  };
}

/** Jupyter's exact bytes for a notebook value. */
export const jupyterText = (nb: JsonObject): string => stringifyPython(nb) + '\n';

/** A 4×4 red PNG, base64. */
export const RED_PNG =
  'iVBORw0KGgoAAAANSUhEUgAAAAQAAAAECAIAAAAmkwkpAAAAEElEQVR4nGP4z8AARwzEcQCukw/x0F8jngAAAABJRU5ErkJggg==';

function lines(text: string): string[] {
  return text.split(/(?<=\n)/).filter((l) => l !== '');
}
