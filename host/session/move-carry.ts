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
import * as Y from 'yjs';
import { cellsOf } from '../../protocol/ydoc-nbformat';
import {
  type Char,
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

/** Characters `clock .. clock+len-1` of one client, paired with consecutive characters `to…`. */
interface Run {
  clock: number;
  len: number;
  to: Y.ID;
}

type DeleteSet = ReturnType<typeof Y.decodeUpdate>['ds'];

// Longest chain of counterparts followed (a cell moved this many times while someone typed).
const MAX_HOPS = 1000;

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
  const cells = cellsOf(doc);
  const successor = new WeakMap<Y.Text, Y.Text>();
  /** True once a text has a successor: until then nothing can need carrying. */
  let linked = false;
  /** The deletions of the update last noted, until the next transaction of a client ends. */
  let senderDeletes: DeleteSet | null = null;
  const runs = new Map<number, Run[]>();

  /** The items of cells moved away (their old maps): kept from garbage collection. */
  const movedAway = new WeakSet<Y.Item>();
  const previousFilter = doc.gcFilter;
  doc.gcFilter = (item) => !keepStructure(item, cells, movedAway) && previousFilter(item);

  const counterpart = (id: Y.ID): Y.ID | null => {
    const list = runs.get(id.client);
    if (!list) return null;
    let lo = 0;
    let hi = list.length - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      const r = list[mid] as Run;
      if (id.clock < r.clock) hi = mid - 1;
      else if (id.clock >= r.clock + r.len) lo = mid + 1;
      else return Y.createID(r.to.client, r.to.clock + id.clock - r.clock);
    }
    return null;
  };
  const pair = (from: Y.ID, len: number, to: Y.ID) => {
    if (len <= 0) return;
    const list = runs.get(from.client) ?? [];
    let i = list.length;
    while (i > 0 && (list[i - 1] as Run).clock > from.clock) i--;
    list.splice(i, 0, { clock: from.clock, len, to });
    runs.set(from.client, list);
  };

  const charAt = (id: Y.ID): Char | null => {
    if (id.clock >= Y.getState(doc.store, id.client)) return null;
    const item = Y.getItem(doc.store, id);
    if (!(item instanceof Y.Item) || !(item.parent instanceof Y.Text)) return null;
    return { text: item.parent, item, offset: id.clock - item.id.clock };
  };

  // The character `id` stands for now: itself in a live text, or its counterpart's, followed
  // through every move since. Null when the cell was deleted or the character has no counterpart.
  const liveChar = (id: Y.ID): Char | null => {
    let current: Y.ID | null = id;
    for (let hop = 0; current && hop < MAX_HOPS; hop++) {
      const char = charAt(current);
      if (!char) return null;
      if (!successor.has(char.text)) return isLive(char.text) ? char : null;
      current = counterpart(current);
    }
    return null;
  };

  const liveSuccessor = (text: Y.Text): Y.Text | null => {
    let t: Y.Text | undefined = text;
    for (let hop = 0; t && hop < MAX_HOPS; hop++) {
      if (!successor.has(t)) return isLive(t) ? t : null;
      t = successor.get(t);
    }
    return null;
  };

  // The first character, walking from `from` by `step` through `item` and then its
  // neighbours, that stands for a character of a live text.
  const nearestLive = (item: Y.Item, from: number, step: 1 | -1): Char | null => {
    let offset = from;
    for (let n: Y.Item | null = item; n; n = step < 0 ? n.left : n.right) {
      if (n !== item) offset = step < 0 ? n.length - 1 : 0;
      for (; offset >= 0 && offset < n.length; offset += step) {
        const char = liveChar(Y.createID(n.id.client, n.id.clock + offset));
        if (char) return char;
      }
    }
    return null;
  };

  // Where characters `start .. end-1` of a late insert `item` in an old text go in the live one:
  // after what stands for their left neighbour, or before what stands for their right one.
  const placeFor = (
    item: Y.Item,
    start: number,
    end: number,
    oldText: Y.Text,
  ): { text: Y.Text; index: number } | null => {
    const left = nearestLive(item, start - 1, -1);
    if (left) return { text: left.text, index: indexOf(left) + (left.item.deleted ? 0 : 1) };
    const right = nearestLive(item, end, 1);
    if (right) return { text: right.text, index: indexOf(right) };
    const text = liveSuccessor(oldText);
    return text ? { text, index: 0 } : null;
  };

  const insertLate = (tr: Y.Transaction, oldText: Y.Text, sent: DeleteSet | null) => {
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
        const place = placeFor(item, start, end, oldText);
        if (place) {
          const clock = Y.getState(doc.store, doc.clientID);
          place.text.insert(place.index, str.slice(start, end));
          pair(
            Y.createID(item.id.client, item.id.clock + start),
            end - start,
            Y.createID(doc.clientID, clock),
          );
        }
        start = end;
      }
    }
  };

  // Pairs the characters of `from` with those of `to`, in order (equal lengths).
  const pairAll = (from: Segment[], to: Segment[]) => {
    let f = 0;
    let fOffset = 0;
    for (const seg of to) {
      let offset = 0;
      while (offset < seg.len && f < from.length) {
        const src = from[f] as Segment;
        const len = Math.min(seg.len - offset, src.len - fOffset);
        pair(
          Y.createID(src.client, src.clock + fOffset),
          len,
          Y.createID(seg.client, seg.clock + offset),
        );
        offset += len;
        fOffset += len;
        if (fOffset === src.len) {
          f++;
          fOffset = 0;
        }
      }
    }
  };

  // Writes characters that only the old text had into `into`: after what stands for the nearest
  // character before them in the old text, or before what stands for the nearest after.
  const insertAround = (missing: Segment, oldText: Y.Text, into: Y.Text) => {
    const first = charAt(Y.createID(missing.client, missing.clock));
    if (!first || first.text !== oldText || missing.str === null) return;
    const last = first.offset + missing.len;
    const left = nearestLive(first.item, first.offset - 1, -1);
    const right = left ? null : nearestLive(first.item, last, 1);
    let at = 0;
    if (left && left.text === into) at = indexOf(left) + (left.item.deleted ? 0 : 1);
    else if (right && right.text === into) at = indexOf(right);
    const clock = Y.getState(doc.store, doc.clientID);
    into.insert(at, missing.str);
    pair(Y.createID(missing.client, missing.clock), missing.len, Y.createID(doc.clientID, clock));
  };

  const carryMove = (
    tr: Y.Transaction,
    move: { oldText: Y.Text; newText: Y.Text; cell: Y.Item },
    moverDeletes: DeleteSet | null,
  ) => {
    const { oldText, newText } = move;
    movedAway.add(move.cell);
    // What the host's old text held just before this transaction, with what the mover wrote in
    // it within the transaction (all of it was deleted by the move), against the mover's copy
    // of it as made. What they share is paired; what only the old text has (typing the mover
    // had not seen) is written into the new text, and what only the copy has (deleted
    // meanwhile) is deleted from it. Anything else in the new text (the mover typing in it, in
    // one update with the move) is left alone.
    const held = segments(oldText, (item) => Y.isDeleted(tr.deleteSet, item.id));
    const copy = copySegments(newText);
    successor.set(oldText, newText);
    linked = true;
    // Exactly: the mover's update deleted the characters it saw, and its copy is of those.
    if (moverDeletes && Y.isDeleted(moverDeletes, move.cell.id)) {
      const heldNow = (id: Y.ID) => Y.isDeleted(tr.deleteSet, id);
      const all = textSegments(oldText);
      let seenBy = (id: Y.ID) => Y.isDeleted(moverDeletes, id);
      if (length(all.flatMap((seg) => part(seg, seenBy))) !== length(copy)) {
        // A whole state (after a reconnect) lists what the mover deleted long before, too.
        const listed = seenBy;
        seenBy = (id) => listed(id) && heldNow(id);
      }
      const seen = all.flatMap((seg) => part(seg, seenBy));
      if (length(seen) === length(copy)) {
        pairAll(seen, copy);
        // Deleted here before the mover heard of it: delete it from the copy.
        for (const seg of seen.flatMap((g) => part(g, (id) => !heldNow(id)))) {
          for (let k = 0; k < seg.len; k++) {
            const char = liveChar(Y.createID(seg.client, seg.clock + k));
            if (char && !char.item.deleted) char.text.delete(indexOf(char), 1);
          }
        }
        // Typed here before the mover heard of it: write it into the copy, in its place.
        const unseen = all.flatMap((seg) => part(seg, (id) => !seenBy(id) && heldNow(id)));
        // (Those characters were deleted in this transaction: their content is still there.)
        for (const missing of unseen) insertAround(missing, oldText, newText);
        return;
      }
    }
    // Otherwise by content, from both ends.
    const heldLength = length(held);
    const copyLength = length(copy);
    const { prefix, suffix } = commonEnds(chars(copy), chars(held));
    pairAll(slice(held, 0, prefix), slice(copy, 0, prefix));
    pairAll(
      slice(held, heldLength - suffix, heldLength),
      slice(copy, copyLength - suffix, copyLength),
    );
    for (const seg of slice(copy, prefix, copyLength - suffix)) {
      for (let k = seg.len - 1; k >= 0; k--) {
        const char = charAt(Y.createID(seg.client, seg.clock + k));
        if (char && !char.item.deleted) newText.delete(indexOf(char), 1);
      }
    }
    const missing = slice(held, prefix, heldLength - suffix);
    const before = slice(copy, 0, prefix).at(-1);
    const after = slice(copy, copyLength - suffix, copyLength)[0];
    const str = missing.map((m) => m.str).join('');
    if (str.length === 0) return;
    const clock = Y.getState(doc.store, doc.clientID);
    const left = before && charAt(Y.createID(before.client, before.clock + before.len - 1));
    const right = after && charAt(Y.createID(after.client, after.clock));
    let at = 0;
    if (left) at = indexOf(left) + (left.item.deleted ? 0 : 1);
    else if (right) at = indexOf(right);
    newText.insert(at, str);
    pairAll(missing, [{ client: doc.clientID, clock, len: str.length, str }]);
  };

  // Two guests moved the same cell at once: the first move to arrive stays, the second copy is
  // deleted (its typing so far is already in the first: it reached the host through the old text,
  // before this copy). Its characters lead to those it was copied from, when the sender's update
  // says which (the characters of the cell it deleted to make this copy), else to the kept text's.
  const mergeDuplicate = (
    copy: Y.Map<unknown>,
    copyText: Y.Text,
    kept: Y.Text,
    sent: DeleteSet | null,
  ) => {
    linked = true;
    const made = copySegments(copyText);
    const source = sent ? copiedFrom(sent, copy.get('id')) : null;
    const seen =
      source && sent
        ? textSegments(source).flatMap((seg) => part(seg, (id) => Y.isDeleted(sent, id)))
        : [];
    if (source && length(seen) === length(made)) {
      pairAll(made, seen);
      successor.set(copyText, source);
    } else {
      const from = segments(copyText, (item) => !item.deleted);
      const to = segments(kept, (item) => !item.deleted);
      const { prefix, suffix } = commonEnds(chars(from), chars(to));
      const fromLength = length(from);
      const toLength = length(to);
      pairAll(slice(from, 0, prefix), slice(to, 0, prefix));
      pairAll(slice(from, fromLength - suffix, fromLength), slice(to, toLength - suffix, toLength));
      successor.set(copyText, kept);
    }
    if (copy._item) movedAway.add(copy._item);
    const index = cells.toArray().indexOf(copy);
    if (index >= 0) cells.delete(index, 1);
  };

  // The source text of a dead cell with id `id` whose map the update deleting `sent` deleted.
  const copiedFrom = (sent: DeleteSet, id: unknown): Y.Text | null => {
    let found: Y.Text | null = null;
    itemsIn(doc, sent, (item) => {
      const map =
        item.parent === cells && item.content instanceof Y.ContentType && item.content.type;
      if (found || !(map instanceof Y.Map)) return;
      const text = rawValue(map, 'source');
      if (rawValue(map, 'id') === id && text instanceof Y.Text) found = text;
    });
    return found;
  };

  // A failure here must not fail applying the client's update (the client would be cut off).
  const guarded =
    <A extends unknown[]>(f: (...args: A) => void) =>
    (...args: A) => {
      try {
        f(...args);
      } catch (e) {
        console.error('pairbook: could not carry an edit into a moved cell', e);
      }
    };

  const onAfterTransaction = guarded((tr: Y.Transaction) => {
    if (tr.local) return;
    // The deletions of the update this transaction applied, if it was shown first.
    const sent = senderDeletes;
    senderDeletes = null;
    const cellsChanged = (tr.changed as Map<unknown, unknown>).has(cells);
    const late = linked ? textsWithNewItems(tr, (t) => successor.has(t)) : new Set<Y.Text>();
    const moves = cellsChanged ? movesIn(tr, cells) : [];
    const duplicates = cellsChanged ? duplicatesIn(tr, cells) : [];
    if (late.size > 0 || moves.length > 0 || duplicates.length > 0) {
      doc.transact(() => {
        late.forEach((text) => insertLate(tr, text, sent));
        for (const m of moves) carryMove(tr, m, sent);
        for (const d of duplicates) mergeDuplicate(d.copy, d.copyText, d.kept, sent);
      }, MOVE_CARRY_ORIGIN);
    }
  });
  doc.on('afterTransaction', onAfterTransaction);

  const noteUpdate = guarded((update: Uint8Array) => {
    let ds: DeleteSet;
    try {
      ds = Y.decodeUpdate(update).ds;
    } catch {
      return; // the session refuses it itself
    }
    senderDeletes = ds;
    if (!linked) return;
    const targets: Y.ID[] = [];
    itemsIn(doc, ds, (s, from, to) => {
      if (!(s.parent instanceof Y.Text)) return;
      // A sender that knew the cell was deleted (it moved it, or learnt of the move) lists the
      // old text's characters as part of that deletion, not as its own.
      if (!successor.has(s.parent) || cellDeletedIn(ds, s.parent)) return;
      for (let c = from; c < to; c++) targets.push(Y.createID(s.id.client, c));
    });
    if (targets.length === 0) return;
    doc.transact(() => {
      for (const id of targets) {
        const char = liveChar(id);
        if (char && !char.item.deleted) char.text.delete(indexOf(char), 1);
      }
    }, MOVE_CARRY_ORIGIN);
  });

  const carry: MoveCarry = {
    noteUpdate,
    stop: () => {
      doc.off('afterTransaction', onAfterTransaction);
      doc.gcFilter = previousFilter;
      carries.delete(doc);
    },
  };
  carries.set(doc, carry);
  return carry;
}

