// The timeline on disk, beside the journal in the app's data folder (never in the .ipynb): a log
// of records, each length-prefixed — an epoch's base, a step's head, an update joining the last
// step, and (written when the file is rewritten) the clock ranges of steps compacted away.
// Appends are buffered and written about once a second; a record torn by a crash ends the read.
import {
  appendFileSync,
  existsSync,
  mkdirSync,
  readFileSync,
  renameSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { dirname, join } from 'node:path';
import * as decoding from 'lib0/decoding';
import * as encoding from 'lib0/encoding';
import { sha256 } from '../document/notebook-file';
import type { TimelineAuthor } from '../../protocol/timeline-messages';
import { type Change, type Step, StepLog } from './timeline-steps';

const enum Kind {
  Epoch = 1,
  Step = 2,
  Update = 3,
  Clocks = 4,
}

/** How long appended records wait in memory before they are written. */
export const TIMELINE_FLUSH_MS = 1000;

/** The file of `notebookPath`'s timeline under `dataDir`. */
export function timelinePath(dataDir: string, notebookPath: string): string {
  return join(dataDir, 'timelines', `${sha256(notebookPath).slice(0, 32)}.timeline`);
}

const record = (kind: Kind, write: (e: encoding.Encoder) => void): Uint8Array => {
  const e = encoding.createEncoder();
  encoding.writeVarUint(e, kind);
  write(e);
  const body = encoding.toUint8Array(e);
  const framed = encoding.createEncoder();
  encoding.writeVarUint8Array(framed, body);
  return encoding.toUint8Array(framed);
};

/** An epoch's base record. */
export const epochRecord = (base: Uint8Array[]) =>
  record(Kind.Epoch, (e) => {
    encoding.writeVarUint(e, base.length);
    base.forEach((b) => encoding.writeVarUint8Array(e, b));
  });

/** A step's head: what it is and who made it (its updates follow). */
export const stepRecord = (s: Step) =>
  record(Kind.Step, (e) => {
    const { n, kind, name, peer, at, end, cells, notebook, from } = s;
    const head = { n, kind, name, peer, at, end, cells, notebook, from };
    encoding.writeVarString(e, JSON.stringify(head));
  });

/**
 * An update joining the last step, with when it was made and what it touched: the record made
 * by hand, in the layout lib0 reads (it is made for every keystroke).
 */
export function updateRecord(c: Pick<Change, 'update' | 'at' | 'cells' | 'visible'>): Uint8Array {
  const cells = Buffer.from(c.visible ? JSON.stringify(c.cells) : '');
  const bodyLength =
    1 +
    varUintSize(c.update.length) +
    c.update.length +
    8 +
    varUintSize(cells.length) +
    cells.length;
  const out = new Uint8Array(varUintSize(bodyLength) + bodyLength);
  let at = writeVarUint(out, 0, bodyLength);
  out[at++] = Kind.Update;
  at = writeVarUint(out, at, c.update.length);
  out.set(c.update, at);
  at += c.update.length;
  new DataView(out.buffer).setFloat64(at, c.at); // big-endian, as lib0 writes it
  at = writeVarUint(out, at + 8, cells.length);
  out.set(cells, at);
  return out;
}

const varUintSize = (n: number): number => (n < 0x80 ? 1 : 1 + varUintSize(Math.floor(n / 0x80)));

function writeVarUint(out: Uint8Array, at: number, n: number): number {
  while (n >= 0x80) {
    out[at++] = 0x80 | (n & 0x7f);
    n = Math.floor(n / 0x80);
  }
  out[at++] = n;
  return at;
}

/** The whole log, as a rewrite writes it. */
export function wholeLog(log: StepLog): Uint8Array[] {
  const { ranges, ends, marks } = log.clocks;
  const out = [
    record(Kind.Clocks, (e) =>
      encoding.writeVarString(
        e,
        JSON.stringify({
          next: log.nextStep,
          ranges: [...ranges],
          ends: [...ends],
          marks: [...marks],
        }),
      ),
    ),
  ];
  for (const epoch of log.epochs) {
    out.push(epochRecord(epoch.base));
    for (const step of epoch.steps) {
      out.push(stepRecord(step));
      const cells = step.cells;
      step.updates.forEach((update) =>
        out.push(updateRecord({ update, at: step.end, cells, visible: true })),
      );
    }
  }
  return out;
}

type StepHead = TimelineAuthor &
  Pick<Step, 'n' | 'kind' | 'at' | 'end' | 'cells' | 'notebook' | 'from'>;

/** Reads a timeline file back into a log; what cannot be read ends it. */
export function readLog(path: string): StepLog {
  const log = new StepLog();
  if (!existsSync(path)) return log;
  const d = decoding.createDecoder(readFileSync(path));
  let step: StepHead | null = null;
  try {
    while (decoding.hasContent(d)) {
      const r = decoding.createDecoder(decoding.readVarUint8Array(d));
      const kind = decoding.readVarUint(r) as Kind;
      if (kind === Kind.Clocks) readClocks(log, decoding.readVarString(r));
      else if (kind === Kind.Epoch) {
        const base = Array.from({ length: decoding.readVarUint(r) }, () =>
          decoding.readVarUint8Array(r),
        );
        log.epochs.push({ base, steps: [] });
        log.bytes += base.reduce((s, b) => s + b.length, 0);
      } else if (kind === Kind.Step) {
        step = JSON.parse(decoding.readVarString(r)) as StepHead;
        const epoch = log.epochs[log.epochs.length - 1]!;
        log.startStep(epoch, step);
      } else if (kind === Kind.Update && step) {
        const update = decoding.readVarUint8Array(r);
        const at = decoding.readFloat64(r);
        const cells = decoding.readVarString(r);
        log.append({
          update,
          at,
          visible: cells !== '',
          cells: cells ? (JSON.parse(cells) as string[]) : [],
        });
      }
    }
  } catch {
    // A torn or unreadable record: the log ends before it.
  }
  log.epochs = log.epochs.filter((e) => e.steps.length > 0);
  log.closeLast();
  return log;
}

function readClocks(log: StepLog, json: string): void {
  const c = JSON.parse(json) as {
    next: number;
    ranges: [number, { clocks: number[]; steps: number[] }][];
    ends: [number, number][];
    marks: [number, TimelineAuthor & { at: number }][];
  };
  log.nextStep = c.next;
  c.ranges.forEach(([k, v]) => log.clocks.ranges.set(k, v));
  c.ends.forEach(([k, v]) => log.clocks.ends.set(k, v));
  c.marks.forEach(([k, v]) => log.clocks.marks.set(k, v));
}

/** Appends and rewrites one timeline file; stops writing (and says so once) when it cannot. */
export class TimelineFile {
  private pending: Uint8Array[] = [];
  private timer: NodeJS.Timeout | null = null;
  private failed = false;

  constructor(readonly path: string) {}

  /** Queues `bytes` to be appended within TIMELINE_FLUSH_MS. */
  append(bytes: Uint8Array): void {
    if (this.failed) return;
    this.pending.push(bytes);
    this.timer ??= setTimeout(() => this.flush(), TIMELINE_FLUSH_MS);
    this.timer.unref?.();
  }

  /** Writes what is queued now. */
  flush(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    if (this.pending.length === 0 || this.failed) return;
    const bytes = Buffer.concat(this.pending);
    this.pending = [];
    this.attempt(() => {
      mkdirSync(dirname(this.path), { recursive: true });
      appendFileSync(this.path, bytes);
    });
  }

  /** Replaces the file with `records` (written beside it, then renamed over it). */
  rewrite(records: Uint8Array[]): void {
    this.pending = [];
    this.attempt(() => {
      mkdirSync(dirname(this.path), { recursive: true });
      writeFileSync(`${this.path}.new`, Buffer.concat(records));
      renameSync(`${this.path}.new`, this.path);
    });
  }

  /** Deletes the file. */
  remove(): void {
    this.pending = [];
    this.attempt(() => rmSync(this.path, { force: true }));
  }

  private attempt(write: () => void): void {
    try {
      write();
    } catch (e) {
      this.failed = true;
      console.error(`pairbook: the timeline cannot be written (${this.path}):`, e);
    }
  }
}
