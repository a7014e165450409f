// The headless host tells whoever started it when it recovered the edits of a run that crashed.
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import type * as Y from 'yjs';
import { NotebookSession } from '../../../host/session/notebook-session';
import { cellsOf } from '../../../protocol/ydoc-nbformat';
import { codeCell, notebook, tempDir, writeNotebook } from '../../helpers/notebooks';

const BIN = join(import.meta.dirname, '../../../bin/pairbook.mjs');

it('pairbook host --json reports the edits it recovered from a crashed run, then saves them', async () => {
  const dataDir = tempDir();
  const path = writeNotebook(notebook([codeCell('a', ['x = 1'])]));
  // A run that accepted an edit and then died without saving (the session is never closed).
  const crashed = await NotebookSession.open(path, { dataDir, autosaveDelayMs: 0 });
  (cellsOf(crashed.doc).get(0).get('source') as Y.Text).insert(5, ' + 41');

  const host = spawn(process.execPath, [BIN, 'host', path, '--json'], {
    env: { ...process.env, PAIRBOOK_DATA_DIR: dataDir },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  host.stdout.on('data', (d) => (out += String(d)));
  const events = () =>
    out
      .split('\n')
      .filter((l) => l.startsWith('{'))
      .map((l) => JSON.parse(l) as { event: string; [k: string]: unknown });
  const exited = new Promise<number | null>((r) => host.on('exit', (code) => r(code)));
  try {
    await expect.poll(() => events().map((e) => e.event), { timeout: 30_000 }).toContain('ready');
    expect(events().find((e) => e.event === 'recovered')).toMatchObject({
      event: 'recovered',
      kind: 'replayed',
    });
  } finally {
    host.kill('SIGINT');
  }
  expect(await exited).toBe(0);
  const saved = JSON.parse(readFileSync(path, 'utf8')) as { cells: { source: string[] }[] };
  expect(saved.cells[0]?.source.join('')).toBe('x = 1 + 41');
});
