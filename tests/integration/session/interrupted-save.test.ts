// kill -9 while a ~3 MB notebook is being saved, again and again: the file is never torn, the
// temp files of killed saves are removed on the next open, and a `.recovered` copy is never made
// when nothing but Pairbook touched the file.
import { readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { describe, expect, it } from 'vitest';
import type * as Y from 'yjs';
import { cellsOf, serializeNotebook } from '../../../protocol/ydoc-nbformat';
import { NotebookSession } from '../../../host/session/notebook-session';
import { codeCell, notebook, tempDir, writeNotebook } from '../../helpers/notebooks';
import { runThenKill } from './kill-typing-host';

const TRIALS = 4;

describe('kill -9 in the middle of saving a 3 MB notebook', () => {
  it('leaves no temp file after the next open, no .recovered copy, and loses nothing', async () => {
    const line = `${'0123456789'.repeat(10)}\n`;
    const big = { name: 'stdout', output_type: 'stream', text: Array(30_000).fill(line) };
    const path = writeNotebook(notebook([codeCell('c', ['x = 1']), codeCell('d', ['y'], [big])]));
    const dataDir = tempDir();
    let leftBehind = 0;
    let last = '';
    for (let trial = 0; trial < TRIALS; trial++) {
      // Types 40 characters, autosaves (50 ms at most after the first); killed as its temp file
      // appears, or 0–4 ms into the save.
      const kill = trial % 2 === 0 ? 'tmp' : String(trial % 5);
      const run = await runThenKill(path, dataDir, () => false, ['40', '20', '50', kill]);
      if (run.last !== '') {
        // Typing goes on from what was recovered (a run may be killed before it typed at all).
        expect(run.last.endsWith(last)).toBe(true);
        last = run.last;
      }
      JSON.parse(readFileSync(path, 'utf8')); // never torn
      if (readdirSync(dirname(path)).some((n) => n.endsWith('.pairbook-tmp'))) leftBehind++;
    }
    console.log(`after ${leftBehind} of ${TRIALS} kills a temp file was left behind`);

    const s = await NotebookSession.open(path, { dataDir, autosaveDelayMs: 0 });
    expect(readdirSync(dirname(path))).toEqual(['nb.ipynb']);
    expect((cellsOf(s.doc).get(0).get('source') as Y.Text).toString().endsWith(last)).toBe(true);
    await s.close();
    expect(readdirSync(dirname(path))).toEqual(['nb.ipynb']);
  }, 180_000); // child processes on a busy machine: a generous bound

  it('opens a file that a killed save finished writing as it is: no .recovered copy', async () => {
    const path = writeNotebook(notebook([codeCell('c', ['x = 1'])]));
    const dataDir = tempDir();
    const s = await NotebookSession.open(path, { dataDir, autosaveDelayMs: 0 });
    (cellsOf(s.doc).get(0).get('source') as Y.Text).insert(0, 'b');
    (cellsOf(s.doc).get(0).get('source') as Y.Text).insert(0, 'a');
    // The save's rename landed, then the process died before it could note it in its journal.
    writeFileSync(path, serializeNotebook(s.doc));
    const again = await NotebookSession.open(path, { dataDir, autosaveDelayMs: 0 });
    expect(again.recovery).toBeNull();
    expect(again.dirty).toBe(false);
    expect((cellsOf(again.doc).get(0).get('source') as Y.Text).toString()).toBe('abx = 1');
    await again.close();
    expect(readdirSync(dirname(path))).toEqual(['nb.ipynb']);
  });
});
