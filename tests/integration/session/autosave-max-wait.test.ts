// Autosave waits for a quiet moment, but not forever: continuous typing still reaches the disk.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type * as Y from 'yjs';
import { cellsOf } from '../../../protocol/ydoc-nbformat';
import { NotebookSession } from '../../../host/session/notebook-session';
import { codeCell, notebook, tempDir, writeNotebook } from '../../helpers/notebooks';
import { connectClient } from '../../helpers/session-client';

describe('autosave during continuous typing', () => {
  it('saves within the max wait of the first unsaved edit, though typing never pauses', async () => {
    const path = writeNotebook(notebook([codeCell('c', ['x = 1'])]));
    // A quiet time typing never leaves (a key every 10 ms), and a short max wait.
    const s = await NotebookSession.open(path, {
      dataDir: tempDir(),
      autosaveDelayMs: 60_000,
      autosaveMaxWaitMs: 300,
    });
    const typist = connectClient(s, 'typist');
    await typist.until((d) => cellsOf(d).length === 1);
    const saved = new Promise<void>((resolve) => s.on('saved', () => resolve()));
    let stop = false;
    void saved.then(() => (stop = true));
    // Types until the save comes, or 20 s at most (a generous bound, not a measurement).
    const deadline = Date.now() + 20_000;
    while (!stop && Date.now() < deadline) {
      (cellsOf(typist.doc).get(0).get('source') as Y.Text).insert(0, 'k');
      await new Promise((r) => setTimeout(r, 10));
    }
    expect(stop).toBe(true);
    const onDisk = (
      JSON.parse(readFileSync(path, 'utf8')) as { cells: { source: string[] }[] }
    ).cells[0]!.source.join('');
    expect(onDisk).toMatch(/^k+x = 1$/);
    await s.close();
  });
});
