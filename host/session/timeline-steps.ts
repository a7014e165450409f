// The timeline's record in memory (docs/timeline.md): epochs (one per opening of the notebook,
// or clear), each a base state and the steps made since, each step the Yjs updates it holds and
// who made it; and which step wrote each Yjs clock range ("who wrote this line"). Grouping of
// updates into steps happens here; persistence is timeline-file.ts, views timeline-views.ts.
import * as Y from 'yjs';
import type { TimelineAuthor, TimelineStep } from '../../protocol/timeline-messages';
import { type CellsAt, type StepTexts, textsAt } from './timeline-texts';

/** Longest pause within one step: a burst of typing in one cell by one person. */
export const STEP_GAP_MS = 2000;
/** Longest one step lasts, however steadily someone types. */
export const STEP_MAX_MS = 120_000;
/** Updates an open step holds before they are merged into one. */
const MERGE_EVERY = 128;

/** A step as kept: its description and the updates it holds (merged as it closes). */
export interface Step extends TimelineStep {
  updates: Uint8Array[];
  /** Counts changes to `updates`, so a view of an open step is not reused once it grew. */
  version: number;
  /** The cells it touched as it left them (timeline-texts.ts), and their size in bytes. */
  texts?: StepTexts;
  textBytes?: number;
  /** Cells it touched whose texts are not read yet (and whether the cell order changed). */
  dirty?: Set<string>;
  orderDirty?: boolean;
}

/** The steps since one base state; `steps[0]` is the base's own (view at it: base + its updates). */
export interface Epoch {
  base: Uint8Array[];
  steps: Step[];
  /** The cells' sources at steps[0], and their size in bytes (none yet: made on first need). */
  texts?: CellsAt;
  textBytes?: number;
}

/** What one change touched, found by touchedBy(). */
export interface Touched {
  cells: string[];
  notebook: boolean;
}

/** One recorded update and who made it. */
export interface Change extends Touched {
  update: Uint8Array;
  author: TimelineAuthor;
  at: number;
  /** False when it changes nothing saved to the file (kernel status): kept, never its own step. */
  visible: boolean;
  kind?: TimelineStep['kind'];
  from?: number;
}

/** Which step first wrote each clock of each Yjs client. */
export class ClockAuthors {
  /** Per client: range starts (ascending) and the step of each; `ends`: the clock known so far. */
  readonly ranges = new Map<number, { clocks: number[]; steps: number[] }>();
  readonly ends = new Map<number, number>();
  /** Each step's author and time, kept after the step itself is compacted away. */
  readonly marks = new Map<number, TimelineAuthor & { at: number }>();

  /** Notes that step `n` wrote what `update` adds beyond what is known. */
  note(update: Uint8Array, n: number): void {
    const { from, to } = Y.parseUpdateMeta(update);
    for (const [client, end] of to) {
      const known = this.ends.get(client) ?? 0;
      if (end <= known) continue;
      this.ends.set(client, end);
      const start = Math.max(known, from.get(client) ?? 0);
      let r = this.ranges.get(client);
      if (!r) this.ranges.set(client, (r = { clocks: [], steps: [] }));
      if (r.steps[r.steps.length - 1] === n) continue;
      r.clocks.push(start);
      r.steps.push(n);
    }
  }

  /** Notes that what exists up to `vector` came before any step (from the file). */
  noteBase(vector: Map<number, number>): void {
    for (const [client, end] of vector) {
      if ((this.ends.get(client) ?? 0) < end) this.ends.set(client, end);
    }
  }

  /**
   * Forgets the steps before `first` (compacted away): their ranges become one mark per author
   * (a negative number, its time the latest of theirs), adjacent ranges of one mark merged.
   */
  fold(first: number): void {
    const byAuthor = new Map<string, number>();
    for (const [n, m] of this.marks) if (n < 0) byAuthor.set(`${m.peer}\n${m.name}`, n);
    const remap = (n: number): number => {
      const m = this.marks.get(n);
      if (n <= 0 || n >= first || !m) return n;
      const key = `${m.peer}\n${m.name}`;
      let id = byAuthor.get(key);
      if (id === undefined) byAuthor.set(key, (id = -(byAuthor.size + 1)));
      const had = this.marks.get(id);
      this.marks.set(id, { ...m, at: Math.max(m.at, had?.at ?? 0) });
      return id;
    };
    for (const r of this.ranges.values()) {
      const clocks: number[] = [];
      const steps: number[] = [];
      r.steps.forEach((n, i) => {
        const id = remap(n);
        if (steps[steps.length - 1] === id) return;
        clocks.push(r.clocks[i]!);
        steps.push(id);
      });
      r.clocks = clocks;
      r.steps = steps;
    }
    for (const n of [...this.marks.keys()]) if (n > 0 && n < first) this.marks.delete(n);
  }

