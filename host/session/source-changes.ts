// Who changed a cell's source since its last run. The host notes who made each source edit (the
// client whose transport it came on) and, shortly after, compares the source of each edited cell
// that has a run record with the digest of the code that ran: once they differ it writes who edited
// it and since when into that record (CellRun.changed), and takes it out again if the source is
// put back. Written with origin KERNEL_ORIGIN into the runtime map, which guests cannot write
// (role-guard.ts), so no guest can forge or hide it.
import * as Y from 'yjs';
import {
  type CellRun,
  KERNEL_ORIGIN,
  RUNTIME,
  SOURCE_CHANGE_NAMES,
  type SourceChange,
  runtimeOf,
} from '../../protocol/runtime-state';
import { sourceDigest } from '../../protocol/source-digest';
import { cellsOf } from '../../protocol/ydoc-nbformat';

/** How long after an edit its cell's source is compared with its last run (edits in between join). */
export const SOURCE_CHECK_MS = 150;

/** A shared type as a transaction's `changed` names it. */
type SharedType = Y.Transaction['changed'] extends Map<infer K, unknown> ? K : never;

/** The last edit of a cell's source: who made it (null: not known) and when. */
interface Edit {
  by: string | null;
  at: number;
}

/** Follows the sources of one document's cells and keeps their run records' `changed` true. */
export class SourceChanges {
  private readonly authors = new WeakMap<object, string>();
  private readonly lastEdits = new Map<string, Edit>();
  private readonly due = new Set<string>();
  private timer: ReturnType<typeof setTimeout> | null = null;
  private writing = false;
  private destroyed = false;

  constructor(private readonly doc: Y.Doc) {
    doc.on('afterTransaction', this.onTransaction);
  }

  /** Edits whose transaction origin is `origin` (a client's transport) are `who`'s. */
  know(origin: object, who: { name: string }): void {
    this.authors.set(origin, who.name);
  }

  /** Stops following the document; nothing more is written. Idempotent. */
  destroy(): void {
    this.destroyed = true;
    this.doc.off('afterTransaction', this.onTransaction);
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
  }

  private onTransaction = (tr: Y.Transaction): void => {
    if (this.writing) return;
    const ran = this.lastRuns();
    if (tr.origin === KERNEL_ORIGIN) {
      // A new run record: its source may have been edited while it was queued or ran.
      const keys = ran && tr.changed.get(ran as unknown as SharedType);
      keys?.forEach((id) => id !== null && this.due.add(id));
    } else {
      const by =
        (tr.origin !== null && typeof tr.origin === 'object'
          ? this.authors.get(tr.origin)
          : undefined) ?? null;
      for (const [type, keys] of tr.changed) {
        const id = editedSourceOf(type, keys);
        if (id === null) continue;
        this.lastEdits.set(id, { by, at: Date.now() });
        if (ran?.has(id)) this.due.add(id);
      }
    }
    if (this.due.size > 0 && !this.timer && !this.destroyed) {
      this.timer = setTimeout(this.check, SOURCE_CHECK_MS);
    }
  };

  private check = (): void => {
    this.timer = null;
    const ran = this.lastRuns();
    const due = [...this.due];
    this.due.clear();
    if (!ran || this.destroyed) return;
    const sources = sourcesOf(this.doc, new Set(due));
    const writes: CellRun[] = [];
    for (const id of due) {
      const run = ran.get(id);
      const source = sources.get(id);
      if (!run?.digest || run.endedAt === null || source === undefined) continue;
      const differs = sourceDigest(source) !== run.digest;
      const changed = nextChange(run.changed, differs, this.lastEdits.get(id));
      if (changed === run.changed) continue;
      const next: CellRun = { ...run, changed };
      if (!changed) delete next.changed;
      writes.push(next);
    }
    if (writes.length === 0) return;
    this.writing = true;
    try {
      this.doc.transact(() => writes.forEach((r) => ran.set(r.cellId, r)), KERNEL_ORIGIN);
    } finally {
      this.writing = false;
    }
  };

  private lastRuns(): Y.Map<CellRun> | null {
    const map = runtimeOf(this.doc).get(RUNTIME.lastRuns);
    return map instanceof Y.Map ? (map as Y.Map<CellRun>) : null;
  }
}

/**
 * What a run record's `changed` becomes: nothing while the source is the one that ran; once it
 * differs, the editor and time of `edit`; later editors added by name. The same object when
 * nothing changes.
 */
export function nextChange(
  changed: SourceChange | undefined,
  differs: boolean,
  edit: Edit | undefined,
): SourceChange | undefined {
  if (!differs) return undefined;
  const by = edit?.by ?? null;
  if (!changed) return { by: by === null ? [] : [by], at: edit?.at ?? Date.now() };
  if (by === null || changed.by.includes(by) || changed.by.length >= SOURCE_CHANGE_NAMES) {
    return changed;
  }
  return { by: [...changed.by, by], at: changed.at };
}

/** The id of the cell whose source `type` is (text edited) or was replaced in; else null. */
function editedSourceOf(type: SharedType, keys: Set<string | null>): string | null {
  let cell: unknown = null;
  if (type instanceof Y.Text && type._item?.parentSub === 'source') cell = type.parent;
  else if (type instanceof Y.Map && keys.has('source')) cell = type;
  if (!(cell instanceof Y.Map)) return null;
  const id = cell.get('id');
  return typeof id === 'string' ? id : null;
}

/** The sources of the cells `ids` name (the first cell with each id). */
function sourcesOf(doc: Y.Doc, ids: Set<string>): Map<string, string> {
  const sources = new Map<string, string>();
  for (const cell of cellsOf(doc)) {
    if (!(cell instanceof Y.Map)) continue;
    const id = cell.get('id');
    const source = cell.get('source');
    if (typeof id === 'string' && ids.has(id) && !sources.has(id) && source instanceof Y.Text) {
      sources.set(id, source.toString());
    }
  }
  return sources;
}
