// A notebook opened through a symlink: saves write the link's target, and the link stays a link.
import {
  chmodSync,
  lstatSync,
  mkdirSync,
  readFileSync,
  readdirSync,
  readlinkSync,
  statSync,
  symlinkSync,
} from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type * as Y from 'yjs';
import { cellsOf } from '../../../protocol/ydoc-nbformat';
import { NotebookSession } from '../../../host/session/notebook-session';
import { codeCell, notebook, tempDir, writeNotebook } from '../../helpers/notebooks';

describe('a notebook opened through a symlink', () => {
  it('is saved into the target, atomically and keeping its mode; the link stays a link', async () => {
    const target = writeNotebook(notebook([codeCell('c', ['x = 1'])]));
    chmodSync(target, 0o640);
    const linkDir = tempDir();
    mkdirSync(join(linkDir, 'sub'));
    const link = join(linkDir, 'sub', 'nb.ipynb');
    symlinkSync(target, link);

    const s = await NotebookSession.open(link, { dataDir: tempDir(), autosaveDelayMs: 0 });
    (cellsOf(s.doc).get(0).get('source') as Y.Text).insert(0, '# edited\n');
    await s.save();
    await s.close();

    expect(lstatSync(link).isSymbolicLink()).toBe(true);
    expect(readlinkSync(link)).toBe(target);
    expect(readFileSync(target, 'utf8')).toContain('"# edited\\n",');
    expect(statSync(target).mode & 0o777).toBe(0o640);
    expect(readdirSync(join(linkDir, 'sub'))).toEqual(['nb.ipynb']);
    expect(readdirSync(join(target, '..'))).toEqual(['nb.ipynb']); // no temp file left
  });
});
