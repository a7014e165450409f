import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { KERNEL_ORIGIN, RUNTIME, runtimeOf, type CellRun } from '../../../protocol/runtime-state';
import { cellFromMap, cellsOf, createCellMap } from '../../../protocol/ydoc-nbformat';
import type { Cell } from '../../../protocol/nbformat';
import type { JsonObject } from '../../../protocol/python-json';
import { startLocalKernel } from '../../../host/session/kernel-choice';
import { NotebookSession } from '../../../host/session/notebook-session';
import { connectClient, type TestClient } from '../../helpers/session-client';
import { codeCell, notebook, tempDir, writeNotebook } from '../../helpers/notebooks';

let session: NotebookSession;
let ada: TestClient;

const cell = (doc: Y.Doc, id: string) =>
  cellsOf(doc)
    .toArray()
    .find((c) => c.get('id') === id) as Y.Map<unknown>;
const json = (doc: Y.Doc, id: string): Cell => cellFromMap(cell(doc, id));
const lastRun = (doc: Y.Doc, id: string) =>
  (runtimeOf(doc).get(RUNTIME.lastRuns) as Y.Map<CellRun> | undefined)?.get(id);
const ran =
  (id: string, after = 0) =>
  (doc: Y.Doc) =>
    (lastRun(doc, id)?.endedAt ?? 0) > after;

/** Adds a code cell with `source` through the client, as a person typing would. */
function addCell(client: TestClient, id: string, source: string): void {
  client.doc.transact(() => {
    cellsOf(client.doc).push([
      createCellMap(
        { cell_type: 'code', id, source, metadata: {}, outputs: [], execution_count: null } as Cell,
        id,
      ),
    ]);
  });
}

async function run(client: TestClient, id: string): Promise<Cell> {
  const before = lastRun(client.doc, id)?.endedAt ?? 0;
  const reply = await client.request({ type: 'run', cellIds: [id] });
  expect(reply).toMatchObject({ ok: true });
  await client.until(ran(id, before));
  return json(client.doc, id);
}

beforeAll(async () => {
  const path = writeNotebook(notebook([codeCell('first', ['x = 41'])]));
  session = await NotebookSession.open(path, { dataDir: tempDir(), autosaveDelayMs: 0 });
  await startLocalKernel(session);
  ada = connectClient(session, 'Ada');
  await ada.until((d) => cellsOf(d).length === 1);
});

afterAll(async () => {
  await session?.close();
});

