// Carrying a moved cell's text for the move carry (move-carry.ts): at the move, what the host's old
// text held that the mover's copy lacks is written into the copy and the characters of both are
// paired; later, an insert into the old text goes in beside the counterparts of its neighbours;
// a second copy of a cell moved twice at once is merged into the first.
import * as Y from 'yjs';
import { type Counterparts, indexAfter } from './move-counterparts';
import {
  type Cells,
  type DeleteSet,
  type Duplicate,
  type Move,
  copiedFrom,
  isNewIn,
} from './moved-cells';
import {
  type Segment,
  chars,
  commonEnds,
  copySegments,
  indexOf,
  length,
  part,
  segments,
  slice,
  textSegments,
} from './text-segments';

export class TextCarrier {
  constructor(
    private readonly doc: Y.Doc,
    private readonly cells: Cells,
    private readonly pairs: Counterparts,
    /** The items of cells moved away (their old maps): kept from garbage collection. */
    private readonly movedAway: WeakSet<Y.Item>,
  ) {}

  /**
   * Writes what `tr` inserted into a moved cell's old text into the live text, in its place
   * (`sent`: the deletions of the update `tr` applied, if it was shown first).
   */
  insertLate(tr: Y.Transaction, oldText: Y.Text, sent: DeleteSet | null): void {
    const { doc } = this;
    for (let item = oldText._start; item; item = item.right) {
      if (!isNewIn(tr, item) || !(item.content instanceof Y.ContentString)) continue;
      const { str } = item.content;
      // Characters typed and deleted again before the sender heard of the move (one update
      // after a reconnect) stay deleted: that deletion was noted before the update applied.
      const kept = (k: number) =>
        !sent || !Y.isDeleted(sent, Y.createID(item.id.client, item.id.clock + k));
      for (let start = 0; start < item.length;) {
        if (!kept(start)) {
          start++;
          continue;
        }
        let end = start + 1;
        while (end < item.length && kept(end)) end++;
        const place = this.pairs.placeFor(item, start, end, oldText);
        if (place) {
          const clock = Y.getState(doc.store, doc.clientID);
          place.text.insert(place.index, str.slice(start, end));
          this.pairs.pair(
            Y.createID(item.id.client, item.id.clock + start),
            end - start,
            Y.createID(doc.clientID, clock),
          );
        }
        start = end;
      }
    }
  }

  /**
   * A cell moved in `tr` (`moverDeletes`: the deletions of the mover's update, if it was shown
   * first). What the host's old text held just before this transaction, with what the mover wrote
   * in it within the transaction (all of it was deleted by the move), against the mover's copy of
   * it as made. What they share is paired; what only the old text has (typing the mover had not
   * seen) is written into the new text, and what only the copy has (deleted meanwhile) is deleted
   * from it. Anything else in the new text (the mover typing in it, in one update with the move)
   * is left alone.
   */
  carryMove(tr: Y.Transaction, move: Move, moverDeletes: DeleteSet | null): void {
    const { oldText, newText } = move;
    this.movedAway.add(move.cell);
    const held = segments(oldText, (item) => Y.isDeleted(tr.deleteSet, item.id));
    const copy = copySegments(newText);
    this.pairs.link(oldText, newText);
    // Exactly: the mover's update deleted the characters it saw, and its copy is of those.
    if (moverDeletes && Y.isDeleted(moverDeletes, move.cell.id)) {
      if (this.carryExactly(tr, move, copy, moverDeletes)) return;
    }
    // Otherwise by content, from both ends.
    this.carryByContent(held, copy, newText);
  }

  /**
   * Two guests moved the same cell at once: the first move to arrive stays, the second copy is
   * deleted (its typing so far is already in the first: it reached the host through the old
   * text, before this copy). Its characters lead to those it was copied from, when the sender's
   * update says which (the characters of the cell it deleted to make this copy), else to the kept
   * text's.
   */
  mergeDuplicate({ copy, copyText, kept }: Duplicate, sent: DeleteSet | null): void {
    const made = copySegments(copyText);
    const source = sent ? copiedFrom(this.doc, this.cells, sent, copy.get('id')) : null;
    const seen =
      source && sent
        ? textSegments(source).flatMap((seg) => part(seg, (id) => Y.isDeleted(sent, id)))
        : [];
    if (source && length(seen) === length(made)) {
      this.pairs.pairAll(made, seen);
      this.pairs.link(copyText, source);
    } else {
      const from = segments(copyText, (item) => !item.deleted);
      const to = segments(kept, (item) => !item.deleted);
      const { prefix, suffix } = commonEnds(chars(from), chars(to));
      const fromLength = length(from);
      const toLength = length(to);
      this.pairs.pairAll(slice(from, 0, prefix), slice(to, 0, prefix));
      this.pairs.pairAll(
        slice(from, fromLength - suffix, fromLength),
        slice(to, toLength - suffix, toLength),
      );
      this.pairs.link(copyText, kept);
    }
    if (copy._item) this.movedAway.add(copy._item);
    const index = this.cells.toArray().indexOf(copy);
    if (index >= 0) this.cells.delete(index, 1);
  }

