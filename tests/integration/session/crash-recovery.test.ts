import { existsSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type * as Y from 'yjs';
import { cellsOf } from '../../../protocol/ydoc-nbformat';
import { NotebookSession } from '../../../host/session/notebook-session';
import { codeCell, notebook, tempDir, writeNotebook } from '../../helpers/notebooks';
import { runThenKill } from './kill-typing-host';

/** Runs the typing host, kill -9s it after `edits` accepted edits; returns the last accepted text. */
async function typeThenKill(path: string, dataDir: string, edits: number): Promise<string> {
  return (await runThenKill(path, dataDir, (_, accepted) => accepted === edits)).last;
}

const source0 = (s: NotebookSession) => (cellsOf(s.doc).get(0).get('source') as Y.Text).toString();

describe('a host killed with kill -9 mid-typing', () => {
  it('loses no accepted edit: the next open replays the journal', async () => {
    const path = writeNotebook(notebook([codeCell('c', ['x = 1'])]));
    const original = readFileSync(path, 'utf8');
    const dataDir = tempDir();
    const last = await typeThenKill(path, dataDir, 150);
    expect(last.length).toBeGreaterThanOrEqual(150 + 'x = 1'.length);
    expect(readFileSync(path, 'utf8')).toBe(original); // autosave was off: only the journal has them

    const session = await NotebookSession.open(path, { dataDir, autosaveDelayMs: 0 });
    expect(session.recovery).toMatchObject({ kind: 'replayed' });
    // Typing inserts at the start, so the last text seen accepted ends what was recovered (the
    // child may have accepted a few more edits before the kill landed).
    expect(source0(session).endsWith(last)).toBe(true);
    expect(session.dirty).toBe(true);
    await session.save();
    await session.close();
    const saved = JSON.parse(readFileSync(path, 'utf8')) as { cells: { source: string[] }[] };
    expect(saved.cells[0]!.source.join('')).toBe(source0Text(path));
  });

  it('keeps both when the file changed on disk meanwhile', async () => {
    const path = writeNotebook(notebook([codeCell('c', ['x = 1'])]));
    const dataDir = tempDir();
    const last = await typeThenKill(path, dataDir, 40);
    const theirs = readFileSync(path, 'utf8').replace('x = 1', 'x = 2  # from git checkout');
    writeFileSync(path, theirs);

    const session = await NotebookSession.open(path, { dataDir, autosaveDelayMs: 0 });
    expect(session.recovery).toMatchObject({ kind: 'kept-both' });
    const recovery = session.recovery as { recoveredPath: string; message: string };
    expect(recovery.message).toMatch(/changed on disk.*nb\.recovered\.ipynb/);
    expect(source0(session)).toBe('x = 2  # from git checkout');
    await session.close();
    expect(readFileSync(path, 'utf8')).toBe(theirs);
    const recovered = JSON.parse(readFileSync(recovery.recoveredPath, 'utf8')) as {
      cells: { source: string[] }[];
    };
    expect(recovered.cells[0]!.source.join('').endsWith(last)).toBe(true);
    expect(readdirSync(dirname(path)).sort()).toEqual(['nb.ipynb', 'nb.recovered.ipynb']);
  });
});

describe('kill -9 at each step of a session', () => {
  it('keeps the first edit after opening', async () => {
    const path = writeNotebook(notebook([codeCell('c', ['x = 1'])]));
    const dataDir = tempDir();
    const { last } = await runThenKill(path, dataDir, (_, accepted) => accepted === 1, ['1']);
    expect(last).toBe('ax = 1');

    const session = await NotebookSession.open(path, { dataDir, autosaveDelayMs: 0 });
    expect(session.recovery).toMatchObject({ kind: 'replayed' });
    expect(source0(session)).toBe('ax = 1');
    await session.close();
    expect(source0Text(path)).toBe('ax = 1');
  });

  it('keeps what was recovered through a second kill -9 before the next save', async () => {
    const path = writeNotebook(notebook([codeCell('c', ['x = 1'])]));
    const dataDir = tempDir();
    const { last } = await runThenKill(path, dataDir, (_, accepted) => accepted === 20);

    // The second run recovers, accepts nothing, and is killed before it saves.
    const second = await runThenKill(path, dataDir, (line) => line === 'ready', ['0']);
    expect(second.lines).toContain('recovered replayed');

    const session = await NotebookSession.open(path, { dataDir, autosaveDelayMs: 0 });
    expect(session.recovery).toMatchObject({ kind: 'replayed' });
    expect(source0(session).endsWith(last)).toBe(true);
    await session.close();
    expect(source0Text(path).endsWith(last)).toBe(true);
  });

  it('keeps recovered and new edits through a second kill -9 mid-typing', async () => {
    const path = writeNotebook(notebook([codeCell('c', ['x = 1'])]));
    const dataDir = tempDir();
    const first = await runThenKill(path, dataDir, (_, accepted) => accepted === 10);
    const second = await runThenKill(path, dataDir, (_, accepted) => accepted === 10);
    expect(second.lines).toContain('recovered replayed');
    expect(second.last.endsWith(first.last)).toBe(true);

    const session = await NotebookSession.open(path, { dataDir, autosaveDelayMs: 0 });
    expect(source0(session).endsWith(second.last)).toBe(true);
    await session.close();
  });
});

function source0Text(path: string): string {
  const nb = JSON.parse(readFileSync(path, 'utf8')) as { cells: { source: string[] }[] };
  return nb.cells[0]!.source.join('');
}

describe('after a clean close', () => {
  it('leaves no journal behind', async () => {
    const path = writeNotebook(notebook([codeCell('c', ['1'])]));
    const dataDir = tempDir();
    const s = await NotebookSession.open(path, { dataDir, autosaveDelayMs: 0 });
    (cellsOf(s.doc).get(0).get('source') as Y.Text).insert(0, '2');
    expect(existsSync(join(dataDir, 'journals'))).toBe(true);
    await s.close();
    expect(readdirSync(join(dataDir, 'journals'))).toEqual([]);
  });
});