/**
 * True for the parts of a moved cell's old map that must outlive its deletion for late edits to
 * find their place: the map, and its `id` and `source` entries. The old text's characters still
 * lose their content, and everything else (outputs, metadata) is collected as usual; so are cells
 * deleted without a move.
 */
function keepStructure(
  item: Y.Item,
  cells: Y.Array<Y.Map<unknown>>,
  movedAway: WeakSet<Y.Item>,
): boolean {
  if (item.parent === cells) return movedAway.has(item);
  const parent = item.parent as Y.AbstractType<unknown> | null;
  const cell = parent instanceof Y.Map ? parent._item : null;
  return (
    !!cell &&
    cell.parent === cells &&
    movedAway.has(cell) &&
    (item.parentSub === 'source' || item.parentSub === 'id')
  );
}

/** Cells deleted in `tr` whose id a live cell has: the old and the new source. */
function movesIn(
  tr: Y.Transaction,
  cells: Y.Array<Y.Map<unknown>>,
): Array<{ oldText: Y.Text; newText: Y.Text; cell: Y.Item }> {
  const dead: Array<{ id: string; oldText: Y.Text; cell: Y.Item }> = [];
  Y.iterateDeletedStructs(tr, tr.deleteSet, (s) => {
    if (!(s instanceof Y.Item) || s.parent !== cells || !(s.content instanceof Y.ContentType)) {
      return;
    }
    const map = s.content.type;
    if (!(map instanceof Y.Map)) return;
    const id = rawValue(map, 'id');
    const oldText = rawValue(map, 'source');
    if (typeof id === 'string' && oldText instanceof Y.Text) dead.push({ id, oldText, cell: s });
  });
  if (dead.length === 0) return [];
  const live = new Map<string, Y.Text>();
  cells.forEach((cell) => {
    const id = cell.get('id');
    const source = cell.get('source');
    if (typeof id === 'string' && source instanceof Y.Text && !live.has(id)) live.set(id, source);
  });
  return dead.flatMap(({ id, oldText, cell }) => {
    const newText = live.get(id);
    return newText && newText !== oldText ? [{ oldText, newText, cell }] : [];
  });
}

