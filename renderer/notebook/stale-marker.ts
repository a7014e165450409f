// Stale outputs: a cell whose outputs came from an earlier version of its source, or from a
// kernel that has since restarted, shows them dimmed under a line that says so ("Source changed
// since this ran — by Ada, 2 min ago"). Drawn from the host's run record (the runtime map, which
// only the host writes): the digest of the code that ran, the kernel generation it ran on, and
// who changed the source since. The source's digest is computed here, once per run record and
// then at most once per DIGEST_DEBOUNCE_MS while the cell is edited, and only for cells that ran.
import type * as Y from 'yjs';
import type { CellRun, KernelStart, SourceChange } from '../../protocol/runtime-state';
import { sourceDigest } from '../../protocol/source-digest';

/** How long after an edit the source's digest is compared with the run's. */
export const DIGEST_DEBOUNCE_MS = 250;
/** How often "2 min ago" is brought up to date. */
const CLOCK_MS = 30_000;

/** Why a cell's outputs are stale; both false when they are not. */
export interface Staleness {
  /** The source is no longer the code that ran. */
  source: boolean;
  /** The outputs were made by a kernel that has since restarted or been replaced (how many ago). */
  kernelsAgo: number;
  /** The position (1-based) of a cell above that ran new code after this ran; null if none. */
  newerAbove: number | null;
}

/** Markers showing a relative time, brought up to date together. */
const ticking = new Set<StaleMarker>();
let clock: ReturnType<typeof setInterval> | null = null;

function tick(marker: StaleMarker, on: boolean): void {
  if (on) ticking.add(marker);
  else ticking.delete(marker);
  if (ticking.size > 0 && !clock) {
    clock = setInterval(() => ticking.forEach((m) => m.repaint()), CLOCK_MS);
  } else if (ticking.size === 0 && clock) {
    clearInterval(clock);
    clock = null;
  }
}

/** One cell's stale marker: the class on the cell that dims its outputs, and the line above them. */
export class StaleMarker {
  private last: CellRun | null = null;
  private kernel: KernelStart | null = null;
  private running = false;
  private newerAbove: number | null = null;
  /** The run digest the source was last compared with, and whether it differed. */
  private compared: string | null = null;
  private differs = false;
  private timer: ReturnType<typeof setTimeout> | null = null;
  private note: HTMLElement | null = null;
  private hasResults = false;

  constructor(
    private readonly cell: HTMLElement,
    private readonly source: Y.Text,
    /** The staleness changed while nothing else asked (a debounced digest): paint it. */
    private readonly onChange: () => void,
  ) {}

  /** Takes the run records; true when the staleness or what the line says may have changed. */
  setRun(state: {
    running: boolean;
    last?: CellRun | null;
    kernel?: KernelStart | null;
    newerAbove?: number | null;
  }): boolean {
    const last = state.last?.endedAt != null ? state.last : null;
    const changed =
      last !== this.last ||
      state.kernel?.generation !== this.kernel?.generation ||
      state.running !== this.running;
    this.last = last;
    this.kernel = state.kernel ?? null;
    this.running = state.running;
    const newerAbove = state.newerAbove ?? null;
    const reordered = newerAbove !== this.newerAbove;
    this.newerAbove = newerAbove;
    if (last?.digest !== undefined && last.digest !== this.compared) this.compare();
    return changed || reordered;
  }

  /** The source was edited: compares it again once the edits pause. */
  sourceChanged(): void {
    if (this.last?.digest === undefined || this.timer) return;
    this.timer = setTimeout(() => {
      this.timer = null;
      const was = this.differs;
      this.compare();
      if (was !== this.differs) this.onChange();
    }, DIGEST_DEBOUNCE_MS);
  }

