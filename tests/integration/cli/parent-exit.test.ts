// `npx pairbook host` killed with -9 kills npm, not the host it started: the host must notice that
// whatever started it is gone, and end as on Ctrl-C (sharing stopped, notebook saved, kernel
// stopped). Here a small wrapper process stands in for npx.
import { type ChildProcess, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import * as Y from 'yjs';
import { TransportBase } from '../../../protocol/transport';
import { cellsOf } from '../../../protocol/ydoc-nbformat';
import { HubClient } from '../../../renderer/connection/hub-client';
import { codeCell, notebook, tempDir, writeNotebook } from '../../helpers/notebooks';
import { WRAPPER, childrenOf, proc } from '../../helpers/processes';

const BIN = join(import.meta.dirname, '../../../bin/pairbook.mjs');
/** Generous: the host checks every second, then saves and stops its kernel. */
const GONE_WITHIN_MS = 20_000;

const wrappers: ChildProcess[] = [];
/** Processes a failing test would leave behind. */
const started: number[] = [];
afterEach(() => {
  for (const w of wrappers.splice(0)) if (w.exitCode === null) w.kill('SIGKILL');
  for (const pid of started.splice(0)) if (proc(pid)) process.kill(pid, 'SIGINT');
});

function startWrapped(args: string[], dataDir: string) {
  const wrapper = spawn(process.execPath, ['-e', WRAPPER, BIN, ...args], {
    env: { ...process.env, PAIRBOOK_DATA_DIR: dataDir },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  wrappers.push(wrapper);
  let out = '';
  let err = '';
  wrapper.stdout?.on('data', (d) => (out += String(d)));
  wrapper.stderr?.on('data', (d) => (err += String(d)));
  return { wrapper, output: () => out, errors: () => err };
}

async function until<T>(what: string, check: () => T | null | undefined, ms: number): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const v = check();
    if (v !== null && v !== undefined && v !== false) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** The hub WebSocket of `pairbook serve`, as the browser shell's page opens it. */
class SocketTransport extends TransportBase {
  constructor(private readonly ws: WebSocket) {
    super();
    ws.binaryType = 'nodebuffer';
    ws.on('message', (data, isBinary) => {
      if (isBinary) this.deliver(new Uint8Array(data as Buffer));
    });
    ws.on('close', () => this.markClosed('closed'));
  }
  send(message: Uint8Array): void {
    if (this.ws.readyState === WebSocket.OPEN) this.ws.send(message);
    else this.ws.once('open', () => this.ws.send(message));
  }
  close(reason = 'closed'): void {
    this.ws.close(1000, reason);
    this.markClosed(reason);
  }
}

function hubClient(pageUrl: string): HubClient {
  const url = new URL(pageUrl);
  const ws = `ws://${url.host}/hub?token=${url.searchParams.get('token')}`;
  const client = new HubClient(() => new SocketTransport(new WebSocket(ws)));
  client.connect();
  return client;
}

const sourceOf = (doc: Y.Doc, i: number) =>
  String((cellsOf(doc).get(i) as Y.Map<unknown>).get('source') ?? '');

describe('a pairbook process whose starter was killed', () => {
  it('host: ends, and takes its kernel with it, when the wrapper that started it is killed -9', async () => {
    const path = writeNotebook(notebook([codeCell('a', ['x = 1'])]));
    const before = readFileSync(path, 'utf8');
    const data = tempDir();
    const { wrapper, output, errors } = startWrapped(
      ['host', path, '--role', 'runner', '--json'],
      data,
    );
    await until('the invite', () => output().includes('"event":"ready"'), 30_000);
    const hostPid = await until('the host process', () => childrenOf(wrapper.pid!)[0], 5_000);
    started.push(hostPid);
    const kernelPid = await until(
      'the kernel process',
      () => childrenOf(hostPid).find((p) => proc(p)?.cmdline.includes('ipykernel')),
      60_000,
    );

    wrapper.kill('SIGKILL');
    await until(
      'the host and its kernel to end',
      () => !proc(hostPid) && !proc(kernelPid),
      GONE_WITHIN_MS,
    ).catch((e: Error) => {
      throw new Error(`${e.message}\nhost said:\n${output()}\n${errors()}`);
    });
    // Nothing was edited: the file is as it was, and nothing is left to recover.
    expect(readFileSync(path, 'utf8')).toBe(before);
  });

  it('serve: saves an accepted edit and ends when the wrapper that started it is killed -9', async () => {
    const path = writeNotebook(notebook([codeCell('a', ['x = 1'])]));
    const data = tempDir();
    const { wrapper, output, errors } = startWrapped(['serve', path, '--no-kernel'], data);
    const url = await until('the address', () => /at (http:\/\/\S+)/.exec(output())?.[1], 30_000);
    const servePid = await until('the serve process', () => childrenOf(wrapper.pid!)[0], 5_000);
    started.push(servePid);

    const typist = hubClient(url);
    const watcher = hubClient(url);
    await until(
      'both synced',
      () => typist.status === 'synced' && watcher.status === 'synced',
      20_000,
    );
    const text = (cellsOf(typist.doc).get(0) as Y.Map<unknown>).get('source') as Y.Text;
    text.insert(text.length, '\ny = 2');
    // The host relays an edit only once it accepted (journaled) it.
    await until('the edit relayed', () => sourceOf(watcher.doc, 0).endsWith('y = 2'), 20_000);

    wrapper.kill('SIGKILL');
    await until('serve to end', () => !proc(servePid), GONE_WITHIN_MS).catch((e: Error) => {
      throw new Error(`${e.message}\nserve said:\n${output()}\n${errors()}`);
    });
    const saved = JSON.parse(readFileSync(path, 'utf8')) as { cells: { source: string[] }[] };
    expect(saved.cells[0]?.source.join('')).toBe('x = 1\ny = 2');
    expect(errors()).toMatch(/the process that started it \(\d+\) ended/);
  });
});
