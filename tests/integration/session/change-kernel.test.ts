import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { startLocalKernel } from '../../../host/session/kernel-choice';
import { NotebookSession } from '../../../host/session/notebook-session';
import {
  type CellRun,
  type KernelChoice,
  type KernelInfo,
  RUNTIME,
  runtimeOf,
} from '../../../protocol/runtime-state';
import { cellFromMap, cellsOf, metaOf } from '../../../protocol/ydoc-nbformat';
import { connectClient, type TestClient } from '../../helpers/session-client';
import { codeCell, notebook, tempDir, writeNotebook } from '../../helpers/notebooks';
import { connectGuest } from './guarded-client';

// A second kernelspec for this machine, found through JUPYTER_PATH as Jupyter finds it: the
// same ipykernel, told apart by an environment variable from its kernel.json.
const jupyterPath = tempDir('pairbook-kernels-');
const previousJupyterPath = process.env.JUPYTER_PATH;
function writeKernelSpec(name: string, spec: object): void {
  mkdirSync(join(jupyterPath, 'kernels', name), { recursive: true });
  writeFileSync(join(jupyterPath, 'kernels', name, 'kernel.json'), JSON.stringify(spec));
}

const kernelOf = (doc: Y.Doc) => runtimeOf(doc).get(RUNTIME.kernel) as KernelInfo | undefined;
const kernelIs = (name: string | null, status: string) => (doc: Y.Doc) =>
  kernelOf(doc)?.name === name && kernelOf(doc)?.status === status;
const cellById = (doc: Y.Doc, id: string) =>
  cellsOf(doc)
    .toArray()
    .find((c) => c.get('id') === id) as Y.Map<unknown>;
const outputText = (doc: Y.Doc, id: string): string =>
  JSON.stringify(cellFromMap(cellById(doc, id)).outputs);
const lastRun = (doc: Y.Doc, id: string) =>
  (runtimeOf(doc).get(RUNTIME.lastRuns) as Y.Map<CellRun> | undefined)?.get(id);

/** Sets cell `id`'s source through the client and runs it; resolves with its outputs as JSON. */
async function run(client: TestClient, id: string, source: string): Promise<string> {
  const text = cellById(client.doc, id).get('source') as Y.Text;
  text.delete(0, text.length);
  text.insert(0, source);
  const before = lastRun(client.doc, id)?.endedAt ?? 0;
  expect(await client.request({ type: 'run', cellIds: [id] })).toEqual({ ok: true });
  await client.until((d) => (lastRun(d, id)?.endedAt ?? 0) > before);
  return outputText(client.doc, id);
}

const WHICH = 'import os; print(os.environ.get("PAIRBOOK_KERNEL", "default"), "x" in dir())';

let session: NotebookSession;
let host: TestClient;
let path: string;

beforeAll(async () => {
  writeKernelSpec('other-python', {
    argv: ['/usr/bin/python3', '-m', 'ipykernel_launcher', '-f', '{connection_file}'],
    display_name: 'Other Python',
    language: 'python',
    env: { PAIRBOOK_KERNEL: 'other' },
  });
  writeKernelSpec('broken', {
    argv: ['/usr/bin/python3', '-c', 'import sys; sys.exit("no such kernel here")'],
    display_name: 'Broken',
    language: 'python',
  });
  process.env.JUPYTER_PATH = jupyterPath;
  path = writeNotebook(
    notebook([codeCell('a', ['x = 1']), codeCell('b', ['']), codeCell('c', [''])]),
  );
  session = await NotebookSession.open(path, { dataDir: tempDir(), autosaveDelayMs: 0 });
  await startLocalKernel(session);
  host = connectClient(session, 'Host');
  await host.until(kernelIs('python3', 'idle'));
});

afterAll(async () => {
  await session?.close();
  if (previousJupyterPath === undefined) delete process.env.JUPYTER_PATH;
  else process.env.JUPYTER_PATH = previousJupyterPath;
});

