// A document's whole state encoded a slice at a time on the event loop, as ONE update, for a
// fresh replica's first sync (full-state-cache.ts). SlicedStateEncoder (the journal's) makes one
// update per slice, which a journal replays in order; a guest given them as messages would hold
// the structs of each that point at a later one as pending and merge every later message into
// them (quadratic in a large notebook). Here each client's structs are written a slice at a time
// and joined into one update at the end, a megabyte a turn, without decoding or merging anything:
//
// - next() writes the structs that existed when the slicer was made, client by client, in clock
//   order, as far as a deadline allows. A struct split, merged or collected meanwhile is still
//   found by its clock; one written twice (in part() and in last()) is ignored by Yjs the second
//   time. A text struct longer than PIECE_CHARS (a 16 MB paste is one) is written in pieces,
//   each as the item Yjs itself would split off at that point, so no slice holds the loop for
//   the whole of it (writing a 16 MB string took 50-300 ms).
// - part() joins what next() wrote: the document as it was when the slicer was made.
// - last() encodes whatever came after that state, and the delete set of the document now.
// Applied in order to an empty document, part() then last() make the document as it is when
// last() is called. When much came meanwhile (a 16 MiB paste), a second slicer made from the
// first one's state writes it in slices too, and so on: part(), part() of the next, …, last().
import * as encoding from 'lib0/encoding';
import * as Y from 'yjs';
import { nextSlice } from '../document/loop-slices';

/** What a store struct (an Item or a GC) offers the encoder; Yjs does not export these types. */
interface Struct {
  id: Y.ID;
  length: number;
  write(encoder: Y.UpdateEncoderV1, offset: number): void;
}

/** Structs written between two looks at the clock. */
const STRUCTS_PER_CLOCK_CHECK = 16;
/** A text struct longer than this (in UTF-16 units) is written in pieces this long. */
export const PIECE_CHARS = 256 * 1024;
/** Bytes part() copies in one turn of the event loop. */
const COPY_BYTES_PER_TURN = 1024 * 1024;

/** One client's structs, as written: their count and bytes. */
interface ClientStructs {
  client: number;
  count: number;
  chunks: Uint8Array[];
}

export class WholeStateSlicer {
  /** Each client's clock when the slicer was made: next() encodes up to it. */
  private readonly start = new Map<number, number>();
  private readonly clients: number[];
  private clientIndex = 0;
  private clock = 0;
  private readonly written: ClientStructs[] = [];
  private writtenBytes = 0;

  /**
   * Writes the structs from `from` (each client's clock: where an earlier slicer's state ended;
   * nothing, the whole document) to the document's state now.
   */
  constructor(
    private readonly doc: Y.Doc,
    private readonly from: ReadonlyMap<number, number> = new Map(),
  ) {
    (doc.store.clients as Map<number, Struct[]>).forEach((structs, client) => {
      const last = structs[structs.length - 1];
      if (last) this.start.set(client, last.id.clock + last.length);
    });
    // Higher client ids first, as Yjs writes them; only those with structs past `from`.
    this.clients = [...this.start.keys()]
      .filter((c) => this.start.get(c)! > (from.get(c) ?? 0))
      .sort((a, b) => b - a);
    this.clock = this.clients.length > 0 ? (from.get(this.clients[0]!) ?? 0) : 0;
  }

  /** Each client's clock where this slicer's state ends (where a next one would begin). */
  get state(): ReadonlyMap<number, number> {
    return this.start;
  }

  /** How far the document has moved past this slicer's state, in clock units (characters). */
  get behind(): number {
    let n = 0;
    (this.doc.store.clients as Map<number, Struct[]>).forEach((structs, client) => {
      const last = structs[structs.length - 1];
      if (last) n += last.id.clock + last.length - (this.start.get(client) ?? 0);
    });
    return n;
  }

  /** True when next() has nothing left to write. */
  get done(): boolean {
    return this.clientIndex >= this.clients.length;
  }