  // Pairs the characters the mover deleted (those it saw) with its copy; false when they are not
  // as many as the copy's (nothing was done then).
  private carryExactly(
    tr: Y.Transaction,
    { oldText, newText }: Move,
    copy: Segment[],
    moverDeletes: DeleteSet,
  ): boolean {
    const heldNow = (id: Y.ID) => Y.isDeleted(tr.deleteSet, id);
    const all = textSegments(oldText);
    let seenBy = (id: Y.ID) => Y.isDeleted(moverDeletes, id);
    if (length(all.flatMap((seg) => part(seg, seenBy))) !== length(copy)) {
      // A whole state (after a reconnect) lists what the mover deleted long before, too.
      const listed = seenBy;
      seenBy = (id) => listed(id) && heldNow(id);
    }
    const seen = all.flatMap((seg) => part(seg, seenBy));
    if (length(seen) !== length(copy)) return false;
    this.pairs.pairAll(seen, copy);
    // Deleted here before the mover heard of it: delete it from the copy.
    for (const seg of seen.flatMap((g) => part(g, (id) => !heldNow(id)))) {
      for (let k = 0; k < seg.len; k++)
        this.pairs.deleteLive(Y.createID(seg.client, seg.clock + k));
    }
    // Typed here before the mover heard of it: write it into the copy, in its place.
    const unseen = all.flatMap((seg) => part(seg, (id) => !seenBy(id) && heldNow(id)));
    // (Those characters were deleted in this transaction: their content is still there.)
    for (const missing of unseen) this.insertAround(missing, oldText, newText);
    return true;
  }

  // Pairs what the old text held and the copy share at both ends; the copy's middle is replaced
  // by the old text's.
  private carryByContent(held: Segment[], copy: Segment[], newText: Y.Text): void {
    const { doc, pairs } = this;
    const heldLength = length(held);
    const copyLength = length(copy);
    const { prefix, suffix } = commonEnds(chars(copy), chars(held));
    pairs.pairAll(slice(held, 0, prefix), slice(copy, 0, prefix));
    pairs.pairAll(
      slice(held, heldLength - suffix, heldLength),
      slice(copy, copyLength - suffix, copyLength),
    );
    for (const seg of slice(copy, prefix, copyLength - suffix)) {
      for (let k = seg.len - 1; k >= 0; k--) {
        const char = pairs.charAt(Y.createID(seg.client, seg.clock + k));
        if (char && !char.item.deleted) newText.delete(indexOf(char), 1);
      }
    }
    const missing = slice(held, prefix, heldLength - suffix);
    const before = slice(copy, 0, prefix).at(-1);
    const after = slice(copy, copyLength - suffix, copyLength)[0];
    const str = missing.map((m) => m.str).join('');
    if (str.length === 0) return;
    const clock = Y.getState(doc.store, doc.clientID);
    const left = before && pairs.charAt(Y.createID(before.client, before.clock + before.len - 1));
    const right = after && pairs.charAt(Y.createID(after.client, after.clock));
    let at = 0;
    if (left) at = indexAfter(left);
    else if (right) at = indexOf(right);
    newText.insert(at, str);
    pairs.pairAll(missing, [{ client: doc.clientID, clock, len: str.length, str }]);
  }

  // Writes characters that only the old text had into `into`: after what stands for the nearest
  // character before them in the old text, or before what stands for the nearest after.
  private insertAround(missing: Segment, oldText: Y.Text, into: Y.Text): void {
    const { doc, pairs } = this;
    const first = pairs.charAt(Y.createID(missing.client, missing.clock));
    if (!first || first.text !== oldText || missing.str === null) return;
    const last = first.offset + missing.len;
    const left = pairs.nearestLive(first.item, first.offset - 1, -1);
    const right = left ? null : pairs.nearestLive(first.item, last, 1);
    let at = 0;
    if (left && left.text === into) at = indexAfter(left);
    else if (right && right.text === into) at = indexOf(right);
    const clock = Y.getState(doc.store, doc.clientID);
    into.insert(at, missing.str);
    pairs.pair(
      Y.createID(missing.client, missing.clock),
      missing.len,
      Y.createID(doc.clientID, clock),
    );
  }
}
