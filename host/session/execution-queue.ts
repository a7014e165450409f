import * as Y from 'yjs';
import { CellOutputs, type Kernel, type KernelStatus } from '../../kernel-bridge';
import { PairbookError } from '../../protocol/errors';
import {
  type CellRun,
  KERNEL_ORIGIN,
  type KernelChoice,
  type KernelInfo,
  type KernelStart,
  RUNTIME,
  runtimeOf,
} from '../../protocol/runtime-state';
import { createOutputMap, findCell } from '../../protocol/ydoc-nbformat';
import { writeOutputs } from './output-writer';
import { type QueuedRun, type Requester, isLive, publicRun, snapshotRuns } from './queued-run';

/** How often outputs of a running cell are written to the shared document. */
export const OUTPUT_BATCH_MS = 50;

/** Most runs the queue holds at once (a runner's request beyond it is refused). */
export const MAX_QUEUED_RUNS = 10_000;

/**
 * Runs cells on the notebook's kernel, one at a time, in the order asked. What runs is a snapshot
 * of the cell's shared source taken when the run was asked for, and only if it is the code the
 * requester saw (its digest): an edit arriving later does not change a queued run, as in Jupyter,
 * where Shift-Enter sends the source. Never code a client sends. Kernel status, the queue and who
 * ran each cell are written to the runtime map, and outputs to the cells, in batches, all with
 * origin KERNEL_ORIGIN.
 */
export class ExecutionQueue {
  private queue: QueuedRun[] = [];
  private running: { run: QueuedRun; abort: AbortController } | null = null;
  private outputsByCell = new Map<string, CellOutputs>();
  /** Where each cell's outputs go: the cell its run addressed, while it is in the document. */
  private targets = new Map<string, Y.Map<unknown>>();
  /** Cells whose outputs must be written whole: their target changed (a move). */
  private relocated = new Set<string>();
  private flushTimer: NodeJS.Timeout | null = null;
  private dirtyCells = new Set<string>();
  private offs: (() => void)[] = [];
  private destroyed = false;
  /** Why the kernel died, until it runs again: runs are refused meanwhile. */
  private death: string | null = null;
  /** The generation of the kernel process runs go to now (KernelStart). */
  private generation = 0;

  constructor(
    private readonly doc: Y.Doc,
    readonly kernel: Kernel,
    private readonly spec: KernelChoice,
  ) {
    this.offs.push(
      kernel.on('status', (s) => {
        if (s !== 'dead') this.death = null;
        this.setKernel(s);
      }),
      kernel.on('died', (reason) => {
        this.death = reason;
        this.setKernel('dead', `the kernel died (${reason}) — restart it to run cells again`);
        this.cancelQueued();
      }),
    );
    this.setKernel(kernel.status);
    this.newGeneration();
    // Made now, not with the first record: a transaction that creates a map does not list it as
    // changed, and source-changes.ts follows the records by it.
    this.transact(() => this.lastRuns());
  }

  /**
   * Queues the code cells among `cellIds` (others are skipped), each as the snapshot of its
   * source now. `digests[i]` is the digest of the source of `cellIds[i]` the requester saw.
   * Throws a PairbookError, queuing nothing, when a cell does not exist ('invalid-message'), a
   * code cell's source is not the one the requester saw ('cell-changed': "cell N changed while
   * you asked; run it again"), the kernel died ('kernel-dead'), the request has no digests, or
   * the queue would hold more than MAX_QUEUED_RUNS.
   */
  enqueue(cellIds: string[], digests: string[] | undefined, requester: Requester): void {
    this.checkCanQueue(cellIds, digests);
    const runs = snapshotRuns(this.doc, cellIds, digests, requester, this.queue);
    this.queue.push(...runs);
    this.publishQueue();
    void this.next();
  }