/** Cells new in `tr` whose id a cell that was already there has: a second, concurrent move. */
function duplicatesIn(
  tr: Y.Transaction,
  cells: Y.Array<Y.Map<unknown>>,
): Array<{ copy: Y.Map<unknown>; copyText: Y.Text; kept: Y.Text }> {
  const all = cells.toArray();
  const fresh = all.filter((cell) => cell._item && isNewIn(tr, cell._item));
  if (fresh.length === 0) return [];
  const older = new Map<string, Y.Text>();
  for (const cell of all) {
    const id = cell.get('id');
    const text = cell.get('source');
    if (
      cell._item &&
      !isNewIn(tr, cell._item) &&
      typeof id === 'string' &&
      text instanceof Y.Text
    ) {
      older.set(id, text);
    }
  }
  return fresh.flatMap((copy) => {
    const kept = older.get(copy.get('id') as string);
    const copyText = copy.get('source');
    return kept && copyText instanceof Y.Text ? [{ copy, copyText, kept }] : [];
  });
}

/**
 * Calls `f` for each item of `doc` that `ds` names (not for what `doc` does not have yet), with
 * the clocks `from .. to-1` of it that `ds` names.
 */
function itemsIn(
  doc: Y.Doc,
  ds: DeleteSet,
  f: (item: Y.Item, from: number, to: number) => void,
): void {
  for (const [client, ranges] of ds.clients) {
    const state = Y.getState(doc.store, client);
    const structs = doc.store.clients.get(client) ?? [];
    for (const { clock, len } of ranges) {
      const end = Math.min(clock + len, state);
      if (clock >= end) continue;
      for (let i = Y.findIndexSS(structs, clock); i < structs.length; i++) {
        const s = structs[i] as Y.Item | Y.GC;
        if (s.id.clock >= end) break;
        if (s instanceof Y.Item) {
          f(s, Math.max(clock, s.id.clock), Math.min(end, s.id.clock + s.length));
        }
      }
    }
  }
}

