// The journal's base is written in the background after opening, and a compaction after a save
// too: an edit made before the base is done, after it, or while a compaction is written is still
// recovered after a crash; a base cut off by a crash before its last part is no journal at all.
import { existsSync, statSync, truncateSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { Journal } from '../../../host/session/journal';
import { NotebookSession } from '../../../host/session/notebook-session';
import { SessionJournal } from '../../../host/session/session-journal';
import { cellsOf } from '../../../protocol/ydoc-nbformat';
import { codeCell, notebook, tempDir, writeNotebook } from '../../helpers/notebooks';

const text = (doc: Y.Doc, i = 0) => cellsOf(doc).get(i).get('source') as Y.Text;

/** A notebook of about 2 MB: its state takes many slices to encode. */
function largeNotebook(): string {
  const cells = Array.from({ length: 400 }, (_, i) =>
    codeCell(
      `c${i}`,
      [`x = ${i}\n`],
      [{ name: 'stdout', output_type: 'stream', text: [`${i}: ${'o'.repeat(5000)}\n`] }],
      i,
    ),
  );
  return writeNotebook(notebook(cells));
}

const open = (path: string, dataDir: string) =>
  NotebookSession.open(path, { dataDir, autosaveDelayMs: 0 });

/** Simulates a crash: the journal stays as it is on disk, nothing is saved or deleted. */
function crash(s: NotebookSession): void {
  (s as unknown as { journal: Journal }).journal.close();
}

async function until(done: () => boolean): Promise<void> {
  while (!done()) await new Promise((r) => setTimeout(r, 5));
}

describe('the journal written in the background', () => {
  it('keeps an edit made while the base is still being written, after a crash', async () => {
    const path = largeNotebook();
    const dataDir = tempDir();
    const journal = Journal.for(dataDir, path);
    const s = await open(path, dataDir);
    // The base is being written beside the journal, which does not exist yet.
    expect(existsSync(`${journal.file}.next`)).toBe(true);
    expect(existsSync(journal.file)).toBe(false);
    text(s.doc).insert(0, 'typed ');
    expect(existsSync(journal.file)).toBe(true);
    expect(existsSync(`${journal.file}.next`)).toBe(false);
    crash(s);
    const again = await open(path, dataDir);
    expect(again.recovery).toMatchObject({ kind: 'replayed' });
    expect(text(again.doc).toString()).toBe('typed x = 0\n');
    expect(cellsOf(again.doc).length).toBe(400);
    await again.close();
  });

  it('keeps an edit made after the base was written, after a crash', async () => {
    const path = largeNotebook();
    const dataDir = tempDir();
    const journal = Journal.for(dataDir, path);
    const s = await open(path, dataDir);
    await until(() => existsSync(journal.file));
    expect(existsSync(`${journal.file}.next`)).toBe(false);
    text(s.doc, 399).insert(0, 'late ');
    crash(s);
    const again = await open(path, dataDir);
    expect(again.recovery).toMatchObject({ kind: 'replayed' });
    expect(text(again.doc, 399).toString()).toBe('late x = 399\n');
    await again.close();
  });

  it('removes the base of a notebook closed unedited', async () => {
    const path = largeNotebook();
    const dataDir = tempDir();
    const journal = Journal.for(dataDir, path);
    const s = await open(path, dataDir);
    await s.close();
    expect(existsSync(journal.file)).toBe(false);
    expect(existsSync(`${journal.file}.next`)).toBe(false);
  });

  it('reads a base cut off by a crash before its last part as no journal', () => {
    const dataDir = tempDir();
    const path = writeNotebook(notebook([codeCell('c', ['a'])]));
    const journal = Journal.for(dataDir, path);
    const doc = new Y.Doc();
    doc.getText('t').insert(0, 'one');
    const first = Y.encodeStateAsUpdate(doc);
    doc.getText('t').insert(3, ' two');
    const next = journal.next('hash');
    next.addPart(first);
    next.addBase(Y.encodeStateAsUpdate(doc, Y.encodeStateVectorFromUpdate(first)));
    next.commit({ saved: true });
    const whole = journal.read();
    expect(whole?.states).toHaveLength(2);
    expect(whole?.checkpoints.at(-1)).toEqual({ fileSha256: 'hash', through: 2, confirmed: true });
    journal.close();
    // Cut inside the last part (before it: the Saved record): the first part alone is no state.
    const savedRecord = 9 + JSON.stringify({ fileSha256: 'hash', through: 2 }).length;
    truncateSync(journal.file, statSync(journal.file).size - savedRecord - 5);
    expect(journal.read()).toBeNull();
  });

  it('keeps edits made while a compaction is written, after a crash', async () => {
    const path = writeNotebook(notebook([codeCell('c', ['a']), codeCell('d', ['b'])]));
    const dataDir = tempDir();
    const s = await open(path, dataDir);
    const journal = (s as unknown as { journal: Journal }).journal;
    // More than 4 MiB appended, of text typed and deleted again: the next save compacts.
    for (let i = 0; i < 5; i++) {
      text(s.doc, 1).insert(0, 'x'.repeat(1024 * 1024));
      text(s.doc, 1).delete(0, 1024 * 1024);
    }
    const before = journal.size;
    text(s.doc).insert(1, '!');
    let saved = false;
    const save = s.save().then(() => (saved = true));
    let typed = '';
    for (let n = 0; !saved; n++) {
      await new Promise((r) => setImmediate(r));
      const ch = String.fromCharCode(97 + (n % 26));
      text(s.doc).insert(text(s.doc).length, ch);
      typed += ch;
    }
    await save;
    expect(typed.length).toBeGreaterThan(0);
    expect(journal.size).toBeLessThan(before / 4);
    crash(s);
    const again = await open(path, dataDir);
    expect(text(again.doc).toString()).toBe(`a!${typed}`);
    expect(text(again.doc, 1).toString()).toBe('b');
    await again.close();
  });
});

describe('the journal begun again after a reload', () => {
  /** The document as the file gives it: `cells` cells, replacing what was there. */
  const fill = (doc: Y.Doc, word: string, cells: number) =>
    doc.transact(() => {
      const list = doc.getArray<Y.Text>('t');
      list.delete(0, list.length);
      list.insert(
        0,
        Array.from({ length: cells }, (_, i) => new Y.Text(`${word} ${i} ${'o'.repeat(2000)}`)),
      );
    }, 'pairbook:reload');
  const replayed = (journal: Journal) => {
    const doc = new Y.Doc();
    for (const state of journal.read()!.states) Y.applyUpdate(doc, state);
    return doc.getArray<Y.Text>('t').map((t) => t.toString().split(' o')[0]);
  };

  function reloaded() {
    const journal = Journal.for(tempDir(), '/x/nb.ipynb');
    const doc = new Y.Doc();
    const file = { sha256: 'first', dirty: false };
    const keeper = new SessionJournal(
      journal,
      doc,
      () => file,
      () => undefined,
    );
    fill(doc, 'old', 3);
    keeper.begin({ saved: true });
    doc.getArray<Y.Text>('t').get(0).insert(0, 'typed ');
    file.dirty = true;
    keeper.hostUpdate(Y.encodeStateAsUpdate(doc), true);
    // The file on disk replaces the document; it holds all of it.
    fill(doc, 'new', 200);
    file.sha256 = 'second';
    file.dirty = false;
    keeper.beginAgainInBackground();
    return { journal, doc, keeper, file };
  }

  it('removes the old journal at once and writes the new base beside it, in the background', async () => {
    const { journal, keeper } = reloaded();
    expect(existsSync(journal.file)).toBe(false);
    expect(existsSync(`${journal.file}.next`)).toBe(true);
    expect(keeper.current).toBe(false);
    await until(() => keeper.current);
    expect(existsSync(`${journal.file}.next`)).toBe(false);
    expect(replayed(journal)).toEqual(Array.from({ length: 200 }, (_, i) => `new ${i}`));
    expect(journal.read()!.checkpoints.at(-1)).toMatchObject({
      fileSha256: 'second',
      confirmed: true,
    });
    keeper.close();
  });

  it('journals an edit made before the new base is done', () => {
    const { journal, doc, keeper, file } = reloaded();
    let update: Uint8Array = new Uint8Array();
    doc.once('update', (u: Uint8Array) => (update = u));
    doc.getArray<Y.Text>('t').get(1).insert(0, 'early ');
    file.dirty = true;
    keeper.hostUpdate(update, true);
    expect(keeper.current).toBe(true);
    expect(replayed(journal).slice(0, 2)).toEqual(['new 0', 'early new 1']);
    journal.close();
  });
});
