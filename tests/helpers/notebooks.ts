// Small notebooks written by the tests themselves, in Jupyter's own on-disk form.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { JsonObject } from '../../protocol/python-json';
import { stringifyPython } from '../../protocol/python-json';

/** A code cell in file form. */
export function codeCell(
  id: string,
  source: string[],
  outputs: JsonObject[] = [],
  count: number | null = null,
): JsonObject {
  return { cell_type: 'code', execution_count: count, id, metadata: {}, outputs, source };
}

/** A markdown cell in file form. */
export function markdownCell(id: string, source: string[]): JsonObject {
  return { cell_type: 'markdown', id, metadata: {}, source };
}

/** An nbformat 4.5 notebook in file form. */
export function notebook(cells: JsonObject[], metadata: JsonObject = {}): JsonObject {
  return {
    cells,
    metadata: {
      kernelspec: { display_name: 'Python 3', language: 'python', name: 'python3' },
      language_info: { name: 'python' },
      ...metadata,
    },
    nbformat: 4,
    nbformat_minor: 5,
  };
}

/** Jupyter's exact bytes for a notebook value. */
export const jupyterText = (nb: JsonObject): string => stringifyPython(nb) + '\n';

/** A fresh temp folder. */
export const tempDir = (prefix = 'pairbook-'): string => mkdtempSync(join(tmpdir(), prefix));

/** Writes `nb` as Jupyter would into a fresh temp folder; returns its path. */
export function writeNotebook(nb: JsonObject | string, name = 'nb.ipynb'): string {
  const path = join(tempDir(), name);
  writeFileSync(path, typeof nb === 'string' ? nb : jupyterText(nb));
  return path;
}

/** A small notebook with a bit of everything: code with outputs, markdown, non-ASCII. */
export function sampleNotebook(): JsonObject {
  return notebook([
    markdownCell('intro', ['# Title\n', '\n', 'Héllo — $x^2$ ✓']),
    codeCell(
      'code1',
      ['import sys\n', 'print("hi")\n', 'sys.stderr.write("warn\\n")'],
      [
        { name: 'stdout', output_type: 'stream', text: ['hi\n'] },
        { name: 'stderr', output_type: 'stream', text: ['warn\n', 'again\n'] },
        {
          data: { 'text/html': ['<b>x</b>\n', '<i>y</i>'], 'text/plain': ['x'] },
          execution_count: 3,
          metadata: { custom: { a: 1.5 } },
          output_type: 'execute_result',
        },
      ],
      3,
    ),
    codeCell('empty', []),
  ]);
}
