// The cells' sources at every step, without rebuilding a document: each epoch keeps its base's
// sources, each step those of the cells it touched as it left them (and the cell order when it
// changed it). The live epoch's are read from the document of record as changes are recorded; an
// epoch read back from disk gets them by one replay, the first time they are needed. Strings
// that did not change are shared, not copied.
import * as Y from 'yjs';
import { cellsOf } from '../../protocol/ydoc-nbformat';
import type { Epoch, Step } from './timeline-steps';

/** A cell's type and source. */
export interface CellText {
  type: string;
  source: string;
}

/** The notebook's cells, by id, in order. */
export type CellsAt = Map<string, CellText>;

/** What one step left of the cells it touched (null: removed), and the order if it changed it. */
export interface StepTexts {
  cells: Map<string, CellText | null>;
  order?: string[];
}

const textOf = (cell: Y.Map<unknown>): CellText => ({
  type: String(cell.get('cell_type')),
  source: cell.get('source')?.toString() ?? '',
});

/** Every cell of `doc`. */
export function textsOf(doc: Y.Doc): CellsAt {
  const out: CellsAt = new Map();
  for (const cell of cellsOf(doc).toArray()) {
    const id = cell.get('id');
    if (typeof id === 'string' && !out.has(id)) out.set(id, textOf(cell));
  }
  return out;
}

/** Reads cells of one document by id, finding each again only when it moved or went. */
export class CellReader {
  private byId = new Map<string, Y.Map<unknown>>();

  constructor(private readonly doc: Y.Doc) {}

  /** Cell `id`'s text now, or null when there is no such cell. */
  read(id: string): CellText | null {
    let cell = this.byId.get(id);
    if (!cell || cell._item?.deleted || cell.get('id') !== id) {
      this.byId = new Map();
      for (const c of cellsOf(this.doc).toArray()) {
        const cid = c.get('id');
        if (typeof cid === 'string' && !this.byId.has(cid)) this.byId.set(cid, c);
      }
      cell = this.byId.get(id);
    }
    return cell ? textOf(cell) : null;
  }

  /** The length of cell `id`'s source now (0 when there is none), without reading it. */
  length(id: string): number {
    const cell = this.byId.get(id);
    const text = cell && !cell._item?.deleted ? cell.get('source') : null;
    return text instanceof Y.Text ? text.length : (this.read(id)?.source.length ?? 0);
  }

  /** The ids of the cells, in order. */
  order(): string[] {
    return cellsOf(this.doc)
      .toArray()
      .map((c) => c.get('id'))
      .filter((id): id is string => typeof id === 'string');
  }

  /** Notes, into `into`, the cells a change touched as they are now. */
  note(into: StepTexts, cells: string[], notebook: boolean): number {
    let chars = 0;
    for (const id of cells) {
      const text = this.read(id);
      chars += (text?.source.length ?? 0) - (into.cells.get(id)?.source.length ?? 0);
      into.cells.set(id, text);
    }
    if (notebook) into.order = this.order();
    return chars;
  }
}

/** The cells at step `index` of `epoch` (its texts made by `replay` first when missing). */
export function textsAt(epoch: Epoch, index: number): CellsAt {
  if (!epoch.texts) replay(epoch);
  const cells = new Map(epoch.texts);
  let order: string[] | null = null;
  for (let i = 1; i <= index; i++) {
    const t = epoch.steps[i]!.texts;
    if (!t) continue;
    for (const [id, c] of t.cells) {
      if (c) cells.set(id, c);
      else cells.delete(id);
    }
    if (t.order) order = t.order;
  }
  if (!order) return cells;
  const out: CellsAt = new Map();
  for (const id of order) {
    const c = cells.get(id);
    if (c) out.set(id, c);
  }
  return out;
}

// An epoch read back from disk: its base and steps applied in turn, each step's cells read.
function replay(epoch: Epoch): void {
  const doc = new Y.Doc();
  Y.applyUpdate(doc, Y.mergeUpdates([...epoch.base, ...epoch.steps[0]!.updates]));
  epoch.texts = textsOf(doc);
  const reader = new CellReader(doc);
  for (const step of epoch.steps.slice(1)) {
    step.updates.forEach((u) => Y.applyUpdate(doc, u));
    step.texts = { cells: new Map() };
    reader.note(step.texts, step.cells, step.notebook);
  }
  doc.destroy();
}

/** Sources a step's cells may have, together, to be read before every change of the step. */
const SMALL_CHARS = 64 * 1024;

/**
 * Keeps each step's texts without reading a large cell at every keystroke: a change marks the
 * cells it touched; they are read before the next change when that change may end the step
 * (another person, a pause), or when they are small; and when a step ends anyway.
 */
export class TextKeeper {
  private readonly reader: CellReader;

  constructor(doc: Y.Doc) {
    this.reader = new CellReader(doc);
  }

  /** After a change recorded in `step` (`previous`: the step open before). Returns bytes added. */
  touched(step: Step, previous: Step | null, cells: string[], notebook: boolean): number {
    const bytes = previous && previous !== step ? this.flush(previous) : 0;
    const dirty = (step.dirty ??= new Set());
    cells.forEach((id) => dirty.add(id));
    if (notebook) step.orderDirty = true;
    return bytes;
  }

  /** Before a change: reads the open step's cells if the change may end it or they are small. */
  before(step: Step | null, mayEnd: boolean): number {
    if (!step?.dirty?.size && !step?.orderDirty) return 0;
    let chars = 0;
    step.dirty?.forEach((id) => (chars += this.reader.length(id)));
    return mayEnd || chars <= SMALL_CHARS ? this.flush(step) : 0;
  }

  /** Reads what `step` touched and has not read yet; returns the bytes its texts grew by. */
  flush(step: Step | null): number {
    if (!step?.dirty?.size && !step?.orderDirty) return 0;
    const texts = (step.texts ??= { cells: new Map() });
    const bytes = 2 * this.reader.note(texts, [...(step.dirty ?? [])], step.orderDirty ?? false);
    delete step.dirty;
    delete step.orderDirty;
    step.textBytes = (step.textBytes ?? 0) + bytes;
    return bytes;
  }
}
