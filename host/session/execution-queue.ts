import * as Y from 'yjs';
import { CellOutputs, type Kernel, type KernelStatus } from '../../kernel-bridge';
import type { InputRequestContent } from '../../kernel-bridge/messages';
import { PairbookError } from '../../protocol/errors';
import {
  type CellRun,
  KERNEL_ORIGIN,
  type KernelChoice,
  type KernelInfo,
  RUNTIME,
  runtimeOf,
} from '../../protocol/runtime-state';
import { cellsOf, createOutputMap } from '../../protocol/ydoc-nbformat';
import { writeOutputs } from './output-writer';

/** How often outputs of a running cell are written to the shared document. */
export const OUTPUT_BATCH_MS = 50;

/** Who asked for a run, and how to ask them for input while it runs. */
export interface Requester {
  /** Display name shown as "run by". */
  name: string;
  /** The hub's peer id of a guest; absent for the host's own clients. */
  peer?: string;
  /** Asks this person to answer an input() prompt; rejects if they leave. */
  askInput?: (prompt: InputRequestContent, signal: AbortSignal) => Promise<string>;
}

interface QueuedRun extends CellRun {
  requester: Requester;
}

/**
 * Runs cells on the notebook's kernel, one at a time, in the order asked. The source run is
 * the cell's source in the shared document when its turn comes (never code sent by a client).
 * Kernel status, the queue and who ran each cell are written to the runtime map, and outputs to
 * the cells, in batches, all with origin KERNEL_ORIGIN.
 */
export class ExecutionQueue {
  private queue: QueuedRun[] = [];
  private running: { run: QueuedRun; abort: AbortController } | null = null;
  private outputsByCell = new Map<string, CellOutputs>();
  private flushTimer: NodeJS.Timeout | null = null;
  private dirtyCells = new Set<string>();
  private offs: (() => void)[] = [];
  private destroyed = false;

  constructor(
    private readonly doc: Y.Doc,
    readonly kernel: Kernel,
    private readonly spec: KernelChoice,
  ) {
    this.offs.push(
      kernel.on('status', (s) => this.setKernel(s)),
      kernel.on('died', (reason) => {
        this.setKernel('dead', `the kernel died (${reason}) — restart it to run cells again`);
        this.cancelQueued();
      }),
    );
    this.setKernel(kernel.status);
  }

  /**
   * Queues the code cells among `cellIds` (others are skipped). Resolves once they are queued;
   * rejects with a PairbookError naming a cell that does not exist.
   */
  enqueue(cellIds: string[], requester: Requester): void {
    const cells = new Map(cellsOf(this.doc).map((c) => [c.get('id') as string, c]));
    for (const id of cellIds) {
      if (!cells.has(id))
        throw new PairbookError(
          'invalid-message',
          `there is no cell ${id}; it may have been deleted`,
        );
    }
    const now = Date.now();
    for (const id of cellIds) {
      if (cells.get(id)?.get('cell_type') !== 'code') continue;
      this.queue.push({
        cellId: id,
        by: requester.name,
        ...(requester.peer ? { peer: requester.peer } : {}),
        requestedAt: now,
        startedAt: null,
        endedAt: null,
        requester,
      });
    }
    this.publishQueue();
    void this.next();
  }

  /** The id of the cell running now, or null. */
  get runningCellId(): string | null {
    return this.running?.run.cellId ?? null;
  }

  /** Interrupts the running cell; the cells queued after it are cancelled, as in Jupyter. */
  async interrupt(): Promise<void> {
    this.cancelQueued();
    await this.kernel.interrupt();
  }

  /** Restarts the kernel: the queue is cancelled and the kernel's state is lost. */
  async restart(): Promise<void> {
    this.cancelQueued();
    this.running?.abort.abort();
    await this.kernel.restart();
  }

  /**
   * Stops the kernel and writes nothing more. Queued runs are dropped; the outputs the running
   * cell printed so far are kept, and with a `reason` ("the kernel was changed to R") the cell
   * says it did not finish and why. Idempotent.
   */
  async destroy(reason?: string): Promise<void> {
    if (this.destroyed) return;
    this.offs.forEach((off) => off());
    this.flush();
    const running = this.running;
    this.queue = [];
    this.transact(() => {
      if (running) {
        const cell = cellsOf(this.doc)
          .toArray()
          .find((c) => c.get('id') === running.run.cellId);
        if (cell && reason) {
          const text = `Pairbook: the cell did not finish: ${reason}\n`;
          (cell.get('outputs') as Y.Array<Y.Map<unknown>>).push([
            createOutputMap({ output_type: 'stream', name: 'stderr', text }),
          ]);
        }
        cell?.set('execution_state', 'idle');
        running.run.endedAt = Date.now();
        this.lastRuns().set(running.run.cellId, publicRun(running.run));
      }
      runtimeOf(this.doc).set(RUNTIME.queue, []);
    });
    this.destroyed = true;
    if (this.flushTimer) clearTimeout(this.flushTimer);
    await this.kernel.shutdown();
  }

  /** Shows the kernel as dead with `message` (what went wrong and what to do). */
  reportDead(message: string): void {
    this.setKernel('dead', message);
  }

