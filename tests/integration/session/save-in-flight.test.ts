// A save covers exactly the document it serialized: an edit accepted while the file is being
// written is not in that file, so it must stay unsaved — in the session and in the journal.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type * as Y from 'yjs';
import { cellsOf } from '../../../protocol/ydoc-nbformat';
import { NotebookSession } from '../../../host/session/notebook-session';
import { codeCell, notebook, tempDir, writeNotebook } from '../../helpers/notebooks';

const text = (s: NotebookSession) => cellsOf(s.doc).get(0).get('source') as Y.Text;
const fileSource = (path: string) =>
  (
    JSON.parse(readFileSync(path, 'utf8')) as { cells: { source: string[] }[] }
  ).cells[0]!.source.join('');

/** Inserts `late` into the first cell once, right after the next save serialized the document. */
function editDuringNextWrite(s: NotebookSession, late: string): void {
  const once = () => {
    s.off('saving', once);
    text(s).insert(0, late);
  };
  s.on('saving', once);
}

describe('an edit accepted while a save is writing', () => {
  it('stays unsaved after that save, and the next save writes it', async () => {
    const path = writeNotebook(notebook([codeCell('c', ['x = 1'])]));
    const s = await NotebookSession.open(path, { dataDir: tempDir(), autosaveDelayMs: 0 });
    text(s).insert(0, 'a');
    editDuringNextWrite(s, 'late ');
    await s.save();
    expect(fileSource(path)).toBe('ax = 1');
    expect(s.dirty).toBe(true);
    await s.save();
    expect(fileSource(path)).toBe('late ax = 1');
    expect(s.dirty).toBe(false);
    await s.close();
  });

  it('is on disk after closing (Ctrl-C), though it came during the closing save', async () => {
    const path = writeNotebook(notebook([codeCell('c', ['x = 1'])]));
    const dataDir = tempDir();
    const s = await NotebookSession.open(path, { dataDir, autosaveDelayMs: 0 });
    text(s).insert(0, 'a');
    editDuringNextWrite(s, 'late ');
    await s.close();
    const again = await NotebookSession.open(path, { dataDir, autosaveDelayMs: 0 });
    expect(text(again).toString()).toBe('late ax = 1');
    await again.close();
    expect(fileSource(path)).toBe('late ax = 1');
  });

  it('survives a crash right after that save: the journal still holds it as unsaved', async () => {
    const path = writeNotebook(notebook([codeCell('c', ['x = 1'])]));
    const dataDir = tempDir();
    const s = await NotebookSession.open(path, { dataDir, autosaveDelayMs: 0 });
    text(s).insert(0, 'a');
    editDuringNextWrite(s, 'late ');
    await s.save();
    // The process dies here: `s` is never closed, its journal stays as it is on disk.
    const again = await NotebookSession.open(path, { dataDir, autosaveDelayMs: 0 });
    expect(again.recovery).toMatchObject({ kind: 'replayed' });
    expect(text(again).toString()).toBe('late ax = 1');
    await again.close();
  });
});
