// Run states: where each cell stands in the kernel's queue, read from the runtime map
// (protocol/runtime-state.ts), and how its prompt and footer show it.
import * as Y from 'yjs';
import { type CellRun, type KernelStart, RUNTIME } from '../../protocol/runtime-state';
import { sourceDigest } from '../../protocol/source-digest';
import type { CellView } from './cell-view';

/** How a cell stands in the run queue, from the runtime map. */
export interface CellRunState {
  /** Running now (first in the queue and started). */
  running: boolean;
  /** Waiting in the queue. */
  queued: boolean;
  /** The run in progress or the last one that ended; null when never run in this session. */
  run: CellRun | null;
  /** The last run that ended (its outputs are the ones shown), whatever is queued now. */
  last?: CellRun | null;
  /** The kernel process running now, for outputs from an earlier one. */
  kernel?: KernelStart | null;
  /** The position (1-based) of a cell above that ran new code on this kernel after this ran. */
  newerAbove?: number | null;
}

/** How often a running cell's elapsed time is updated, ms. */
const TICK_MS = 200;

/**
 * Gives every cell its run state when the runtime map changes (read once per change into a map by
 * cell id), and ticks the elapsed time of running cells.
 */
export class RunStates {
  private ticker: ReturnType<typeof setInterval> | null = null;

  constructor(
    private readonly runtime: Y.Map<unknown>,
    private readonly cells: () => readonly CellView[],
  ) {
    runtime.observeDeep(this.update);
  }

  /** Gives every cell its state (also called for cells just added). */
  update = (): void => {
    const queue = (this.runtime.get(RUNTIME.queue) as CellRun[] | undefined) ?? [];
    const lastRuns = this.runtime.get(RUNTIME.lastRuns);
    const kernel = (this.runtime.get(RUNTIME.kernelStart) as KernelStart | undefined) ?? null;
    const position = new Map<string, number>();
    queue.forEach((r, i) => {
      if (!position.has(r.cellId)) position.set(r.cellId, i);
    });
    let anyRunning = false;
    const order = new RunOrder(kernel?.generation);
    for (const v of this.cells()) {
      const at = position.get(v.id) ?? -1;
      const queued = queue[at];
      const running = at === 0 && queued?.startedAt != null && queued.endedAt == null;
      anyRunning ||= running;
      const last =
        lastRuns instanceof Y.Map ? (lastRuns.get(v.id) as CellRun | undefined) : undefined;
      v.setRunState({
        running,
        queued: at >= 0 && !running,
        run: queued ?? last ?? null,
        last: last ?? null,
        kernel,
        newerAbove: order.next(last),
      });
    }
    this.tickWhile(anyRunning);
  };

  /** Stops following the runtime map. */
  destroy(): void {
    this.runtime.unobserveDeep(this.update);
    this.tickWhile(false);
  }

  private tickWhile(running: boolean): void {
    if (running && !this.ticker) {
      this.ticker = setInterval(() => {
        const now = Date.now();
        this.cells().forEach((v) => v.tick(now));
      }, TICK_MS);
    } else if (!running && this.ticker) {
      clearInterval(this.ticker);
      this.ticker = null;
    }
  }
}

/**
 * Which cells ran before new code in a cell above them did, on the kernel running now: read in
 * notebook order, each run with the newest code change above it.
 */
class RunOrder {
  private newest = -Infinity;
  private newestAt = 0;
  private index = 0;

  constructor(private readonly generation: number | undefined) {}

  /** The next cell's last run: the position of a cell above whose new code ran after it. */
  next(run: CellRun | undefined): number | null {
    this.index++;
    if (!run || run.kernel === undefined || run.kernel !== this.generation) return null;
    const started = run.startedAt ?? 0;
    const newerAbove = run.endedAt !== null && this.newest > started ? this.newestAt : null;
    if (run.codeSince !== undefined && run.codeSince > this.newest) {
      this.newest = run.codeSince;
      this.newestAt = this.index;
    }
    return newerAbove;
  }
}

/** One cell's run state, shown as classes on the cell and in its prompt and footer. */
export class CellRunView {
  private state: CellRunState = { running: false, queued: false, run: null };
  /** The queued or running run is of the source as it was before an edit since. */
  private earlierVersion = false;

  constructor(
    private readonly cell: HTMLElement,
    private readonly source: Y.Text,
  ) {}

  /** Takes a new state; false when it and the last one are both "never run" (nothing to show). */
  set(state: CellRunState): boolean {
    const was = this.state;
    this.state = state;
    return !!(was.running || was.queued || was.run || state.running || state.queued || state.run);
  }

  /** True when an edit of the source can change what is shown: it may no longer be what runs. */
  get followsSource(): boolean {
    const { running, queued, run } = this.state;
    return (running || queued) && run?.digest !== undefined;
  }

  /** Shows the state: the classes, and the prompt and footer of a built cell. */
  paint(
    parts: { prompt: HTMLElement; footer: HTMLElement } | null,
    code: boolean,
    count: unknown,
  ): void {
    const { running, queued, run } = this.state;
    this.earlierVersion =
      this.followsSource && sourceDigest(this.source.toString()) !== run?.digest;
    this.cell.classList.toggle('running', running);
    this.cell.classList.toggle('queued', queued);
    this.cell.classList.toggle('runs-earlier-version', this.earlierVersion);
    if (!parts) return;
    const { prompt, footer } = parts;
    prompt.textContent = !code
      ? ''
      : running || queued
        ? '[*]:'
        : `[${typeof count === 'number' ? count : ' '}]:`;
    prompt.title = `${running ? 'Running' : queued ? 'Queued' : ''}${this.versionNote()}`;
    if (!run || !code) {
      footer.hidden = true;
      return;
    }
    footer.hidden = false;
    if (running) this.tick(footer, Date.now());
    else if (queued) footer.textContent = `Queued${byLine(run)}${this.versionNote()}`;
    else if (run.endedAt && run.startedAt) {
      const at = new Date(run.endedAt).toLocaleTimeString([], {
        hour: '2-digit',
        minute: '2-digit',
      });
      footer.textContent = `Ran in ${formatSeconds(run.endedAt - run.startedAt)} at ${at}${byLine(run)}`;
    } else footer.hidden = true;
  }

  /** Updates the elapsed time in the footer of a running cell. */
  tick(footer: HTMLElement, now: number): void {
    const { running, run } = this.state;
    if (running && run?.startedAt) {
      footer.textContent = `Running for ${formatSeconds(now - run.startedAt)}${byLine(run)}${this.versionNote()}`;
    }
  }

  // The run is of the code as it was asked for, as Jupyter runs what Shift-Enter sent.
  private versionNote(): string {
    return this.earlierVersion ? ' · runs the code as it was when asked; edited since' : '';
  }
}

function byLine(run: CellRun): string {
  return ` · by ${run.by}`;
}

/** "0.4 s", "12 s", "3 min 5 s". */
export function formatSeconds(ms: number): string {
  const s = Math.max(0, ms) / 1000;
  if (s < 10) return `${s.toFixed(1)} s`;
  if (s < 60) return `${Math.round(s)} s`;
  return `${Math.floor(s / 60)} min ${Math.round(s % 60)} s`;
}