  /** The step that wrote clock `clock` of `client`; 0 before the timeline, < 0 compacted. */
  stepOf(client: number, clock: number): number {
    const r = this.ranges.get(client);
    if (!r) return 0;
    let lo = 0;
    let hi = r.clocks.length - 1;
    let found = -1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      if (r.clocks[mid]! <= clock) {
        found = mid;
        lo = mid + 1;
      } else hi = mid - 1;
    }
    return found < 0 ? 0 : r.steps[found]!;
  }
}

/** The epochs and the grouping of changes into steps. */
export class StepLog {
  epochs: Epoch[] = [];
  readonly clocks = new ClockAuthors();
  nextStep = 1;
  /** Bytes of bases and updates held. */
  bytes = 0;

  /** Starts an epoch from `base` (the state its first step shows). */
  begin(base: Uint8Array[], author: TimelineAuthor, at: number, kind: Step['kind']): Step {
    this.closeLast();
    const epoch: Epoch = { base, steps: [] };
    this.epochs.push(epoch);
    this.bytes += base.reduce((s, b) => s + b.length, 0);
    return this.startStep(epoch, { ...author, at, kind, notebook: true, n: this.nextStep });
  }

  /** Adds `change` to the open step or to a new one; returns the step it joined. */
  add(change: Change): Step | null {
    const epoch = this.epochs[this.epochs.length - 1];
    if (!epoch) return null;
    const open = epoch.steps[epoch.steps.length - 1]!;
    if (change.visible && !joins(open, change)) {
      this.close(open);
      this.startStep(epoch, { ...change, ...change.author, n: this.nextStep });
    }
    return this.append(change);
  }

  /** Opens step `head.n` in `epoch` (as read back, or made by add). */
  startStep(
    epoch: Epoch,
    head: TimelineAuthor &
      Omit<Change, 'author' | 'update' | 'visible' | 'cells'> & {
        n: number;
        cells?: string[];
        end?: number;
      },
  ): Step {
    const { n, name, peer, at } = head;
    this.nextStep = Math.max(this.nextStep, n + 1);
    this.clocks.marks.set(n, { name, peer, at });
    const step: Step = {
      n,
      kind: head.kind ?? 'edit',
      name,
      peer,
      at,
      end: head.end ?? at,
      cells: [...(head.cells ?? [])],
      notebook: head.notebook,
      bytes: 0,
      updates: [],
      version: 0,
    };
    if (head.from !== undefined) step.from = head.from;
    epoch.steps.push(step);
    return step;
  }

  /** Adds an update to the newest step. */
  append(
    change: Pick<Change, 'update' | 'at' | 'cells' | 'visible'> & { notebook?: boolean },
  ): Step {
    const step = this.last!;
    step.updates.push(change.update);
    step.version++;
    step.bytes += change.update.length;
    this.bytes += change.update.length;
    if (change.visible) {
      step.end = change.at;
      for (const id of change.cells) if (!step.cells.includes(id)) step.cells.push(id);
      step.notebook ||= change.notebook ?? false;
    }
    if (step.updates.length >= MERGE_EVERY) step.updates = [Y.mergeUpdates(step.updates)];
    this.clocks.note(change.update, step.n);
    return step;
  }

  /** Every step, oldest first. */
  *all(): Generator<Step> {
    for (const e of this.epochs) yield* e.steps;
  }

  /** The epoch holding step `n` and its index there, or null. */
  find(n: number): { epoch: Epoch; index: number } | null {
    for (const epoch of this.epochs) {
      const first = epoch.steps[0]!.n;
      const last = epoch.steps[epoch.steps.length - 1]!.n;
      if (n < first || n > last) continue;
      const index = epoch.steps.findIndex((s) => s.n === n);
      return index < 0 ? null : { epoch, index };
    }
    return null;
  }

