// A notebook whose kernel runs on a Jupyter server (a real jupyter_server, started for this file)
// instead of the host's machine, as `pairbook serve --jupyter-server URL` sets it up.
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { jupyterServerLauncher } from '../../../host/session/jupyter-server-launcher';
import { startKernel, startLocalKernel } from '../../../host/session/kernel-choice';
import { NotebookSession } from '../../../host/session/notebook-session';
import { listServerKernelSpecs, parseJupyterServerAddress } from '../../../kernel-bridge';
import {
  type CellRun,
  type KernelChoice,
  type KernelInfo,
  RUNTIME,
  runtimeOf,
} from '../../../protocol/runtime-state';
import { cellFromMap, cellsOf } from '../../../protocol/ydoc-nbformat';
import { type JupyterServer, startJupyterServer } from '../../helpers/jupyter-server';
import { codeCell, notebook, tempDir, writeNotebook } from '../../helpers/notebooks';
import { connectClient, type TestClient } from '../../helpers/session-client';

let server: JupyterServer;
let where: string;
let session: NotebookSession;
let host: TestClient;

const kernelOf = (doc: Y.Doc) => runtimeOf(doc).get(RUNTIME.kernel) as KernelInfo | undefined;
const lastRun = (doc: Y.Doc, id: string) =>
  (runtimeOf(doc).get(RUNTIME.lastRuns) as Y.Map<CellRun> | undefined)?.get(id);

beforeAll(async () => {
  server = await startJupyterServer();
  where = new URL(server.baseUrl).host;
  const path = writeNotebook(
    notebook([codeCell('a', ['import os; print("pid", os.getpid())'])], {
      kernelspec: { name: 'python3', display_name: 'Python 3', language: 'python' },
    }),
  );
  session = await NotebookSession.open(path, { dataDir: tempDir(), autosaveDelayMs: 0 });
  host = connectClient(session, 'Host');
  // As copied from the server's own start-up message: the page path and the token in the link.
  const address = parseJupyterServerAddress(`${server.baseUrl}lab?token=${server.token}`);
  await startKernel(session, jupyterServerLauncher(address));
  await host.until((d) => kernelOf(d)?.status === 'idle');
});

afterAll(async () => {
  await session?.close();
  await server?.stop();
});

describe('kernels on a Jupyter server', () => {
  it("offers the server's kernels and shows the running one, each marked with where it runs", () => {
    expect(runtimeOf(host.doc).get(RUNTIME.kernels) as KernelChoice[]).toContainEqual({
      name: 'python3',
      displayName: 'Python 3 (ipykernel)',
      language: 'python',
      server: where,
    });
    expect(kernelOf(host.doc)).toEqual({
      status: 'idle',
      name: 'python3',
      displayName: 'Python 3 (ipykernel)',
      server: where,
    });
  });

  it("runs a cell on the server's kernel, not in a process of the host", async () => {
    const [id] = await server.kernelIds();
    expect(id).toBeDefined();
    expect(await host.request({ type: 'run', cellIds: ['a'] })).toEqual({ ok: true });
    await host.until((d) => (lastRun(d, 'a')?.endedAt ?? 0) > 0);
    const cell = cellFromMap(cellsOf(host.doc).get(0));
    const printed = JSON.stringify(cell.outputs);
    const pid = Number(/pid (\d+)/.exec(printed)?.[1]);
    // The kernel's parent is the server.
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const parent = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
    expect(parent).toBe(server.pid);
    expect(cell.execution_count).toBe(1);
  });

  it('refuses a kernel the server does not have, naming the ones it has', async () => {
    expect(await host.request({ type: 'change-kernel', name: 'julia-1.9' })).toEqual({
      ok: false,
      code: 'kernelspec-not-found',
      message: expect.stringMatching(
        new RegExp(`server at ${where} has no kernel named "julia-1.9" \\(it has: .*python3`),
      ),
    });
    expect(kernelOf(host.doc)?.name).toBe('python3');
  });

  it('says what to check when the token is wrong, without printing the token', async () => {
    const attempt = listServerKernelSpecs({ baseUrl: server.baseUrl, token: 'not-the-token' });
    await expect(attempt).rejects.toMatchObject({
      code: 'kernel-server-error',
      message: expect.stringMatching(/Jupyter server at .* check the URL, the token/),
    });
    await expect(attempt).rejects.not.toMatchObject({
      message: expect.stringContaining('not-the-token'),
    });
  });

  it("shuts the server's kernel down when the notebook closes", async () => {
    expect(await server.kernelIds()).toHaveLength(1);
    await session.close();
    expect(await server.kernelIds()).toEqual([]);
  });
});

describe('a Jupyter server that cannot be reached', () => {
  it('says why there is no kernel, for everyone, and what to check', async () => {
    const path = writeNotebook(notebook([codeCell('a', ['1'])]));
    const alone = await NotebookSession.open(path, { dataDir: tempDir(), autosaveDelayMs: 0 });
    try {
      // Port 9 (discard) on loopback: nothing listens there.
      const nowhere = jupyterServerLauncher({ baseUrl: 'http://127.0.0.1:9/', token: 't' });
      await expect(startKernel(alone, nowhere)).rejects.toMatchObject({
        code: 'kernel-server-error',
      });
      expect(kernelOf(alone.doc)).toMatchObject({
        status: 'none',
        message: expect.stringMatching(
          /Jupyter server at 127\.0\.0\.1:9 .*check the URL, the token and that the server runs/,
        ),
      });
    } finally {
      await alone.close();
    }
  });
});

describe('switching between this machine and a Jupyter server from the page', () => {
  let local: NotebookSession;
  let client: TestClient;

  beforeAll(async () => {
    const path = writeNotebook(notebook([codeCell('a', ['x = 1'])]));
    local = await NotebookSession.open(path, { dataDir: tempDir(), autosaveDelayMs: 0 });
    await startLocalKernel(local);
    client = connectClient(local, 'Host');
    await client.until((d) => kernelOf(d)?.status === 'idle');
  });

  afterAll(() => local?.close());

  it('refuses a wrong token with what to check, and keeps the kernel it has', async () => {
    const reply = await client.request({
      type: 'kernel-server',
      url: server.baseUrl,
      token: 'not-the-token',
    });
    expect(reply).toMatchObject({
      ok: false,
      code: 'kernel-server-error',
      message: expect.stringMatching(/check the URL, the token/),
    });
    expect(kernelOf(client.doc)).toMatchObject({ name: 'python3' });
    expect(kernelOf(client.doc)?.server).toBeUndefined();
    expect(await server.kernelIds()).toEqual([]);
  });

  it("moves the notebook's kernel to the server, and back to this machine", async () => {
    const before = await server.kernelIds();
    expect(
      await client.request({
        type: 'kernel-server',
        url: `${server.baseUrl}lab?token=${server.token}`,
        token: '',
      }),
    ).toEqual({ ok: true });
    await client.until((d) => kernelOf(d)?.server === where && kernelOf(d)?.status === 'idle');
    expect(runtimeOf(client.doc).get(RUNTIME.kernels) as KernelChoice[]).toContainEqual(
      expect.objectContaining({ name: 'python3', server: where }),
    );
    expect((await server.kernelIds()).length).toBe(before.length + 1);

    expect(await client.request({ type: 'kernel-server', url: null, token: '' })).toEqual({
      ok: true,
    });
    await client.until((d) => !kernelOf(d)?.server && kernelOf(d)?.status === 'idle');
    expect(await server.kernelIds()).toEqual(before);
  });
});