describe('running cells on the host kernel', () => {
  it('runs the cell as it is in the shared document and everyone sees who ran it', async () => {
    const grace = connectClient(session, 'Grace');
    addCell(ada, 'answer', 'print(x)');
    await ada.until((d) => cellsOf(d).length === 2);
    await run(ada, 'first');
    (cell(ada.doc, 'answer').get('source') as Y.Text).delete(0, 8);
    (cell(ada.doc, 'answer').get('source') as Y.Text).insert(0, 'print(x + 1)');
    const out = await run(ada, 'answer');
    expect(out.outputs).toEqual([{ output_type: 'stream', name: 'stdout', text: '42\n' }]);
    expect(typeof out.execution_count).toBe('number');
    await grace.until(ran('answer'));
    expect(json(grace.doc, 'answer').outputs).toEqual(out.outputs);
    expect(lastRun(grace.doc, 'answer')).toMatchObject({ by: 'Ada' });
    expect((runtimeOf(grace.doc).get(RUNTIME.kernel) as { status: string }).status).toBe('idle');
  });

  it('runs a queue in order and stops it at the first error, as Jupyter does', async () => {
    addCell(ada, 'q1', 'import time; time.sleep(0.2); order = ["q1"]');
    addCell(ada, 'q2', 'order.append("q2"); raise ValueError("boom")');
    addCell(ada, 'q3', 'order.append("q3")');
    addCell(ada, 'check', 'print(order)');
    const reply = await ada.request({ type: 'run', cellIds: ['q1', 'q2', 'q3'] });
    expect(reply.ok).toBe(true);
    await ada.until(ran('q2'));
    expect(json(ada.doc, 'q2').outputs).toMatchObject([
      { output_type: 'error', ename: 'ValueError', evalue: 'boom' },
    ]);
    expect(lastRun(ada.doc, 'q3')).toBeUndefined();
    expect(runtimeOf(ada.doc).get(RUNTIME.queue)).toEqual([]);
    const check = await run(ada, 'check');
    expect(check.outputs).toEqual([
      { output_type: 'stream', name: 'stdout', text: "['q1', 'q2']\n" },
    ]);
  });

  it('writes a chatty cell in few document updates, truncated with a notice', async () => {
    addCell(ada, 'chatty', 'for i in range(100_000): print(i)');
    let updates = 0;
    const count = (_u: Uint8Array, origin: unknown) => {
      if (origin === KERNEL_ORIGIN) updates++;
    };
    session.doc.on('update', count);
    const out = await run(ada, 'chatty');
    session.doc.off('update', count);
    const text = ((out.outputs as JsonObject[])[0] as { text: string }).text;
    expect(text.startsWith('0\n1\n2\n')).toBe(true);
    expect(text).toContain('99999\n');
    expect(updates).toBeLessThan(200);
  });

  it('does not grow the document by the whole output each time a big cell is re-run', async () => {
    addCell(ada, 'big', 'print("x" * 3_000_000)');
    await run(ada, 'big');
    const after1 = Y.encodeStateAsUpdate(session.doc).length;
    await run(ada, 'big');
    await run(ada, 'big');
    const after3 = Y.encodeStateAsUpdate(session.doc).length;
    const out = (json(ada.doc, 'big').outputs as JsonObject[])[0] as { text: string };
    expect(out.text).toMatch(/output truncated/);
    expect(out.text.length).toBeLessThan(1_100_000);
    expect(after3 - after1).toBeLessThan(after1 / 4);
  });

  it('asks the person who ran the cell for input() and uses their answer', async () => {
    const grace = connectClient(session, 'Grace');
    addCell(grace, 'ask', 'name = input("Your name? ")\nprint("hello", name)');
    await grace.until((d) => !!cell(d, 'ask'));
    const reply = grace.request({ type: 'run', cellIds: ['ask'] });
    const prompt = await grace.waitNotice(
      (n): n is Extract<typeof n, { type: 'input-request' }> => n.type === 'input-request',
    );
    expect(prompt).toMatchObject({ prompt: 'Your name? ', password: false, cellId: 'ask' });
    expect(ada.notices.some((n) => n.type === 'input-request')).toBe(false);
    expect(
      await grace.request({ type: 'input-reply', inputId: prompt.inputId, value: 'Grace' }),
    ).toMatchObject({ ok: true });
    await reply;
    await grace.until(ran('ask'));
    expect(json(grace.doc, 'ask').outputs).toMatchObject([
      { name: 'stdin', text: 'Your name? Grace\n' },
      { name: 'stdout', text: 'hello Grace\n' },
    ]);
  });

  it('interrupts a long-running cell', async () => {
    addCell(ada, 'sleepy', 'import time\ntime.sleep(60)');
    await ada.request({ type: 'run', cellIds: ['sleepy'] });
    await ada.until((d) => cell(d, 'sleepy').get('execution_state') === 'running');
    await new Promise((r) => setTimeout(r, 300)); // let the kernel enter sleep()
    expect(await ada.request({ type: 'interrupt' })).toMatchObject({ ok: true });
    await ada.until(ran('sleepy'));
    expect(json(ada.doc, 'sleepy').outputs).toMatchObject([
      { output_type: 'error', ename: 'KeyboardInterrupt' },
    ]);
  });

  it('updates a display in another cell by its display id', async () => {
    addCell(ada, 'show', 'from IPython.display import display\nh = display("v1", display_id=True)');
    addCell(ada, 'update', 'h.update("v2")');
    await run(ada, 'show');
    expect(json(ada.doc, 'show').outputs).toMatchObject([{ data: { 'text/plain': "'v1'" } }]);
    await run(ada, 'update');
    await ada.until((d) => JSON.stringify(json(d, 'show').outputs).includes("'v2'"));
    expect(json(ada.doc, 'update').outputs).toEqual([]);
  });
});
