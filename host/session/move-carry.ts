// Moving a cell deletes its Y.Map and inserts a copy with the same id and a new source Y.Text
// (Yjs 13 cannot move an array element, and @jupyter/ydoc's schema keeps the source inside the
// cell map). Whoever was typing in that cell keeps writing into the old text until the move
// reaches them; without help those edits land in a deleted text and vanish. The host carries them
// into the moved cell, as edits of its own that are journaled and relayed like any other:
// - when a move arrives, what the host's old text held that the mover's copy lacks (typing the
//   mover had not seen yet) is written into the copy, and each character of the old text is
//   paired with its character in the copy;
// - an insert that arrives later in the old text goes in after the counterpart of its left
//   neighbour (or before that of its right one);
// - a deletion that arrives later (noteUpdate: it is a no-op on the document, so only the raw
//   update shows it) deletes the counterparts of the characters it names.
// Counterparts chain, so a cell moved twice still receives edits for its first text.
// Here: the carry's hooks on the document. Finding moves in a transaction: moved-cells.ts; the
// pairs of characters: move-counterparts.ts; carrying the text: carry-text.ts.
import * as Y from 'yjs';
import { cellsOf } from '../../protocol/ydoc-nbformat';
import { TextCarrier } from './carry-text';
import { Counterparts } from './move-counterparts';
import {
  type Cells,
  type DeleteSet,
  cellDeletedIn,
  duplicatesIn,
  itemsIn,
  keepStructure,
  movesIn,
  textsWithNewItems,
} from './moved-cells';

/** Transaction origin of the edits carried into moved cells. */
export const MOVE_CARRY_ORIGIN = 'pairbook:move-carry';

/** A running carry on one document. */
export interface MoveCarry {
  /**
   * Shows the carry an update a client sent, just before it is applied: deletions in the old
   * text of a moved cell change nothing in the document, so only the update itself tells of
   * them, and the mover's own deletions say exactly which characters its copy was made of.
   * (Shown after it is applied, or never, the carry still works, less exactly.)
   */
  noteUpdate(update: Uint8Array): void;
  /** Stops carrying and restores the document's garbage collection filter. */
  stop(): void;
}

// One carry per document: a second would carry every edit twice.
const carries = new WeakMap<Y.Doc, MoveCarry>();

/**
 * Carries edits that arrive for a moved cell's old source into the moved cell, on `doc` (the
 * host's document of record). Only updates applied from clients (non-local transactions) are
 * looked at: the host's own transactions (loading, reloading from disk) are never moves.
 * The old map of a moved cell keeps its id and source structure (not the deleted text itself),
 * so that late inserts still find their place.
 */
export function carryEditsIntoMovedCells(doc: Y.Doc): MoveCarry {
  const running = carries.get(doc);
  if (running) return running;
  const carry = new RunningCarry(doc);
  carries.set(doc, carry);
  return carry;
}

class RunningCarry implements MoveCarry {
  private readonly cells: Cells;
  private readonly pairs: Counterparts;
  private readonly carrier: TextCarrier;
  private readonly previousFilter: (item: Y.Item) => boolean;
  /** The deletions of the update last noted, until the next transaction of a client ends. */
  private senderDeletes: DeleteSet | null = null;

  constructor(private readonly doc: Y.Doc) {
    this.cells = cellsOf(doc);
    this.pairs = new Counterparts(doc);
    /** The items of cells moved away (their old maps): kept from garbage collection. */
    const movedAway = new WeakSet<Y.Item>();
    this.carrier = new TextCarrier(doc, this.cells, this.pairs, movedAway);
    this.previousFilter = doc.gcFilter;
    const cells = this.cells;
    const previousFilter = this.previousFilter;
    doc.gcFilter = (item) => !keepStructure(item, cells, movedAway) && previousFilter(item);
    doc.on('afterTransaction', this.afterTransaction);
  }

  readonly noteUpdate = guarded((update: Uint8Array) => {
    let ds: DeleteSet;
    try {
      ds = Y.decodeUpdate(update).ds;
    } catch {
      return; // the session refuses it itself
    }
    this.senderDeletes = ds;
    if (!this.pairs.linked) return;
    const targets: Y.ID[] = [];
    itemsIn(this.doc, ds, (s, from, to) => {
      if (!(s.parent instanceof Y.Text)) return;
      // A sender that knew the cell was deleted (it moved it, or learnt of the move) lists the
      // old text's characters as part of that deletion, not as its own.
      if (!this.pairs.moved(s.parent) || cellDeletedIn(ds, s.parent)) return;
      for (let c = from; c < to; c++) targets.push(Y.createID(s.id.client, c));
    });
    if (targets.length === 0) return;
    this.doc.transact(() => {
      for (const id of targets) this.pairs.deleteLive(id);
    }, MOVE_CARRY_ORIGIN);
  });

  readonly stop = (): void => {
    this.doc.off('afterTransaction', this.afterTransaction);
    this.doc.gcFilter = this.previousFilter;
    carries.delete(this.doc);
  };

  private readonly afterTransaction = guarded((tr: Y.Transaction) => {
    if (tr.local) return;
    // The deletions of the update this transaction applied, if it was shown first.
    const sent = this.senderDeletes;
    this.senderDeletes = null;
    const { cells, pairs, carrier } = this;
    const cellsChanged = (tr.changed as Map<unknown, unknown>).has(cells);
    const late = pairs.linked ? textsWithNewItems(tr, (t) => pairs.moved(t)) : new Set<Y.Text>();
    const moves = cellsChanged ? movesIn(tr, cells) : [];
    const duplicates = cellsChanged ? duplicatesIn(tr, cells) : [];
    if (late.size > 0 || moves.length > 0 || duplicates.length > 0) {
      this.doc.transact(() => {
        late.forEach((text) => carrier.insertLate(tr, text, sent));
        for (const m of moves) carrier.carryMove(tr, m, sent);
        for (const d of duplicates) carrier.mergeDuplicate(d, sent);
      }, MOVE_CARRY_ORIGIN);
    }
  });
}

// A failure here must not fail applying the client's update (the client would be cut off).
function guarded<A extends unknown[]>(f: (...args: A) => void): (...args: A) => void {
  return (...args: A) => {
    try {
      f(...args);
    } catch (e) {
      console.error('pairbook: could not carry an edit into a moved cell', e);
    }
  };
}
