import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { type CellRun, RUNTIME, runtimeOf } from '../../../protocol/runtime-state';
import { cellsOf, createCellMap } from '../../../protocol/ydoc-nbformat';
import { watchInterrupt } from '../../../renderer/notebook/interrupt-watch';

const GRACE_MS = 30;
const wait = (ms: number) => new Promise((r) => setTimeout(r, ms));

function notebookRunning(cellId: string | null): Y.Doc {
  const doc = new Y.Doc();
  for (const id of ['a', 'b', 'c'])
    cellsOf(doc).push([createCellMap({ cell_type: 'code', source: '', metadata: {} }, id)]);
  if (cellId) setRunning(doc, cellId, 1000);
  return doc;
}

function setRunning(doc: Y.Doc, cellId: string | null, startedAt = 1000): void {
  const run: CellRun = {
    cellId: cellId ?? '',
    by: 'Ada',
    requestedAt: 0,
    startedAt,
    endedAt: null,
  };
  runtimeOf(doc).set(RUNTIME.queue, cellId ? [run] : []);
}

function watch(doc: Y.Doc) {
  const seen = { stuck: [] as number[], closed: 0 };
  const stop = watchInterrupt(
    doc,
    (cell) => (seen.stuck.push(cell), { close: () => void seen.closed++ }),
    GRACE_MS,
  );
  return { seen, stop };
}

describe('watchInterrupt', () => {
  it('says nothing when the interrupted cell stops in time', async () => {
    const doc = notebookRunning('b');
    const { seen } = watch(doc);
    setRunning(doc, null);
    await wait(GRACE_MS * 3);
    expect(seen.stuck).toEqual([]);
  });

  it('names the cell still running after the grace, and closes the notice when it ends', async () => {
    const doc = notebookRunning('b');
    const { seen } = watch(doc);
    await wait(GRACE_MS * 3);
    expect(seen).toEqual({ stuck: [2], closed: 0 });
    setRunning(doc, null);
    expect(seen.closed).toBe(1);
  });

  it('does not count the next run of the same cell as the one interrupted', async () => {
    const doc = notebookRunning('c');
    const { seen } = watch(doc);
    setRunning(doc, 'c', 2000);
    await wait(GRACE_MS * 3);
    expect(seen.stuck).toEqual([]);
  });

  it('stops watching when told, closing a notice it showed', async () => {
    const idle = watch(notebookRunning(null));
    const doc = notebookRunning('a');
    const { seen, stop } = watch(doc);
    await wait(GRACE_MS * 3);
    stop();
    expect(seen.closed).toBe(1);
    idle.stop();
    expect(idle.seen.stuck).toEqual([]);
  });
});