describe('changing the kernel', () => {
  it("lists the host's kernels for everyone, python3 among them", async () => {
    const kernels = runtimeOf(host.doc).get(RUNTIME.kernels) as KernelChoice[];
    expect(kernels).toEqual(
      expect.arrayContaining([
        { name: 'other-python', displayName: 'Other Python', language: 'python' },
        { name: 'python3', displayName: 'Python 3 (ipykernel)', language: 'python' },
      ]),
    );
  });

  it('starts the chosen kernel for everyone, runs cells on it and records it in the file', async () => {
    await run(host, 'a', 'x = 1');
    expect(await run(host, 'b', WHICH)).toContain('default True');
    const seen: string[] = [];
    host.doc.on('update', () => {
      const status = kernelOf(host.doc)?.status;
      if (status && seen.at(-1) !== status) seen.push(status);
    });

    expect(await host.request({ type: 'change-kernel', name: 'other-python' })).toEqual({
      ok: true,
    });
    await host.until(kernelIs('other-python', 'idle'));
    expect(seen).toEqual(expect.arrayContaining(['starting', 'idle']));
    expect(kernelOf(host.doc)).toMatchObject({ displayName: 'Other Python' });
    // A fresh kernel: the old one's variables are gone, and kernel.json's env is set.
    expect(await run(host, 'b', WHICH)).toContain('other False');

    const metadata = (metaOf(host.doc).get('metadata') as Y.Map<unknown>).toJSON();
    expect(metadata.kernelspec).toEqual({
      display_name: 'Other Python',
      language: 'python',
      name: 'other-python',
    });
    expect(metadata.language_info).toMatchObject({ name: 'python', file_extension: '.py' });
    expect(session.dirty).toBe(true);
    expect(await host.request({ type: 'save' })).toEqual({ ok: true });
    const saved = JSON.parse(readFileSync(path, 'utf8'));
    expect(saved.metadata.kernelspec.name).toBe('other-python');
  });

  it('ends the running cell with a note and drops the queued ones', async () => {
    const sleeping = run(host, 'a', 'import time; time.sleep(60)');
    await host.until((d) => cellById(d, 'a').get('execution_state') === 'running');
    expect(await host.request({ type: 'run', cellIds: ['c'] })).toEqual({ ok: true });
    await host.until(
      (d) => ((runtimeOf(d).get(RUNTIME.queue) as CellRun[] | undefined) ?? []).length === 2,
    );
    expect(await host.request({ type: 'change-kernel', name: 'python3' })).toEqual({ ok: true });
    await sleeping;
    expect(outputText(host.doc, 'a')).toMatch(/did not finish: the kernel was changed to Python 3/);
    expect(runtimeOf(host.doc).get(RUNTIME.queue)).toEqual([]);
    expect(lastRun(host.doc, 'c')).toBeUndefined();
    await host.until(kernelIs('python3', 'idle'));
  });

  it('refuses a kernel that is not installed and keeps the current one running', async () => {
    await run(host, 'a', 'x = 1');
    const reply = await host.request({ type: 'change-kernel', name: 'julia-1.9' });
    expect(reply).toMatchObject({
      ok: false,
      code: 'kernelspec-not-found',
      message: expect.stringMatching(/no kernel named "julia-1.9" \(installed: .*python3/),
    });
    // The same kernel: its variables are still there. (Its status may read busy for a moment:
    // under load the start nudges the kernel with several kernel_info requests, and it answers
    // the late ones after it is ready.)
    expect(kernelOf(host.doc)?.name).toBe('python3');
    expect(['idle', 'busy']).toContain(kernelOf(host.doc)?.status);
    expect(await run(host, 'b', WHICH)).toContain('default True');
  });

  it('shows a kernel that cannot start as dead, says what to do, and lets you pick another', async () => {
    const reply = await host.request({ type: 'change-kernel', name: 'broken' });
    expect(reply).toMatchObject({ ok: false, code: 'kernel-start-failed' });
    await host.until(kernelIs('broken', 'dead'));
    expect(kernelOf(host.doc)?.message).toMatch(/Broken did not start: .* choose another kernel/s);
    expect(await host.request({ type: 'change-kernel', name: 'python3' })).toEqual({ ok: true });
    await host.until(kernelIs('python3', 'idle'));
  });

  it('refuses a viewer and an editor with the reason, and lets a runner change it', async () => {
    const viewer = connectGuest(session, 'viewer', 'Vi');
    const editor = connectGuest(session, 'editor', 'Ed');
    const runner = connectGuest(session, 'runner', 'Ru');
    await Promise.all([viewer.synced, editor.synced, runner.synced]);
    for (const guest of [viewer, editor]) {
      const reply = await guest.client.request({ type: 'change-kernel', name: 'other-python' });
      expect(reply).toEqual({
        ok: false,
        code: 'not-allowed',
        message: expect.stringMatching(
          /^You are an? (viewer|editor).*ask the host for the runner role to change the kernel/,
        ),
      });
    }
    expect(kernelOf(host.doc)?.name).toBe('python3');
    expect(await runner.client.request({ type: 'change-kernel', name: 'other-python' })).toEqual({
      ok: true,
    });
    await host.until(kernelIs('other-python', 'idle'));
  });
});

describe('a notebook whose kernel is not installed here', () => {
  it('has no kernel, says why, offers the others, and starts the one chosen', async () => {
    const p = writeNotebook(
      notebook([codeCell('a', ['1 + 1'])], {
        kernelspec: { display_name: 'Julia 1.9', language: 'julia', name: 'julia-1.9' },
        language_info: { name: 'julia' },
      }),
    );
    const s = await NotebookSession.open(p, { dataDir: tempDir(), autosaveDelayMs: 0 });
    try {
      await expect(startLocalKernel(s)).rejects.toMatchObject({ code: 'kernelspec-not-found' });
      const c = connectClient(s);
      await c.until(kernelIs(null, 'none'));
      expect(kernelOf(c.doc)?.message).toMatch(/asks for the kernel "julia-1.9".* choose another/);
      expect(runtimeOf(c.doc).get(RUNTIME.kernels)).toEqual(
        expect.arrayContaining([expect.objectContaining({ name: 'python3' })]),
      );
      expect(await c.request({ type: 'run', cellIds: ['a'] })).toMatchObject({
        ok: false,
        code: 'no-kernel',
      });
      expect(await c.request({ type: 'change-kernel', name: 'python3' })).toEqual({ ok: true });
      await c.until(kernelIs('python3', 'idle'));
      const metadata = (metaOf(c.doc).get('metadata') as Y.Map<unknown>).toJSON();
      expect(metadata.kernelspec).toMatchObject({ name: 'python3', language: 'python' });
      expect(metadata.language_info).toMatchObject({ name: 'python' });
    } finally {
      await s.close();
    }
  });
});
