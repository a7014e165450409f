// The session's timeline (docs/timeline.md): every accepted change, with who made it and when,
// grouped into steps (timeline-steps.ts), kept beside the journal (timeline-file.ts) within a
// size bound, browsed (timeline-views.ts) and restored from (timeline-restore.ts). Who made a
// change is what the session knows of the transport it came on (the hub's name and peer id for
// a guest), never anything the change or a request says.
import * as Y from 'yjs';
import { SLICE_MS, nextSlice } from '../document/loop-slices';
import { KERNEL_ORIGIN } from '../../protocol/runtime-state';
import {
  MAX_TIMELINE_PAGE,
  type TimelineAuthor,
  type TimelineRequest,
  type TimelineResult,
} from '../../protocol/timeline-messages';
import { LOAD_ORIGIN, changesFile } from '../../protocol/ydoc-nbformat';
import { SlicedStateEncoder } from './sliced-state-encoder';
import {
  TimelineFile,
  epochRecord,
  readLog,
  stepRecord,
  timelinePath,
  updateRecord,
  wholeLog,
} from './timeline-file';
import { RestoreOrigin, cellsById, restoreCell, restoreNotebook } from './timeline-restore';
import {
  type Step,
  StepLog,
  type Touched,
  STEP_GAP_MS,
  STEP_MAX_MS,
  boundOf,
  compact,
  describeStep,
  textSize,
} from './timeline-steps';
import { TextKeeper, textsOf } from './timeline-texts';
import { touchedBy } from './timeline-touched';
import { TimelineViews } from './timeline-views';
import { updateFeedOf } from './update-feed';

/** Bytes of bases and updates kept before the oldest steps are compacted into a base. */
export const TIMELINE_MAX_BYTES = 32 * 1024 * 1024;
/** After a guest's request rebuilt a document in `ms`, guests' next rebuild waits this long. */
const wait = (ms: number) => Math.max(2 * ms, 200);
/** Transaction origin of a reload from disk (notebook-session.ts's RELOAD_ORIGIN). */
const RELOAD = 'pairbook:reload';

const HOST: TimelineAuthor = { name: 'Host', peer: 'host' };
const KERNEL: TimelineAuthor = { name: 'Kernel', peer: 'kernel' };
const FILE: TimelineAuthor = { name: 'the file', peer: 'file' };

export interface TimelineOptions {
  maxBytes?: number;
  /** The clock steps are timed by (tests). */
  now?: () => number;
}

export class SessionTimeline {
  private log: StepLog;
  private views: TimelineViews;
  private readonly file: TimelineFile;
  private readonly authors = new WeakMap<object, TimelineAuthor>();
  private readonly touched = new WeakMap<Y.Transaction, Touched>();
  private lastAuthor = HOST;
  private base: { parts: Uint8Array[]; encoder: SlicedStateEncoder } | null = null;
  private off: (() => void) | null = null;
  /** The open epoch's first step, written to the file once its base is. */
  private epochStep: Step | null = null;
  private readonly maxBytes: number;
  /** The log's size past which it is compacted again, however small the bound (see compact). */
  private compactAbove = 0;
  private readonly now: () => number;
  /** Until when guests' requests that rebuild a document wait (performance.now()). */
  private guestsWaitUntil = 0;
  private readonly texts: TextKeeper;

  constructor(
    dataDir: string,
    notebookPath: string,
    private readonly doc: Y.Doc,
    options: TimelineOptions = {},
  ) {
    this.file = new TimelineFile(timelinePath(dataDir, notebookPath));
    this.log = readLog(this.file.path);
    this.views = new TimelineViews(this.log);
    this.maxBytes = options.maxBytes ?? TIMELINE_MAX_BYTES;
    this.now = options.now ?? Date.now;
    this.texts = new TextKeeper(doc);
  }

  /**
   * Begins recording: a new epoch whose base is the document now, encoded a slice at a time in
   * the background (the first change after this finishes it first). Call once the notebook is
   * loaded; every change from then on is recorded.
   */
  start(): void {
    const step = this.log.begin([], FILE, this.now(), 'open');
    this.keepTexts();
    this.base = { parts: [], encoder: new SlicedStateEncoder(this.doc) };
    // A file read back is written again whole (a torn end is cut); the new epoch follows it
    // once its base is encoded.
    if (this.log.epochs.length > 1) this.file.rewrite(wholeLog(this.log).slice(0, -2));
    else this.file.remove();
    this.epochStep = step;
    this.doc.on('beforeTransaction', this.beforeChange);
    this.doc.on('beforeObserverCalls', this.noteTouched);
    const offFeed = updateFeedOf(this.doc).subscribe(this.record);
    this.off = () => {
      offFeed();
      this.doc.off('beforeTransaction', this.beforeChange);
      this.doc.off('beforeObserverCalls', this.noteTouched);
    };
    void this.encodeBaseInSlices();
  }