  /** Writes the next structs, until `deadline` (a performance.now() time) or one client's end. */
  next(deadline: number): void {
    if (this.done) return;
    const client = this.clients[this.clientIndex]!;
    const end = this.start.get(client)!;
    const structs = this.doc.store.clients.get(client) as Struct[];
    let mine = this.written[this.written.length - 1];
    if (mine?.client !== client) this.written.push((mine = { client, count: 0, chunks: [] }));
    const body = new Y.UpdateEncoderV1();
    let count = 0;
    let clock = this.clock;
    for (let i = Y.findIndexSS(structs as never, clock); i < structs.length && clock < end;) {
      const struct = structs[i]!;
      const offset = clock - struct.id.clock;
      const piece = pieceLength(struct, offset);
      if (piece === null) {
        struct.write(body, offset);
        clock = struct.id.clock + struct.length;
        i++;
      } else {
        writePiece(body, struct as unknown as Y.Item, offset, piece);
        clock += piece;
      }
      count++;
      if ((piece !== null || count % STRUCTS_PER_CLOCK_CHECK === 0) && performance.now() > deadline)
        break;
    }
    if (clock >= end) {
      this.clientIndex++;
      const following = this.clients[this.clientIndex];
      this.clock = following === undefined ? 0 : (this.from.get(following) ?? 0);
    } else this.clock = clock;
    const bytes = body.toUint8Array();
    mine.count += count;
    mine.chunks.push(bytes);
    this.writtenBytes += bytes.length;
  }

  /**
   * The structs next() wrote, as one update framed as `head` and the update's length (a sync
   * message, without a second copy of the update): copied a megabyte a turn, taking turns with
   * other sliced work. Call once done.
   */
  async part(head: (updateBytes: number) => Uint8Array): Promise<Uint8Array> {
    const heads = this.written.map(({ client, count }) => {
      const enc = encoding.createEncoder();
      encoding.writeVarUint(enc, count);
      encoding.writeVarUint(enc, client);
      encoding.writeVarUint(enc, this.from.get(client) ?? 0);
      return encoding.toUint8Array(enc);
    });
    const clients = encoding.createEncoder();
    encoding.writeVarUint(clients, this.written.length);
    const first = encoding.toUint8Array(clients);
    const length = first.length + heads.reduce((n, h) => n + h.length, 0) + this.writtenBytes + 1; // + empty delete set
    const frame = head(length);
    const out = new Uint8Array(frame.length + length);
    out.set(frame);
    let at = frame.length;
    const put = (bytes: Uint8Array) => {
      out.set(bytes, at);
      at += bytes.length;
    };
    put(first);
    let turn = 0;
    for (let c = 0; c < this.written.length; c++) {
      put(heads[c]!);
      const { chunks } = this.written[c]!;
      for (let k = 0; k < chunks.length; k++) {
        put(chunks[k]!);
        turn += chunks[k]!.length;
        chunks[k] = EMPTY; // let it go as soon as it is copied
        if (turn >= COPY_BYTES_PER_TURN) {
          turn = 0;
          await nextSlice();
        }
      }
    }
    out[at++] = 0; // no deletions: last() carries the delete set
    if (at !== out.length)
      throw new Error('whole-state slicer: the update is not the length counted');
    this.written.length = 0;
    return out;
  }

  /** The structs made since the slicer was, and the document's whole delete set now. */
  last(): Uint8Array {
    const state = encoding.createEncoder();
    encoding.writeVarUint(state, this.start.size);
    this.start.forEach((clock, client) => {
      encoding.writeVarUint(state, client);
      encoding.writeVarUint(state, clock);
    });
    return Y.encodeStateAsUpdate(this.doc, encoding.toUint8Array(state));
  }
}

const EMPTY = new Uint8Array(0);

/**
 * How much of a long text struct to write from `offset` as a piece, or null to write the rest of
 * the struct whole (not text, or short enough). A piece never ends inside a surrogate pair.
 */
function pieceLength(struct: Struct, offset: number): number | null {
  const content = (struct as unknown as { content?: unknown }).content;
  if (!(content instanceof Y.ContentString) || struct.length - offset <= PIECE_CHARS) return null;
  let piece = PIECE_CHARS;
  const last = content.str.charCodeAt(offset + piece - 1);
  if (last >= 0xd800 && last <= 0xdbff) piece--;
  return piece;
}

/**
 * Writes `length` characters of text item `item` from `offset`: the item Yjs splits off there
 * (its origin the character before, its right origin and parent the item's).
 */
function writePiece(body: Y.UpdateEncoderV1, item: Y.Item, offset: number, length: number): void {
  const { client, clock } = item.id;
  const str = (item.content as Y.ContentString).str;
  const piece = new Y.Item(
    Y.createID(client, clock + offset),
    null,
    offset > 0 ? Y.createID(client, clock + offset - 1) : item.origin,
    null,
    item.rightOrigin,
    item.parent,
    item.parentSub,
    new Y.ContentString(str.slice(offset, offset + length)),
  );
  piece.write(body, 0);
}
