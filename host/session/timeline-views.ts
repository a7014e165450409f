// The notebook as it was at a step, rebuilt from its epoch's base and updates (never from the
// live document), and what a reply shows of it: sources, a per-cell diff with who changed each
// cell, who wrote each line.
import * as Y from 'yjs';
import { PairbookError } from '../../protocol/errors';
import {
  type BlameLine,
  type CellDiff,
  MAX_TIMELINE_RESULT_CHARS,
  type TimelineAuthor,
  type TimelineCell,
} from '../../protocol/timeline-messages';
import { findCell } from '../../protocol/ydoc-nbformat';
import { diffLines } from './timeline-diff';
import type { StepLog } from './timeline-steps';
import { type CellsAt, textsAt } from './timeline-texts';

/** Rebuilt documents kept for the next request (a panel views, then diffs, the same steps). */
const CACHED = 3;

export class TimelineViews {
  private cache: { key: string; doc: Y.Doc }[] = [];

  constructor(private readonly log: StepLog) {}

  /** Forgets rebuilt documents (after compaction or clear). */
  reset(): void {
    for (const c of this.cache) c.doc.destroy();
    this.cache = [];
  }

  /** Milliseconds spent rebuilding documents so far. */
  rebuildMs = 0;

  /** True when the document at step `n` is rebuilt already. */
  has(n: number): boolean {
    const found = this.log.find(n);
    const key = found ? `${n}:${found.epoch.steps[found.index]!.version}` : '';
    return this.cache.some((c) => c.key === key);
  }

  /** The document as it was once step `n` was made. Throws 'invalid-message' for no such step. */
  docAt(n: number): Y.Doc {
    const found = this.log.find(n);
    if (!found) throw new PairbookError('invalid-message', `the timeline has no step ${n}`);
    const { epoch, index } = found;
    const key = `${n}:${epoch.steps[index]!.version}`;
    const hit = this.cache.find((c) => c.key === key);
    if (hit) return hit.doc;
    const t0 = performance.now();
    const doc = new Y.Doc();
    const updates = [...epoch.base];
    for (let i = 0; i <= index; i++) updates.push(...epoch.steps[i]!.updates);
    Y.applyUpdate(doc, Y.mergeUpdates(updates));
    this.rebuildMs += performance.now() - t0;
    this.cache.push({ key, doc });
    if (this.cache.length > CACHED) this.cache.shift()!.doc.destroy();
    return doc;
  }

  /** Every cell's type and source at step `n`, without rebuilding the document. */
  cellsAt(n: number): CellsAt {
    const found = this.log.find(n);
    if (!found) throw new PairbookError('invalid-message', `the timeline has no step ${n}`);
    return textsAt(found.epoch, found.index);
  }

  /** Sources at step `n` (of `only`, when given), within the reply's size bound. */
  view(n: number, only?: string[]): { cells: TimelineCell[]; truncated: boolean } {
    const budget = { left: MAX_TIMELINE_RESULT_CHARS, truncated: false };
    const cells: TimelineCell[] = [];
    for (const [id, c] of this.cellsAt(n)) {
      if (only && !only.includes(id)) continue;
      cells.push({ id, type: c.type, source: spend(budget, c.source.length) ? c.source : null });
    }
    return { cells, truncated: budget.truncated };
  }

  /** How each cell differs from step `from` to step `to`, with who changed it in between. */
  diff(from: number, to: number, only?: string[]): { cells: CellDiff[]; truncated: boolean } {
    const before = this.cellsAt(from);
    const after = this.cellsAt(to);
    const budget = { left: MAX_TIMELINE_RESULT_CHARS, truncated: false };
    const out: CellDiff[] = [];
    const ids = [...after.keys(), ...[...before.keys()].filter((id) => !after.has(id))];
    for (const id of ids) {
      if (only && !only.includes(id)) continue;
      const a = before.get(id);
      const b = after.get(id);
      if (a && b && a.source === b.source && a.type === b.type) continue;
      const change = !a ? 'added' : !b ? 'removed' : 'changed';
      const size = (a?.source.length ?? 0) + (b?.source.length ?? 0);
      const lines = spend(budget, size) ? diffLines(a?.source ?? '', b?.source ?? '') : [];
      const type = (b ?? a)!.type;
      out.push({ id, type, change, authors: this.authorsBetween(from, to, id), lines });
    }
    return { cells: out, truncated: budget.truncated };
  }

  /** Who last wrote in each line of cell `id` at step `n`. */
  blame(n: number, id: string): BlameLine[] {
    const cell = findCell(this.docAt(n), id);
    const text = cell?.get('source');
    if (!(text instanceof Y.Text))
      throw new PairbookError('invalid-message', `no cell ${id} at step ${n}`);
    const lines: BlameLine[] = [];
    const { marks } = this.log.clocks;
    const file = { name: 'the file', peer: 'file', at: 0 };
    const first = this.log.epochs[0]?.steps[0]?.n ?? 0;
    let line = { text: '', step: 0, who: file };
    const end = () => {
      const { text, step, who } = line;
      // A compacted step (< 0) is shown as the oldest kept: "at or before it".
      lines.push({
        text,
        step: step < 0 ? first : step,
        name: who.name,
        peer: who.peer,
        at: who.at,
      });
      line = { text: '', step: 0, who: file };
    };
    for (let item = text._start; item; item = item.right) {
      if (item.deleted || !(item.content instanceof Y.ContentString)) continue;
      const { str } = item.content;
      for (let i = 0; i < str.length; i++) {
        const step = this.log.clocks.stepOf(item.id.client, item.id.clock + i);
        const who = marks.get(step) ?? file;
        // The latest writer of a line's characters; its newline counts only on an empty line.
        if ((str[i] !== '\n' || line.text === '') && who.at >= line.who.at)
          line = { ...line, step, who };
        if (str[i] === '\n') end();
        else line.text += str[i];
      }
    }
    end();
    return lines;
  }

  // The authors of the steps after `from` through `to` that touched cell `id`.
  private authorsBetween(from: number, to: number, id: string): TimelineAuthor[] {
    const [lo, hi] = from < to ? [from, to] : [to, from];
    const seen = new Map<string, TimelineAuthor>();
    for (const s of this.log.all()) {
      if (s.n <= lo || s.n > hi || !s.cells.includes(id)) continue;
      seen.set(`${s.peer}\n${s.name}`, { name: s.name, peer: s.peer });
    }
    return [...seen.values()];
  }
}

function spend(budget: { left: number; truncated: boolean }, chars: number): boolean {
  if (chars > budget.left) {
    budget.truncated = true;
    return false;
  }
  budget.left -= chars;
  return true;
}
