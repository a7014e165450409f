// What stale-output markers are drawn from: the host's run records. A guest's edit after a run is
// recorded under the guest's name, a run clears it, a restart starts a new kernel generation, and
// no guest can write any of it (the role guard keeps the runtime map the host's).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import {
  type CellRun,
  type KernelStart,
  RUNTIME,
  runtimeOf,
} from '../../../protocol/runtime-state';
import { cellsOf } from '../../../protocol/ydoc-nbformat';
import { startLocalKernel } from '../../../host/session/kernel-choice';
import { NotebookSession } from '../../../host/session/notebook-session';
import { connectClient, type TestClient } from '../../helpers/session-client';
import { codeCell, notebook, tempDir, writeNotebook } from '../../helpers/notebooks';
import { connectGuest, type GuardedGuest } from './guarded-client';

let session: NotebookSession;
let host: TestClient;
let path: string;

const lastRun = (doc: Y.Doc, id: string) =>
  (runtimeOf(doc).get(RUNTIME.lastRuns) as Y.Map<CellRun> | undefined)?.get(id);
const kernelStart = (doc: Y.Doc) => runtimeOf(doc).get(RUNTIME.kernelStart) as KernelStart;
const sourceOf = (doc: Y.Doc, id: string) =>
  cellsOf(doc)
    .toArray()
    .find((c) => c.get('id') === id)
    ?.get('source') as Y.Text;

async function run(id: string): Promise<CellRun> {
  const before = lastRun(host.doc, id)?.endedAt ?? 0;
  expect(await host.request({ type: 'run', cellIds: [id] })).toMatchObject({ ok: true });
  await host.until((d) => (lastRun(d, id)?.endedAt ?? 0) > before);
  return lastRun(host.doc, id) as CellRun;
}

/** Resolves when `guest`'s replica satisfies `pred`. */
async function guestUntil(guest: GuardedGuest, pred: (doc: Y.Doc) => boolean): Promise<void> {
  const deadline = Date.now() + 10_000;
  while (!pred(guest.client.doc)) {
    if (Date.now() > deadline) throw new Error('timed out waiting for the guest');
    await new Promise((r) => setTimeout(r, 20));
  }
}

beforeAll(async () => {
  path = writeNotebook(notebook([codeCell('a', ['x = 1\n', 'print(x)'])]));
  session = await NotebookSession.open(path, { dataDir: tempDir(), autosaveDelayMs: 0 });
  await startLocalKernel(session);
  host = connectClient(session, 'Hana');
  await host.until((d) => cellsOf(d).length === 1);
});

afterAll(async () => {
  await session?.close();
});

describe('stale outputs, from the host run record', () => {
  it("records who changed a cell's source after its run, and a run clears it", async () => {
    const ada = connectGuest(session, 'editor', 'Ada');
    await ada.synced;
    const ran = await run('a');
    expect(ran.changed).toBeUndefined();
    expect(ran.kernel).toBe(kernelStart(host.doc).generation);
    const before = Date.now();
    await guestUntil(ada, (d) => lastRun(d, 'a')?.endedAt != null);
    sourceOf(ada.client.doc, 'a').insert(0, '# edited\n');
    await host.until((d) => lastRun(d, 'a')?.changed !== undefined);
    const changed = lastRun(host.doc, 'a')?.changed;
    expect(changed?.by).toEqual(['Ada']);
    expect(changed?.at).toBeGreaterThanOrEqual(before);
    await guestUntil(ada, (d) => lastRun(d, 'a')?.changed?.by[0] === 'Ada');

    // The host's own edit adds its name; putting the source back takes the record away.
    sourceOf(host.doc, 'a').insert(0, '# and again\n');
    await host.until((d) => (lastRun(d, 'a')?.changed?.by.length ?? 0) === 2);
    expect(lastRun(host.doc, 'a')?.changed?.by).toEqual(['Ada', 'Hana']);
    const text = sourceOf(host.doc, 'a');
    text.delete(0, text.length);
    text.insert(0, 'x = 1\nprint(x)');
    await host.until((d) => lastRun(d, 'a')?.changed === undefined);

    sourceOf(ada.client.doc, 'a').insert(0, '# once more\n');
    await host.until((d) => lastRun(d, 'a')?.changed !== undefined);
    const again = await run('a');
    expect(again.changed).toBeUndefined();
    ada.client.destroy();
  });

  it('names who edited a cell while it ran, once the run ends', async () => {
    const text = sourceOf(host.doc, 'a');
    text.delete(0, text.length);
    text.insert(0, 'import time\ntime.sleep(1)\nx = 1');
    const bo = connectGuest(session, 'editor', 'Bo');
    await bo.synced;
    const before = lastRun(host.doc, 'a')?.endedAt ?? 0;
    expect(await host.request({ type: 'run', cellIds: ['a'] })).toMatchObject({ ok: true });
    await guestUntil(bo, (d) => sourceOf(d, 'a').toString().startsWith('import time'));
    sourceOf(bo.client.doc, 'a').insert(0, '# while it ran\n');
    await host.until((d) => (lastRun(d, 'a')?.endedAt ?? 0) > before);
    await host.until((d) => lastRun(d, 'a')?.changed !== undefined);
    expect(lastRun(host.doc, 'a')?.changed?.by).toEqual(['Bo']);
    bo.client.destroy();
  });

  it('starts a new kernel generation on restart: earlier runs are of the previous kernel', async () => {
    const ran = await run('a');
    const generation = kernelStart(host.doc).generation;
    expect(ran.kernel).toBe(generation);
    expect(await host.request({ type: 'restart' })).toMatchObject({ ok: true });
    await host.until((d) => kernelStart(d).generation === generation + 1);
    expect(lastRun(host.doc, 'a')?.kernel).toBe(generation);
    expect((await run('a')).kernel).toBe(generation + 1);
  });

  it('does not let a guest write what the markers are drawn from', async () => {
    const ed = connectGuest(session, 'runner', 'Ed');
    await ed.synced;
    await guestUntil(ed, (d) => lastRun(d, 'a') !== undefined);
    const record = lastRun(host.doc, 'a') as CellRun;
    const generation = kernelStart(host.doc).generation;
    const runtime = runtimeOf(ed.client.doc);
    // A forged record: a digest of the edited source, no change, an earlier kernel generation.
    (runtime.get(RUNTIME.lastRuns) as Y.Map<CellRun>).set('a', {
      ...record,
      changed: { by: ['Hana'], at: 1 },
      kernel: 999,
      by: 'Someone else',
    });
    runtime.set(RUNTIME.kernelStart, { generation: 999, at: 1 });
    const refused = (n: (typeof ed.notices)[number]) =>
      n.type === 'notice' && /written by the host only.*not kept/.test(n.message);
    await guestUntil(ed, () => ed.notices.some(refused));
    await new Promise((r) => setTimeout(r, 300));
    expect(lastRun(host.doc, 'a')).toEqual(record);
    expect(kernelStart(host.doc).generation).toBe(generation);
    ed.client.destroy();
  });

  it('does not save run records or kernel generations into the .ipynb', async () => {
    sourceOf(host.doc, 'a').insert(0, '# saved\n');
    await host.until((d) => lastRun(d, 'a')?.changed !== undefined);
    await session.save();
    const { readFileSync } = await import('node:fs');
    const text = readFileSync(path, 'utf8');
    expect(text).toContain('# saved');
    expect(text).not.toMatch(/changed|kernelStart|lastRuns|"digest"/);
  });
});