/** The texts matching `wanted` that got new items in `tr`. */
function textsWithNewItems(tr: Y.Transaction, wanted: (t: Y.Text) => boolean): Set<Y.Text> {
  const found = new Set<Y.Text>();
  tr.afterState.forEach((after, client) => {
    const before = tr.beforeState.get(client) ?? 0;
    if (after <= before) return;
    const structs = tr.doc.store.clients.get(client) ?? [];
    for (let i = Y.findIndexSS(structs, before); i < structs.length; i++) {
      const s = structs[i];
      if (s instanceof Y.Item && s.parent instanceof Y.Text && wanted(s.parent))
        found.add(s.parent);
    }
  });
  return found;
}

function isNewIn(tr: Y.Transaction, item: Y.Item): boolean {
  return item.id.clock >= (tr.beforeState.get(item.id.client) ?? 0);
}

/** A map entry's value even when the map is deleted (Y.Map.get then says undefined). */
function rawValue(map: Y.Map<unknown>, key: string): unknown {
  const entry = map._map.get(key);
  return entry?.content.getContent().at(-1);
}

/** True when neither the text nor any map or array holding it is deleted. */
function isLive(text: Y.Text): boolean {
  for (let item = text._item; item; item = (item.parent as Y.AbstractType<unknown>)._item) {
    if (item.deleted) return false;
  }
  return true;
}

/** True when the cell holding `text` is deleted by `ds`. */
function cellDeletedIn(ds: DeleteSet, text: Y.Text): boolean {
  const cellItem = (text._item?.parent as Y.AbstractType<unknown> | undefined)?._item;
  return !!cellItem && Y.isDeleted(ds, cellItem.id);
}
