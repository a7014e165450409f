import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { basename, dirname, extname, join } from 'node:path';
import { parseJson } from '../../protocol/python-json';
import { upgradeToV4 } from '../../protocol/nbformat-upgrade';
import { loadNotebookIntoDoc, serializeNotebook } from '../../protocol/ydoc-nbformat';
import * as Y from 'yjs';
import { writeFileAtomic } from '../document/notebook-file';

/** `pairbook upgrade FILE`: writes an nbformat 4 copy of an nbformat 2/3 notebook beside it. */
export async function upgrade(args: string[]): Promise<number> {
  const [path] = args;
  if (!path || args.length > 1) {
    process.stderr.write(
      'pairbook upgrade: name one notebook: pairbook upgrade FILE (writes FILE.v4.ipynb beside it)\n',
    );
    return 2;
  }
  const name = basename(path);
  const text = await readFile(path, 'utf8').catch((e: NodeJS.ErrnoException) => {
    process.stderr.write(`pairbook upgrade: cannot read ${path}: ${readFailure(e)}\n`);
    return null;
  });
  if (text === null) return 1;
  const parsed = parseJson(text, name);
  const upgraded = parsed.ok
    ? upgradeToV4(parsed.value, () => randomBytes(4).toString('hex'), name)
    : parsed;
  if (!upgraded.ok) {
    process.stderr.write(`${upgraded.error.message}\n`);
    return 1;
  }
  const target = join(dirname(path), `${basename(path, extname(path))}.v4.ipynb`);
  if (existsSync(target)) {
    process.stderr.write(`${target} already exists; move it away and run again\n`);
    return 1;
  }
  const doc = new Y.Doc();
  loadNotebookIntoDoc(upgraded.value, doc);
  await writeFileAtomic(target, serializeNotebook(doc));
  process.stdout.write(`wrote ${target} (nbformat 4.5); ${name} is unchanged\n`);
  return 0;
}

/** Why a file could not be read, in words. */
function readFailure(e: NodeJS.ErrnoException): string {
  if (e.code === 'ENOENT') return 'no such file';
  if (e.code === 'EISDIR') return 'it is a folder, not a notebook file';
  if (e.code === 'EACCES') return 'permission denied';
  return e.message;
}
