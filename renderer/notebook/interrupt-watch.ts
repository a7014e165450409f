import type * as Y from 'yjs';
import { type CellRun, RUNTIME, runtimeOf } from '../../protocol/runtime-state';
import { cellsOf } from '../../protocol/ydoc-nbformat';

/** How long a cell may go on running after an interrupt before the person is offered more. */
export const INTERRUPT_GRACE_MS = 5_000;

/** The run in progress on the host's kernel, if any. */
function runningNow(doc: Y.Doc): CellRun | null {
  const run = (runtimeOf(doc).get(RUNTIME.queue) as CellRun[] | undefined)?.[0];
  return run && run.startedAt !== null && run.endedAt === null ? run : null;
}

/**
 * Call after an interrupt was sent. If the cell that was running is still running
 * INTERRUPT_GRACE_MS later (its code catches or ignores SIGINT, or is inside C code that never
 * checks for it), calls `stuck` with its 1-based position, and closes what that returned once the
 * run ends. Returns a switch that stops watching.
 */
export function watchInterrupt(
  doc: Y.Doc,
  stuck: (cellNumber: number) => { close(): void },
  graceMs = INTERRUPT_GRACE_MS,
): () => void {
  const run = runningNow(doc);
  if (!run) return () => {};
  const runtime = runtimeOf(doc);
  const stillRunning = () => {
    const now = runningNow(doc);
    return now?.cellId === run.cellId && now.startedAt === run.startedAt;
  };
  let shown: { close(): void } | null = null;
  const ended = () => {
    if (stillRunning()) return;
    stop();
  };
  const timer = setTimeout(() => {
    if (!stillRunning()) return;
    const index = cellsOf(doc)
      .toArray()
      .findIndex((c) => c.get('id') === run.cellId);
    shown = stuck(index + 1);
    runtime.observe(ended);
  }, graceMs);
  const stop = () => {
    clearTimeout(timer);
    runtime.unobserve(ended);
    shown?.close();
  };
  return stop;
}