  private async next(): Promise<void> {
    if (this.running || this.destroyed) return;
    const run = this.queue[0];
    if (!run) return;
    const cell = cellsOf(this.doc)
      .toArray()
      .find((c) => c.get('id') === run.cellId);
    if (!cell) {
      this.queue.shift();
      this.publishQueue();
      return this.next();
    }
    const abort = new AbortController();
    this.running = { run, abort };
    run.startedAt = Date.now();
    const outputs = new CellOutputs();
    this.outputsByCell.set(run.cellId, outputs);
    this.transact(() => {
      (cell.get('outputs') as Y.Array<Y.Map<unknown>>).delete(
        0,
        (cell.get('outputs') as Y.Array<unknown>).length,
      );
      cell.set('execution_state', 'running');
    });
    this.publishQueue();
    const source = (cell.get('source') as Y.Text).toString();
    let ok = false;
    let failure: string | null = null;
    try {
      await this.kernel.start();
      const reply = await this.kernel.execute(source, {
        signal: abort.signal,
        onIopub: (msg) => {
          const change = outputs.handle(msg);
          if (change.changed) this.scheduleFlush(run.cellId);
          if (change.display) {
            for (const [id, other] of this.outputsByCell) {
              if (id !== run.cellId && other.hasDisplay(change.display.displayId)) {
                if (other.applyDisplayUpdate(change.display)) this.scheduleFlush(id);
              }
            }
          }
        },
        onInputRequest:
          run.requester.askInput && this.echoingInput(run, outputs, run.requester.askInput),
      });
      ok = reply.status === 'ok';
    } catch (e) {
      failure = e instanceof Error ? e.message : String(e);
    }
    this.flush();
    if (failure !== null) {
      const text = `Pairbook: the cell did not finish: ${failure}\n`;
      this.transact(() =>
        (cell.get('outputs') as Y.Array<Y.Map<unknown>>).push([
          createOutputMap({ output_type: 'stream', name: 'stderr', text }),
        ]),
      );
    }
    run.endedAt = Date.now();
    this.transact(() => {
      cell.set('execution_state', 'idle');
      this.lastRuns().set(run.cellId, publicRun(run));
    });
    this.running = null;
    this.queue.shift();
    if (!ok) this.cancelQueued();
    this.publishQueue();
    void this.next();
  }

  // Records each answer in the cell's outputs, as JupyterLab does, so everyone sees the exchange;
  // a password shows as dots.
  private echoingInput(
    run: QueuedRun,
    outputs: CellOutputs,
    ask: NonNullable<Requester['askInput']>,
  ): NonNullable<Requester['askInput']> {
    return async (request, signal) => {
      const value = await ask(request, signal);
      const shown = request.password ? '········' : value;
      if (outputs.appendStream('stdin', `${request.prompt}${shown}\n`).changed) {
        this.scheduleFlush(run.cellId);
      }
      return value;
    };
  }

  private scheduleFlush(cellId: string): void {
    this.dirtyCells.add(cellId);
    this.flushTimer ??= setTimeout(() => this.flush(), OUTPUT_BATCH_MS);
  }

  private flush(): void {
    if (this.flushTimer) clearTimeout(this.flushTimer);
    this.flushTimer = null;
    if (this.dirtyCells.size === 0 || this.destroyed) return;
    const byId = new Map(cellsOf(this.doc).map((c) => [c.get('id') as string, c]));
    this.transact(() => {
      for (const id of this.dirtyCells) {
        const patch = this.outputsByCell.get(id)?.takeChanges();
        const cell = byId.get(id);
        if (!patch || !cell) continue;
        writeOutputs(cell.get('outputs') as Y.Array<Y.Map<unknown>>, patch.from, patch.outputs);
        if (patch.executionCount !== null && cell.get('execution_count') !== patch.executionCount) {
          cell.set('execution_count', patch.executionCount);
        }
      }
    });
    this.dirtyCells.clear();
  }

  private cancelQueued(): void {
    const keep = this.running ? [this.running.run] : [];
    if (this.queue.length === keep.length) return;
    this.queue = this.queue.filter((r) => keep.includes(r));
    this.publishQueue();
  }

  private setKernel(status: KernelStatus, message?: string): void {
    const info: KernelInfo = { status, name: this.spec.name, displayName: this.spec.displayName };
    if (this.spec.server) info.server = this.spec.server;
    if (message) info.message = message;
    this.transact(() => runtimeOf(this.doc).set(RUNTIME.kernel, info));
  }

  private publishQueue(): void {
    this.transact(() => runtimeOf(this.doc).set(RUNTIME.queue, this.queue.map(publicRun)));
  }

  private lastRuns(): Y.Map<CellRun> {
    const runtime = runtimeOf(this.doc);
    let map = runtime.get(RUNTIME.lastRuns);
    if (!(map instanceof Y.Map)) {
      map = new Y.Map<CellRun>();
      runtime.set(RUNTIME.lastRuns, map);
    }
    return map as Y.Map<CellRun>;
  }

  private transact(f: () => void): void {
    if (!this.destroyed) this.doc.transact(f, KERNEL_ORIGIN);
  }
}

function publicRun(run: QueuedRun): CellRun {
  const { cellId, by, peer, requestedAt, startedAt, endedAt } = run;
  return { cellId, by, ...(peer ? { peer } : {}), requestedAt, startedAt, endedAt };
}