  /** Throws when no run can be queued now: dead kernel, digests missing, or a full queue. */
  private checkCanQueue(cellIds: string[], digests: string[] | undefined): asserts digests {
    if (this.death !== null) {
      throw new PairbookError(
        'kernel-dead',
        `the kernel died — restart it to run cells (${this.death})`,
      );
    }
    if (!digests || digests.length !== cellIds.length) {
      throw new PairbookError(
        'invalid-message',
        'this run request does not say which code its sender saw — reload Pairbook and run again',
      );
    }
    if (this.queue.length + cellIds.length > MAX_QUEUED_RUNS) {
      throw new PairbookError(
        'too-large',
        `the run queue is full (at most ${MAX_QUEUED_RUNS} runs wait at once) — wait for it, ` +
          'or interrupt the kernel',
      );
    }
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
    this.newGeneration();
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
        const cell = this.targetOf(running.run.cellId);
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
    // The cell the request named; moved, the cell with its id; no longer a code cell: skipped.
    const cell = isLive(run.cell) ? run.cell : findCell(this.doc, run.cellId);
    if (!cell || cell.get('cell_type') !== 'code' || !(cell.get('outputs') instanceof Y.Array)) {
      this.queue.shift();
      this.publishQueue();
      return this.next();
    }
    const abort = new AbortController();
    this.running = { run, abort };
    run.startedAt = Date.now();
    run.kernel = this.generation;
    const previous = this.lastRuns().get(run.cellId);
    const same = previous?.digest === run.digest && previous.kernel === run.kernel;
    run.codeSince = (same ? previous.codeSince : undefined) ?? run.startedAt;
    const outputs = new CellOutputs();
    this.outputsByCell.set(run.cellId, outputs);
    this.targets.set(run.cellId, cell);
    this.relocated.delete(run.cellId);
    this.transact(() => {
      (cell.get('outputs') as Y.Array<Y.Map<unknown>>).delete(
        0,
        (cell.get('outputs') as Y.Array<unknown>).length,
      );
      cell.set('execution_state', 'running');
    });
    this.publishQueue();
    const { ok, failure } = await this.execute(run, outputs, abort.signal);
    this.finish(run, ok, failure);
  }

  /** Runs `run` on the kernel, its outputs into `outputs`: whether it ran ok, or why it failed. */
  private async execute(
    run: QueuedRun,
    outputs: CellOutputs,
    signal: AbortSignal,
  ): Promise<{ ok: boolean; failure: string | null }> {
    try {
      await this.kernel.start();
      const reply = await this.kernel.execute(run.source, {
        signal,
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
      return { ok: reply.status === 'ok', failure: null };
    } catch (e) {
      return { ok: false, failure: e instanceof Error ? e.message : String(e) };
    }
  }

  /** Writes what is left of `run`'s outputs and its record; cancels the queue if it failed. */
  private finish(run: QueuedRun, ok: boolean, failure: string | null): void {
    // The cell the outputs go to: moved while it ran, its copy, which gets them all.
    const target = this.targetOf(run.cellId);
    if (this.relocated.has(run.cellId)) this.dirtyCells.add(run.cellId);
    this.flush();
    const list = target?.get('outputs');
    if (failure !== null && list instanceof Y.Array) {
      const text = `Pairbook: the cell did not finish: ${failure}\n`;
      this.transact(() =>
        (list as Y.Array<Y.Map<unknown>>).push([
          createOutputMap({ output_type: 'stream', name: 'stderr', text }),
        ]),
      );
    }
    run.endedAt = Date.now();
    this.transact(() => {
      target?.set('execution_state', 'idle');
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
    this.transact(() => {
      for (const id of this.dirtyCells) {
        const outputs = this.outputsByCell.get(id);
        const patch = outputs?.takeChanges() ?? null;
        const cell = this.targetOf(id);
        const list = cell?.get('outputs');
        if (!outputs || !cell || !(list instanceof Y.Array)) continue;
        const target = list as Y.Array<Y.Map<unknown>>;
        if (this.relocated.delete(id)) writeOutputs(target, 0, outputs.outputs);
        else if (patch) writeOutputs(target, patch.from, patch.outputs);
        else continue;
        const count = outputs.executionCount;
        if (count !== null && cell.get('execution_count') !== count) {
          cell.set('execution_count', count);
        }
      }
    });
    this.dirtyCells.clear();
  }

  // The cell outputs of `id` go to: the one its run addressed while it is in the document, or
  // else the one cell with that id (the same rule as next(), so both name the same cell). A cell
  // found anew (moved: a copy without outputs) gets all of its outputs at the next flush.
  private targetOf(id: string): Y.Map<unknown> | null {
    const target = this.targets.get(id);
    if (target && isLive(target)) return target;
    const found = findCell(this.doc, id);
    if (found) {
      this.targets.set(id, found);
      this.relocated.add(id);
    } else this.targets.delete(id);
    return found;
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

  // A new kernel process: runs from now on are of the next generation; outputs of the ones
  // before are from an earlier kernel (the generation goes on from the document's, so a kernel
  // changed, or a host recovered from its journal, counts on).
  private newGeneration(): void {
    const runtime = runtimeOf(this.doc);
    const previous = runtime.get(RUNTIME.kernelStart) as KernelStart | undefined;
    this.generation = (previous?.generation ?? 0) + 1;
    const start: KernelStart = { generation: this.generation, at: Date.now() };
    this.transact(() => runtime.set(RUNTIME.kernelStart, start));
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
