// What each character of a moved cell's old text stands for now, for the move carry
// (move-carry.ts): runs of characters paired with their counterparts in the text they were carried
// into, and each old text's successor. Counterparts chain, so a character of a text moved twice
// leads to its counterpart in the live text, and a late edit finds its place there.
import * as Y from 'yjs';
import { type Char, type Segment, indexOf } from './text-segments';
import { runHolding } from '../document/clock-runs';

/** Characters `clock .. clock+len-1` of one client, paired with consecutive characters `to…`. */
interface Run {
  clock: number;
  len: number;
  to: Y.ID;
}

// Longest chain of counterparts followed (a cell moved this many times while someone typed).
const MAX_HOPS = 1000;

export class Counterparts {
  /** True once a text has a successor: until then nothing can need carrying. */
  linked = false;
  private readonly successor = new WeakMap<Y.Text, Y.Text>();
  private readonly runs = new Map<number, Run[]>();

  constructor(private readonly doc: Y.Doc) {}

  /** What `from` held goes on in `to` (a moved cell's old text, and the moved cell's). */
  link(from: Y.Text, to: Y.Text): void {
    this.successor.set(from, to);
    this.linked = true;
  }

  /** True when `text` was moved: it has a successor. */
  moved(text: Y.Text): boolean {
    return this.successor.has(text);
  }

  /** Pairs characters `from…` of one client with `len` consecutive characters `to…`. */
  pair(from: Y.ID, len: number, to: Y.ID): void {
    if (len <= 0) return;
    const list = this.runs.get(from.client) ?? [];
    let i = list.length;
    while (i > 0 && (list[i - 1] as Run).clock > from.clock) i--;
    list.splice(i, 0, { clock: from.clock, len, to });
    this.runs.set(from.client, list);
  }

  /** Pairs the characters of `from` with those of `to`, in order (equal lengths). */
  pairAll(from: Segment[], to: Segment[]): void {
    let f = 0;
    let fOffset = 0;
    for (const seg of to) {
      let offset = 0;
      while (offset < seg.len && f < from.length) {
        const src = from[f] as Segment;
        const len = Math.min(seg.len - offset, src.len - fOffset);
        this.pair(
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
  }

  /** The character `id` of a text of the document; null when there is none. */
  charAt(id: Y.ID): Char | null {
    const { store } = this.doc;
    if (id.clock >= Y.getState(store, id.client)) return null;
    const item = Y.getItem(store, id);
    if (!(item instanceof Y.Item) || !(item.parent instanceof Y.Text)) return null;
    return { text: item.parent, item, offset: id.clock - item.id.clock };
  }

  /**
   * The character `id` stands for now: itself in a live text, or its counterpart's, followed
   * through every move since. Null when the cell was deleted or the character has no counterpart.
   */
  liveChar(id: Y.ID): Char | null {
    let current: Y.ID | null = id;
    for (let hop = 0; current && hop < MAX_HOPS; hop++) {
      const char = this.charAt(current);
      if (!char) return null;
      if (!this.successor.has(char.text)) return isLive(char.text) ? char : null;
      current = this.counterpart(current);
    }
    return null;
  }

  /** Deletes the character `id` stands for now, if it is still there. */
  deleteLive(id: Y.ID): void {
    const char = this.liveChar(id);
    if (char && !char.item.deleted) char.text.delete(indexOf(char), 1);
  }

  /**
   * The first character, walking from `from` by `step` through `item` and then its neighbours,
   * that stands for a character of a live text.
   */
  nearestLive(item: Y.Item, from: number, step: 1 | -1): Char | null {
    let offset = from;
    for (let n: Y.Item | null = item; n; n = step < 0 ? n.left : n.right) {
      if (n !== item) offset = step < 0 ? n.length - 1 : 0;
      for (; offset >= 0 && offset < n.length; offset += step) {
        const char = this.liveChar(Y.createID(n.id.client, n.id.clock + offset));
        if (char) return char;
      }
    }
    return null;
  }

  /**
   * Where characters `start .. end-1` of a late insert `item` in an old text go in the live one:
   * after what stands for their left neighbour, or before what stands for their right one.
   */
  placeFor(
    item: Y.Item,
    start: number,
    end: number,
    oldText: Y.Text,
  ): { text: Y.Text; index: number } | null {
    const left = this.nearestLive(item, start - 1, -1);
    if (left) return { text: left.text, index: indexAfter(left) };
    const right = this.nearestLive(item, end, 1);
    if (right) return { text: right.text, index: indexOf(right) };
    const text = this.liveSuccessor(oldText);
    return text ? { text, index: 0 } : null;
  }

  private liveSuccessor(text: Y.Text): Y.Text | null {
    let t: Y.Text | undefined = text;
    for (let hop = 0; t && hop < MAX_HOPS; hop++) {
      if (!this.successor.has(t)) return isLive(t) ? t : null;
      t = this.successor.get(t);
    }
    return null;
  }

  private counterpart(id: Y.ID): Y.ID | null {
    const list = this.runs.get(id.client);
    const r =
      list &&
      runHolding(
        list,
        id.clock,
        (run) => run.clock,
        (run) => run.len,
      );
    return r ? Y.createID(r.to.client, r.to.clock + id.clock - r.clock) : null;
  }
}

/** The index just after `char` in its text (at its place when it is deleted). */
export function indexAfter(char: Char): number {
  return indexOf(char) + (char.item.deleted ? 0 : 1);
}

/** True when neither the text nor any map or array holding it is deleted. */
function isLive(text: Y.Text): boolean {
  for (let item = text._item; item; item = (item.parent as Y.AbstractType<unknown>)._item) {
    if (item.deleted) return false;
  }
  return true;
}
