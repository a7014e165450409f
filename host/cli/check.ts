import { basename } from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import * as Y from 'yjs';
import { PairbookError } from '../../protocol/errors';
import { readSaveHint, loadNotebookIntoDoc, serializeNotebook } from '../../protocol/ydoc-nbformat';
import { readNotebookFile } from '../document/notebook-file';

/** The verdict on one file. `ok` means it opens and saves without losing anything. */
export interface CheckResult {
  path: string;
  ok: boolean;
  /** One line a user understands. */
  message: string;
}

/**
 * Reads a notebook, loads it into a document and saves it to memory, then compares. A file
 * Jupyter wrote comes back byte for byte; another layout comes back with the same content.
 */
export async function checkNotebook(path: string): Promise<CheckResult> {
  try {
    const file = await readNotebookFile(path);
    const doc = new Y.Doc();
    const ids = loadNotebookIntoDoc(file.notebook, doc);
    const saved = serializeNotebook(doc, readSaveHint(file.text, ids));
    const notes = [...file.warnings];
    if (saved === file.text) {
      return { path, ok: true, message: ['ok: saves byte for byte', ...notes].join('; ') };
    }
    const before = JSON.parse(file.text) as unknown;
    const after = JSON.parse(saved) as unknown;
    if (isDeepStrictEqual(before, after)) {
      const lines = countChangedLines(file.text, saved);
      notes.unshift(
        `ok: an unchanged save leaves it as is; the first edit rewrites it in Jupyter's layout (${lines} lines change, content the same)`,
      );
      return { path, ok: true, message: notes.join('; ') };
    }
    if (notes.some((n) => n.startsWith('some cells have no id'))) {
      return {
        path,
        ok: true,
        message: ['ok: an unchanged save leaves it as is', ...notes].join('; '),
      };
    }
    return { path, ok: false, message: 'saving would change its content; please report this file' };
  } catch (e) {
    if (e instanceof PairbookError) return { path, ok: false, message: e.message };
    if (e instanceof RangeError && /call stack/i.test(e.message)) {
      return { path, ok: false, message: 'a value in it is nested too deeply to process' };
    }
    throw e;
  }
}

function countChangedLines(a: string, b: string): number {
  const left = a.split('\n');
  const right = new Set(b.split('\n'));
  return left.filter((l) => !right.has(l)).length;
}

/** `pairbook check FILE...`: exit 0 when every file opens and saves losslessly, else 1. */
export async function check(paths: string[]): Promise<number> {
  if (paths.length === 0) {
    process.stderr.write(
      'pairbook check: name the notebooks to check (usage: pairbook check FILE...)\n',
    );
    return 2;
  }
  let allOk = true;
  for (const path of paths) {
    const r = await checkNotebook(path);
    allOk &&= r.ok;
    const reason = r.message.replace(/^ok: /, '').replace(`${basename(path)}: `, '');
    process.stdout.write(`${r.ok ? 'ok  ' : 'FAIL'} ${path}: ${reason}\n`);
  }
  return allOk ? 0 : 1;
}