  /** The newest step, or null before the first epoch. */
  get last(): Step | null {
    const e = this.epochs[this.epochs.length - 1];
    return e ? e.steps[e.steps.length - 1]! : null;
  }

  /** Merges the open step's updates: nothing more will join it. */
  closeLast(): void {
    const last = this.last;
    if (last) this.close(last);
  }

  private close(step: Step): void {
    if (step.updates.length > 1) step.updates = [Y.mergeUpdates(step.updates)];
  }
}

// A change joins the open step when it is the same person's, in the same one cell, soon enough.
function joins(step: Step, c: Change): boolean {
  return (
    step.kind === 'edit' &&
    (c.kind ?? 'edit') === 'edit' &&
    step.peer === c.author.peer &&
    step.name === c.author.name &&
    !step.notebook &&
    !c.notebook &&
    step.cells.length === 1 &&
    c.cells.length === 1 &&
    step.cells[0] === c.cells[0] &&
    c.at - step.end < STEP_GAP_MS &&
    c.at - step.at < STEP_MAX_MS
  );
}

/** The description of `step` a reply carries. */
export function describeStep(s: Step): TimelineStep {
  const { n, kind, name, peer, at, end, notebook, bytes, from } = s;
  const cells = s.cells.slice(0, MAX_STEP_CELLS_SHOWN);
  return { n, kind, name, peer, at, end, cells, notebook, bytes, ...(from ? { from } : {}) };
}

/** Most cell ids a step's description lists (a reload or restore of a large notebook: the first). */
export const MAX_STEP_CELLS_SHOWN = 100;

const sum = (us: Uint8Array[]) => us.reduce((s, b) => s + b.length, 0);

/**
 * The bound `log` is kept within: `maxBytes`, or twice the newest base when the notebook alone
 * is larger (so that its history is never folded away at every step).
 */
export function boundOf(log: StepLog, maxBytes: number): number {
  const newest = log.epochs[log.epochs.length - 1];
  return Math.max(maxBytes, 2 * (newest ? sum(newest.base) + (newest.textBytes ?? 0) : 0));
}

/**
 * Brings `log` toward three quarters of `maxBytes`: drops the oldest epochs, then folds the older
 * half of the oldest epoch's steps into its base (the state they make, deleted text collected),
 * once.
 */
export function compact(log: StepLog, maxBytes: number): void {
  while (log.bytes > (boundOf(log, maxBytes) * 3) / 4) {
    const epoch = log.epochs[0]!;
    const held =
      sum(epoch.base) +
      (epoch.textBytes ?? 0) +
      epoch.steps.reduce((s, st) => s + sum(st.updates) + (st.textBytes ?? 0), 0);
    if (log.epochs.length > 1) {
      log.epochs.shift();
      log.bytes -= held;
      log.clocks.fold(log.epochs[0]!.steps[0]!.n);
      continue;
    }
    if (epoch.steps.length < 2) return;
    const k = Math.ceil((epoch.steps.length - 1) / 2);
    const folded = epoch.steps.slice(0, k + 1);
    const texts = epoch.texts ? textsAt(epoch, k) : undefined;
    const textBytes = textSize(texts);
    log.bytes += textBytes - (epoch.textBytes ?? 0);
    log.bytes -= folded.reduce((s, st) => s + (st.textBytes ?? 0), 0);
    const doc = new Y.Doc();
    Y.applyUpdate(doc, Y.mergeUpdates([...epoch.base, ...folded.flatMap((s) => s.updates)]));
    const base = Y.encodeStateAsUpdate(doc);
    doc.destroy();
    log.bytes += base.length - sum(epoch.base) - sum(folded.flatMap((s) => s.updates));
    const head: Step = { ...epoch.steps[k]!, updates: [], version: epoch.steps[k]!.version + 1 };
    delete head.texts;
    delete head.textBytes;
    Object.assign(epoch, { texts, textBytes });
    epoch.base = [base];
    epoch.steps = [head, ...epoch.steps.slice(k + 1)];
    log.clocks.fold(log.epochs[0]!.steps[0]!.n);
    // One fold a call: each re-encodes the whole document, and what it cannot fold away (the
    // texts of large cells) would have it fold again and again for nothing.
    return;
  }
}

/** Bytes the sources of `cells` take (two a character). */
export function textSize(cells: CellsAt | undefined): number {
  let chars = 0;
  cells?.forEach((c) => (chars += c.source.length));
  return 2 * chars;
}
