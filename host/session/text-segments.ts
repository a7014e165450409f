// Runs of characters of a Y.Text named by their Yjs ids, for pairing the characters of two texts
// (a moved cell's old source and its copy): what an item holds, what the mover's copy was made
// of, how two runs of characters match at their ends.
import * as Y from 'yjs';

/**
 * Consecutive characters of one item: ids `clock .. clock+len-1` of `client`; `str` is null
 * when the item's content is gone (deleted and collected).
 */
export interface Segment {
  client: number;
  clock: number;
  len: number;
  str: string | null;
}

/** A character of a text: its item and its offset in that item. */
export interface Char {
  text: Y.Text;
  item: Y.Item;
  offset: number;
}

/** The characters of `text`'s string items that `keep` accepts, in order. */
export function segments(text: Y.Text, keep: (item: Y.Item) => boolean): Segment[] {
  const found: Segment[] = [];
  for (let item = text._start; item; item = item.right) {
    if (item.content instanceof Y.ContentString && keep(item)) {
      const { client, clock } = item.id;
      found.push({ client, clock, len: item.length, str: item.content.str });
    }
  }
  return found;
}

/** One entry per character: the character, or null where the content is gone. */
export function chars(segs: Segment[]): Array<string | null> {
  return segs.flatMap((s) => (s.str === null ? new Array<null>(s.len).fill(null) : [...s.str]));
}

/**
 * How many characters `a` and `b` share at their start and at their end (not overlapping); a
 * null in `a` matches anything (a character the mover had, and deleted again before sending).
 * A surrogate pair is never cut.
 */
export function commonEnds(
  a: Array<string | null>,
  b: Array<string | null>,
): { prefix: number; suffix: number } {
  const same = (x: string | null | undefined, y: string | null | undefined) =>
    x === null || y === null || x === y;
  let prefix = 0;
  while (prefix < a.length && prefix < b.length && same(a[prefix], b[prefix])) prefix++;
  if (prefix > 0 && isHighSurrogate(b[prefix - 1])) prefix--;
  let suffix = 0;
  const room = Math.min(a.length, b.length) - prefix;
  while (suffix < room && same(a[a.length - 1 - suffix], b[b.length - 1 - suffix])) suffix++;
  if (suffix > 0 && isLowSurrogate(b[b.length - suffix])) suffix--;
  return { prefix, suffix };
}

const isHighSurrogate = (c: string | null | undefined) => !!c && /[\uD800-\uDBFF]/.test(c);

const isLowSurrogate = (c: string | null | undefined) => !!c && /[\uDC00-\uDFFF]/.test(c);

/**
 * The characters of the mover's copy in a moved cell's new text, as it made them (deleted ones
 * too, their content as null once collected): one insert into the empty text, so its first piece
 * has no origins and each further piece (after edits split it) continues the clocks with the
 * piece before as its origin.
 */
export function copySegments(text: Y.Text): Segment[] {
  let first: Y.Item | null = null;
  for (let item = text._start; item && !first; item = item.right) {
    const content = item.content;
    const isText = content instanceof Y.ContentString || content instanceof Y.ContentDeleted;
    if (item.origin === null && item.rightOrigin === null && isText) first = item;
  }
  if (!first) return [];
  const byClock = new Map<number, Y.Item>();
  for (let item = text._start; item; item = item.right) {
    if (item.id.client === first.id.client) byClock.set(item.id.clock, item);
  }
  const pieces = new Set<Y.Item>([first]);
  for (let prev = first; ;) {
    const next = byClock.get(prev.id.clock + prev.length);
    const prevLast = prev.id.clock + prev.length - 1;
    const origin = next?.origin;
    if (!next || origin?.client !== first.id.client || origin.clock !== prevLast) break;
    pieces.add(next);
    prev = next;
  }
  const found: Segment[] = [];
  for (let item = text._start; item; item = item.right) {
    if (!pieces.has(item)) continue;
    const { client, clock } = item.id;
    const str = item.content instanceof Y.ContentString ? item.content.str : null;
    found.push({ client, clock, len: item.length, str });
  }
  return found;
}

/** The pieces of `seg` whose characters `keep` accepts. */
export function part(seg: Segment, keep: (id: Y.ID) => boolean): Segment[] {
  return splitBy([seg], keep)
    .filter((p) => p.seen)
    .map((p) => p.seg);
}

/** `segs` cut where `seen` changes from one character to the next, in order. */
export function splitBy(
  segs: Segment[],
  seen: (id: Y.ID) => boolean,
): Array<{ seg: Segment; seen: boolean }> {
  const parts: Array<{ seg: Segment; seen: boolean }> = [];
  for (const seg of segs) {
    let start = 0;
    while (start < seg.len) {
      const first = seen(Y.createID(seg.client, seg.clock + start));
      let end = start + 1;
      while (end < seg.len && seen(Y.createID(seg.client, seg.clock + end)) === first) end++;
      parts.push({ seg: slice([seg], start, end)[0] as Segment, seen: first });
      start = end;
    }
  }
  return parts;
}

export const length = (segs: Segment[]) => segs.reduce((n, s) => n + s.len, 0);

/** Every character of `text`, deleted or not, in order (deleted content as null). */
export function textSegments(text: Y.Text): Segment[] {
  const found: Segment[] = [];
  for (let item = text._start; item; item = item.right) {
    const { content } = item;
    if (!(content instanceof Y.ContentString) && !(content instanceof Y.ContentDeleted)) continue;
    const { client, clock } = item.id;
    const str = content instanceof Y.ContentString ? content.str : null;
    found.push({ client, clock, len: item.length, str });
  }
  return found;
}

/** Characters `start .. end-1` of `segs`. */
export function slice(segs: Segment[], start: number, end: number): Segment[] {
  const out: Segment[] = [];
  let at = 0;
  for (const seg of segs) {
    const from = Math.max(start, at);
    const to = Math.min(end, at + seg.len);
    if (from < to) {
      const offset = from - at;
      out.push({
        client: seg.client,
        clock: seg.clock + offset,
        len: to - from,
        str: seg.str === null ? null : seg.str.slice(offset, offset + to - from),
      });
    }
    at += seg.len;
  }
  return out;
}

/** The index of `char` in its text (where it is, or was if deleted). */
export function indexOf(char: Char): number {
  let index = char.item.deleted ? 0 : char.offset;
  for (let n = char.item.left; n; n = n.left) if (!n.deleted && n.countable) index += n.length;
  return index;
}