  /** Why the outputs are stale now. */
  get staleness(): Staleness {
    const run = this.last;
    if (!run || this.running || !this.hasResults) {
      return { source: false, kernelsAgo: 0, newerAbove: null };
    }
    const now = this.kernel?.generation;
    const kernelsAgo = run.kernel !== undefined && now !== undefined ? now - run.kernel : 0;
    const newerAbove = this.newerAbove;
    return { source: this.differs, kernelsAgo: Math.max(0, kernelsAgo), newerAbove };
  }

  /**
   * Shows the staleness: the classes on the cell and, when built, the line `note`. `hasResults`:
   * the cell shows something its run made (outputs or an execution count).
   */
  paint(note: HTMLElement | null, hasResults: boolean): void {
    this.note = note;
    this.hasResults = hasResults;
    this.repaint();
  }

  /** Paints again with the time now. */
  repaint(): void {
    const staleness = this.staleness;
    const { source, kernelsAgo, newerAbove } = staleness;
    const stale = source || kernelsAgo > 0 || newerAbove !== null;
    this.cell.classList.toggle('stale-outputs', stale);
    const why = [source && 'source', kernelsAgo > 0 && 'kernel', newerAbove !== null && 'order'];
    this.cell.dataset.stale = why.filter(Boolean).join(' ');
    tick(this, stale && source && this.last?.changed !== undefined && this.note !== null);
    const note = this.note;
    if (!note) return;
    note.hidden = !stale;
    if (!stale || !this.last) return;
    note.textContent = staleText(staleness, this.last.changed, Date.now());
    note.title = staleTitle(this.last, staleness);
  }

  /** Stops its timers. */
  destroy(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    tick(this, false);
  }

  private compare(): void {
    const digest = this.last?.digest;
    if (digest === undefined) return;
    this.compared = digest;
    this.differs = sourceDigest(this.source.toString()) !== digest;
  }
}

/** "Source changed since this ran — by Ada, 2 min ago · from the previous kernel". */
export function staleText(
  { source, kernelsAgo, newerAbove }: Staleness,
  changed: SourceChange | undefined,
  now: number,
): string {
  const parts: string[] = [];
  if (source) {
    let text = 'Source changed since this ran';
    if (changed) {
      const by = changed.by.length > 0 ? `by ${names(changed.by)}, ` : '';
      text += ` — ${by}${ago(changed.at, now)}`;
    }
    parts.push(text);
  }
  if (kernelsAgo > 0) {
    const which = kernelsAgo === 1 ? 'the previous kernel' : 'an earlier kernel';
    parts.push(parts.length ? `from ${which}` : `From ${which}`);
  }
  if (newerAbove !== null) {
    const text = `cell ${newerAbove} above ran new code after this`;
    parts.push(parts.length ? text : `C${text.slice(1)}`);
  }
  return parts.join(' · ');
}

function staleTitle(run: CellRun, { source, kernelsAgo, newerAbove }: Staleness): string {
  const at = run.endedAt ? ` at ${clockTime(run.endedAt)}` : '';
  const why = [
    source ? 'the code has been edited since' : '',
    kernelsAgo > 0 ? 'the kernel has restarted since, so its variables are gone' : '',
    newerAbove !== null ? `cell ${newerAbove}, above, has run new code since` : '',
  ]
    .filter(Boolean)
    .join(', and ');
  return `These outputs are from ${run.by}'s run${at}; ${why}. Run the cell again to update them.`;
}

/** "Ada", "Ada and Bob", "Ada, Bob and Cy". */
function names(list: string[]): string {
  if (list.length <= 1) return list.join('');
  return `${list.slice(0, -1).join(', ')} and ${list[list.length - 1]}`;
}

/** "just now", "1 min ago", "12 min ago", "at 14:02" (the host's clock may be a little off). */
export function ago(at: number, now: number): string {
  const minutes = Math.floor((now - at) / 60_000);
  if (minutes < 1) return 'just now';
  if (minutes < 60) return `${minutes} min ago`;
  return `at ${clockTime(at)}`;
}

function clockTime(ms: number): string {
  return new Date(ms).toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' });
}
