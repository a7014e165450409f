import {
  chmodSync,
  readFileSync,
  readdirSync,
  statSync,
  truncateSync,
  writeFileSync,
  appendFileSync,
} from 'node:fs';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { cellsOf } from '../../../protocol/ydoc-nbformat';
import { Journal } from '../../../host/session/journal';
import { NotebookSession } from '../../../host/session/notebook-session';
import {
  codeCell,
  notebook,
  sampleNotebook,
  tempDir,
  writeNotebook,
} from '../../helpers/notebooks';
import { connectClient } from '../../helpers/session-client';

const open = (path: string, autosaveDelayMs = 0) =>
  NotebookSession.open(path, { dataDir: tempDir(), autosaveDelayMs });
const text = (doc: Y.Doc, i = 0) => cellsOf(doc).get(i).get('source') as Y.Text;

describe('NotebookSession', () => {
  it('saves an unchanged notebook as the very same bytes without touching the file', async () => {
    const path = writeNotebook(sampleNotebook());
    const before = readFileSync(path);
    const mtime = statSync(path).mtimeMs;
    const s = await open(path);
    await s.save();
    await s.close();
    expect(readFileSync(path).equals(before)).toBe(true);
    expect(statSync(path).mtimeMs).toBe(mtime);
  });

  it('autosaves an edit after a quiet moment, atomically, keeping the file mode', async () => {
    const path = writeNotebook(sampleNotebook());
    chmodSync(path, 0o640);
    const s = await open(path, 30);
    const saved = new Promise((r) => s.on('saved', r));
    text(s.doc, 1).insert(0, '# edited\n');
    expect(s.dirty).toBe(true);
    await saved;
    expect(s.dirty).toBe(false);
    expect(readFileSync(path, 'utf8')).toContain('"# edited\\n",');
    expect(statSync(path).mode & 0o777).toBe(0o640);
    expect(readdirSync(dirname(path))).toEqual(['nb.ipynb']); // no temp file left
    await s.close();
  });

  it('syncs two clients through the host and converges', async () => {
    const s = await open(writeNotebook(sampleNotebook()));
    const a = connectClient(s);
    const b = connectClient(s);
    await a.until((d) => cellsOf(d).length === 3);
    await b.until((d) => cellsOf(d).length === 3);
    text(a.doc, 1).insert(0, 'A');
    text(b.doc, 1).insert(0, 'B');
    const both = (d: Y.Doc) => /^(AB|BA)/.test(text(d, 1).toString());
    await a.until(both);
    await b.until(both);
    const host = text(s.doc, 1).toString();
    expect(host.slice(0, 2).split('').sort().join('')).toBe('AB');
    expect(text(a.doc, 1).toString()).toBe(host);
    expect(text(b.doc, 1).toString()).toBe(host);
    await s.close();
  });

  it('saves on a client request and replies', async () => {
    const path = writeNotebook(sampleNotebook());
    const s = await open(path);
    const c = connectClient(s);
    await c.until((d) => cellsOf(d).length > 0);
    text(c.doc, 0).insert(0, 'x');
    expect(await c.request({ type: 'save' })).toEqual({ ok: true });
    expect(readFileSync(path, 'utf8')).toContain('"x# Title\\n"');
    expect(await c.request({ type: 'run', cellIds: ['code1'] })).toEqual({
      ok: false,
      code: 'no-kernel',
      message: expect.stringMatching(/no kernel .* choose one/),
    });
    await s.close();
  });

  it('cuts off a client that sends garbage and keeps serving the others', async () => {
    const s = await open(writeNotebook(sampleNotebook()));
    const bad = connectClient(s);
    const good = connectClient(s);
    await good.until((d) => cellsOf(d).length > 0);
    bad.transport.send(new Uint8Array([0, 9, 255, 255, 255]));
    await expect.poll(() => bad.closed()).toMatch(/unreadable message/);
    text(good.doc, 0).insert(0, 'still here ');
    await expect.poll(() => text(s.doc, 0).toString()).toMatch(/^still here /);
    await s.close();
  });

  it('will not overwrite a file that changed on disk, and says so', async () => {
    const path = writeNotebook(sampleNotebook());
    const s = await open(path);
    text(s.doc, 0).insert(0, 'mine ');
    const theirs = readFileSync(path, 'utf8').replace('# Title', '# Theirs');
    writeFileSync(path, theirs);
    await expect(s.save()).rejects.toMatchObject({
      code: 'file-changed',
      message: expect.stringMatching(/nb\.ipynb changed on disk .* your edits are kept/),
    });
    expect(readFileSync(path, 'utf8')).toBe(theirs);
    await s.save({ force: true });
    expect(readFileSync(path, 'utf8')).toContain('mine # Title');
    await s.close();
  });

  it.each([
    ['a missing file', (dir: string) => join(dir, 'missing.ipynb'), /cannot read .*no such file/],
    ['a folder', (dir: string) => dir, /not a file/],
    [
      'a 100 MB notebook',
      (dir: string) => {
        const p = join(dir, 'huge.ipynb');
        writeFileSync(p, '');
        truncateSync(p, 100 * 1024 * 1024);
        return p;
      },
      /huge\.ipynb is 104\.9 MB; Pairbook opens notebooks up to 67\.1 MB/,
    ],
    [
      'a file that is not UTF-8',
      (dir: string) => {
        const p = join(dir, 'latin1.ipynb');
        writeFileSync(p, Buffer.from([0x7b, 0xe9, 0x7d]));
        return p;
      },
      /not UTF-8/,
    ],
  ])('refuses %s with a clear reason and writes nothing', async (_name, make, message) => {
    const dir = tempDir();
    const path = make(dir);
    const before = readdirSync(dir);
    await expect(open(path)).rejects.toMatchObject({ message: expect.stringMatching(message) });
    expect(readdirSync(dir)).toEqual(before);
  });

  it('ignores a journal record torn by a crash, keeping those before it', async () => {
    const path = writeNotebook(notebook([codeCell('c', ['a'])]));
    const dataDir = tempDir();
    const j = Journal.for(dataDir, path);
    const doc = new Y.Doc();
    const s = await NotebookSession.open(path, { dataDir, autosaveDelayMs: 0 });
    Y.applyUpdate(doc, Y.encodeStateAsUpdate(s.doc));
    text(s.doc).insert(1, 'b');
    text(s.doc).insert(2, 'c');
    // Simulate a crash: leave the journal as is, and tear a half-written record onto its end.
    (s as unknown as { journal: Journal }).journal.close();
    appendFileSync(j.file, Buffer.from([200, 0, 0, 0, 1, 2, 3, 4, 3, 9, 9]));
    const again = await NotebookSession.open(path, { dataDir, autosaveDelayMs: 0 });
    expect(again.recovery).toMatchObject({ kind: 'replayed' });
    expect(text(again.doc).toString()).toBe('abc');
    await again.close();
  });
});

describe('what makes a notebook unsaved', () => {
  it('is an edit to the notebook, not live state such as a running cell or kernel status', async () => {
    const s = await open(writeNotebook(sampleNotebook()));
    s.doc.transact(() => {
      s.doc.getMap('runtime').set('kernel', { status: 'busy' });
      cellsOf(s.doc).get(1).set('execution_state', 'running');
    });
    expect(s.dirty).toBe(false);
    cellsOf(s.doc).get(1).set('execution_count', 9);
    expect(s.dirty).toBe(true);
    await s.close();
  });
});