  /** Changes arriving on `transport` are `who`'s (the hub's name and peer id for a guest). */
  know(transport: object, who: { name: string; peer?: string }): void {
    this.authors.set(transport, { name: who.name, peer: who.peer ?? 'host' });
  }

  /**
   * Why a guest's `r` must wait, or null: guests together may spend on rebuilding documents (blame,
   * restore; a few hundred ms for a large notebook) a third of the host's time, and at most five a
   * second.
   */
  busy(r: TimelineRequest, author: TimelineAuthor): string | null {
    if (author.peer === 'host' || performance.now() >= this.guestsWaitUntil) return null;
    if (r.type !== 'timeline-blame' && r.type !== 'timeline-restore') return null;
    if (this.views.has(r.step ?? this.log.last?.n ?? 0)) return null;
    return 'The host is busy rebuilding the notebook at an earlier step; try again in a moment';
  }

  /** Handles one timeline request from `author` (who restores or clears). */
  answer(r: TimelineRequest, author: TimelineAuthor): TimelineResult {
    const spent = this.views.rebuildMs;
    try {
      return this.answerNow(r, author);
    } finally {
      const ms = this.views.rebuildMs - spent;
      if (author.peer !== 'host' && ms > 0) this.guestsWaitUntil = performance.now() + wait(ms);
    }
  }

  private answerNow(r: TimelineRequest, author: TimelineAuthor): TimelineResult {
    this.settle();
    switch (r.type) {
      case 'timeline-steps':
        return this.steps(r.before, r.limit);
      case 'timeline-view':
        return { kind: 'timeline-view', step: r.step, ...this.views.view(r.step, r.cellIds) };
      case 'timeline-diff': {
        const diff = this.views.diff(r.from, r.to, r.cellIds);
        return { kind: 'timeline-diff', from: r.from, to: r.to, ...diff };
      }
      case 'timeline-blame': {
        const step = r.step ?? this.log.last?.n ?? 0;
        const lines = this.views.blame(step, r.cellId);
        return { kind: 'timeline-blame', step, cellId: r.cellId, lines };
      }
      case 'timeline-restore':
        return { kind: 'timeline-restored', step: this.restore(r.step, r.cellId, author) };
      case 'timeline-clear':
        this.clear(author);
        return { kind: 'timeline-restored', step: this.log.last?.n ?? null };
    }
  }

  /** The newest `limit` steps older than `before`, newest first. */
  steps(before = Infinity, limit = 50): TimelineResult {
    const all = [...this.log.all()];
    const older = all.filter((s) => s.n < before);
    const page = older.slice(Math.max(0, older.length - Math.min(limit, MAX_TIMELINE_PAGE)));
    return {
      kind: 'timeline-steps',
      steps: page.reverse().map(describeStep),
      first: all[0]?.n ?? 0,
      last: all[all.length - 1]?.n ?? 0,
    };
  }

  /** The views (as of now) of the recorded steps. */
  get browse(): TimelineViews {
    this.settle();
    return this.views;
  }

  /**
   * Makes cell `cellId` (or, without it, the whole notebook) as it was at `step`, as a new edit
   * by `author`. Returns the new step's number, or null when nothing differed.
   */
  restore(step: number, cellId: string | undefined, author: TimelineAuthor): number | null {
    const old = cellsById(this.views.docAt(step));
    const origin = new RestoreOrigin(author, step);
    const before = this.log.last;
    if (cellId === undefined) restoreNotebook(this.doc, old, origin);
    else restoreCell(this.doc, old, cellId, origin);
    const after = this.log.last;
    return after && after !== before && after.kind === 'restore' ? after.n : null;
  }

  /** Forgets every step; the timeline starts over from the document now, cleared by `author`. */
  clear(author: TimelineAuthor): void {
    this.finishBase();
    const { nextStep } = this.log;
    this.log = new StepLog();
    this.log.nextStep = nextStep;
    this.views.reset();
    this.views = new TimelineViews(this.log);
    this.log.begin([Y.encodeStateAsUpdate(this.doc)], author, this.now(), 'clear');
    this.keepTexts();
    this.log.clocks.noteBase(Y.decodeStateVector(Y.encodeStateVector(this.doc)));
    this.file.rewrite(wholeLog(this.log));
  }

  /** Writes what is pending and stops recording. */
  close(): void {
    this.finishBase();
    this.off?.();
    this.off = null;
    this.file.flush();
    this.views.reset();
  }

