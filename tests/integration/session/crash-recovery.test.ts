import { spawn } from 'node:child_process';
import { existsSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { createInterface } from 'node:readline';
import { describe, expect, it } from 'vitest';
import type * as Y from 'yjs';
import { cellsOf } from '../../../protocol/ydoc-nbformat';
import { NotebookSession } from '../../../host/session/notebook-session';
import { codeCell, notebook, tempDir, writeNotebook } from '../../helpers/notebooks';

const CHILD = join(import.meta.dirname, 'typing-child.ts');

/** Runs the typing host, kill -9s it after `edits` accepted edits; returns the last accepted text. */
async function typeThenKill(path: string, dataDir: string, edits: number): Promise<string> {
  const child = spawn(process.execPath, ['--import', 'tsx', CHILD, path, dataDir], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let last = '';
  let accepted = 0;
  const exited = new Promise((r) => child.on('exit', r));
  for await (const line of createInterface({ input: child.stdout })) {
    if (!line.startsWith('accepted ')) continue;
    last = JSON.parse(line.slice('accepted '.length)) as string;
    if (++accepted === edits) {
      child.kill('SIGKILL');
      break;
    }
  }
  await exited;
  expect(child.signalCode).toBe('SIGKILL');
  return last;
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
