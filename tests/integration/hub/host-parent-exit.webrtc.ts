// The README's headless host, `npx pairbook host`, started through a wrapper (as npx starts it):
// a guest's accepted edit is saved, and the host and its kernel end, when the wrapper is killed -9.
import { type ChildProcess, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type * as Y from 'yjs';
import { cellsOf } from '../../../protocol/ydoc-nbformat';
import { codeCell, notebook, tempDir, writeNotebook } from '../../helpers/notebooks';
import { joinGuest, sources, until } from './harness';
import { WRAPPER, childrenOf, proc } from '../../helpers/processes';

const BIN = join(import.meta.dirname, '../../../bin/pairbook.mjs');
/** Generous: the host checks every second, then stops sharing, saves and stops its kernel. */
const GONE_WITHIN_MS = 20_000;

const cleanup: (() => void)[] = [];
afterEach(() => {
  for (const c of cleanup.splice(0)) c();
});

describe('pairbook host under a wrapper that is killed -9', () => {
  it("saves a guest's accepted edit, and ends with its kernel", async () => {
    const path = writeNotebook(notebook([codeCell('a', ['x = 1'])]));
    const wrapper: ChildProcess = spawn(
      process.execPath,
      ['-e', WRAPPER, BIN, 'host', path, '--role', 'runner', '--json'],
      { env: { ...process.env, PAIRBOOK_DATA_DIR: tempDir() }, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let out = '';
    let err = '';
    wrapper.stdout?.on('data', (d) => (out += String(d)));
    wrapper.stderr?.on('data', (d) => (err += String(d)));
    cleanup.push(() => wrapper.exitCode === null && wrapper.kill('SIGKILL'));
    await until(() => out.includes('"event":"ready"'), 30_000, `the invite:\n${err}`);
    const ready = JSON.parse(out.split('\n').find((l) => l.includes('"ready"')) ?? '{}') as {
      invite: string;
    };
    const hostPid = childrenOf(wrapper.pid!)[0]!;
    cleanup.push(() => proc(hostPid) && process.kill(hostPid, 'SIGINT'));
    let kernelPid = 0;
    await until(
      () =>
        (kernelPid = childrenOf(hostPid).find((p) => proc(p)?.cmdline.includes('ipykernel')) ?? 0) >
        0,
      60_000,
      'the kernel process',
    );

    const typist = await joinGuest(ready.invite);
    const watcher = await joinGuest(ready.invite, { name: 'Bo' });
    cleanup.push(() => {
      for (const g of [typist, watcher]) {
        g.client.destroy();
        g.connection.destroy();
      }
    });
    const text = (cellsOf(typist.doc).get(0) as Y.Map<unknown>).get('source') as Y.Text;
    text.insert(text.length, '\ny = 2');
    // The host relays an edit to others only once it has accepted (journaled) it.
    await until(() => sources(watcher.doc)[0] === 'x = 1\ny = 2', 20_000, 'the edit relayed');

    wrapper.kill('SIGKILL');
    await until(
      () => !proc(hostPid) && !proc(kernelPid),
      GONE_WITHIN_MS,
      `the host and its kernel to end; host said:\n${out}\n${err}`,
    );
    const saved = JSON.parse(readFileSync(path, 'utf8')) as { cells: { source: string[] }[] };
    expect(saved.cells[0]?.source.join('')).toBe('x = 1\ny = 2');
  });
});