  private noteTouched = (tr: Y.Transaction): void => {
    if (tr.origin !== LOAD_ORIGIN) this.touched.set(tr, touchedBy(tr, this.doc));
  };

  private record = (update: Uint8Array, origin: unknown, tr: Y.Transaction): void => {
    if (origin === LOAD_ORIGIN) return;
    const author = this.authorOf(origin);
    const touched = this.touched.get(tr) ?? { cells: [], notebook: false };
    const visible = changesFile(tr) || origin === RELOAD || origin instanceof RestoreOrigin;
    const kind =
      origin instanceof RestoreOrigin ? 'restore' : origin === RELOAD ? 'reload' : 'edit';
    const from = origin instanceof RestoreOrigin ? origin.from : undefined;
    const previous = this.log.last;
    const change = { update, author, at: this.now(), visible, kind, from, ...touched } as const;
    const step = this.log.add(change);
    if (!step) return;
    if (visible)
      this.log.bytes += this.texts.touched(step, previous, touched.cells, touched.notebook);
    if (step !== previous) this.file.append(stepRecord(step));
    this.file.append(updateRecord(change));
    const bound = Math.max(boundOf(this.log, this.maxBytes), this.compactAbove);
    if (step !== previous && this.log.bytes > bound) this.compact();
  };

  // The newest epoch's sources, read from the document as it is now (its base).
  private keepTexts(): void {
    const epoch = this.log.epochs[this.log.epochs.length - 1]!;
    epoch.texts = textsOf(this.doc);
    epoch.textBytes = textSize(epoch.texts);
    this.log.bytes += epoch.textBytes;
  }

  private authorOf(origin: unknown): TimelineAuthor {
    const author = this.whoIs(origin);
    this.lastAuthor = author;
    return author;
  }

  private whoIs(origin: unknown): TimelineAuthor {
    if (origin === KERNEL_ORIGIN) return KERNEL;
    if (origin instanceof RestoreOrigin) return origin.author;
    if (typeof origin === 'object' && origin !== null) return this.authors.get(origin) ?? HOST;
    if (origin === 'pairbook:move-carry') return this.lastAuthor; // the mover's typing, carried
    return HOST;
  }

  // Before any change: the base is finished, and the open step's cells read if it may end it.
  private beforeChange = (tr: Y.Transaction): void => {
    this.finishBase();
    const open = this.log.last;
    if (!open?.dirty && !open?.orderDirty) return;
    const { origin } = tr;
    const who = this.whoIs(origin);
    const now = this.now();
    const mayEnd =
      typeof origin === 'string' ||
      origin instanceof RestoreOrigin ||
      who.peer !== open.peer ||
      who.name !== open.name ||
      open.notebook ||
      now - open.end >= STEP_GAP_MS ||
      now - open.at >= STEP_MAX_MS;
    this.log.bytes += this.texts.before(open, mayEnd);
  };

  /** Reads what the open step touched, for views and compaction. */
  private settle(): void {
    this.finishBase();
    this.log.bytes += this.texts.flush(this.log.last);
  }

  private compact(): void {
    this.settle();
    compact(this.log, this.maxBytes);
    // Each compaction re-encodes the document and rewrites the file: the next waits until the
    // log grew by half again, so an editor's flood of text (kept texts it cannot fold away)
    // costs a few compactions, not one per step (issue 10's update flood).
    this.compactAbove = this.log.bytes * 1.5;
    this.views.reset();
    this.file.rewrite(wholeLog(this.log));
  }

  private async encodeBaseInSlices(): Promise<void> {
    while (this.base && !this.base.encoder.done) {
      const part = this.base.encoder.next(performance.now() + SLICE_MS);
      if (part) this.base.parts.push(part);
      await nextSlice();
    }
    this.finishBase();
  }

  // The epoch's base is the document as it was when recording began: finished before any change.
  private finishBase = (): void => {
    const base = this.base;
    if (!base) return;
    this.base = null;
    while (!base.encoder.done) {
      const part = base.encoder.next(Infinity);
      if (part) base.parts.push(part);
    }
    base.parts.push(base.encoder.last());
    const epoch = this.log.epochs[this.log.epochs.length - 1]!;
    epoch.base = base.parts;
    this.log.bytes += base.parts.reduce((s, b) => s + b.length, 0);
    this.log.clocks.noteBase(Y.decodeStateVector(Y.encodeStateVector(this.doc)));
    this.file.append(epochRecord(base.parts));
    if (this.epochStep) this.file.append(stepRecord(this.epochStep));
    this.epochStep = null;
  };
}
