import { randomUUID } from 'node:crypto';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

/** Most "UntitledN.ipynb" names tried before giving up. */
const MAX_UNTITLED = 1000;

/**
 * The text of a new notebook: one empty Python code cell, nbformat 4.5, written as Jupyter writes
 * files (indent 1, sorted keys, trailing newline).
 */
export function emptyNotebookText(): string {
  const notebook = {
    cells: [
      {
        cell_type: 'code',
        execution_count: null,
        id: randomUUID().slice(0, 8),
        metadata: {},
        outputs: [],
        source: [],
      },
    ],
    metadata: {
      kernelspec: { display_name: 'Python 3 (ipykernel)', language: 'python', name: 'python3' },
      language_info: { name: 'python' },
    },
    nbformat: 4,
    nbformat_minor: 5,
  };
  return `${JSON.stringify(notebook, null, 1)}\n`;
}

/**
 * Creates `Untitled.ipynb` (or `Untitled1.ipynb`, ...) in `dir`, making the folder if needed, and
 * returns its path. Never overwrites a file: each name is created exclusively.
 */
export async function createUntitledNotebook(dir: string): Promise<string> {
  await mkdir(dir, { recursive: true });
  for (let n = 0; n < MAX_UNTITLED; n++) {
    const path = join(dir, `Untitled${n === 0 ? '' : n}.ipynb`);
    try {
      await writeFile(path, emptyNotebookText(), { flag: 'wx' });
      return path;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
    }
  }
  throw new Error(`${dir} already holds ${MAX_UNTITLED} untitled notebooks — tidy some away`);
}
