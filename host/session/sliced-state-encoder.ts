import * as encoding from 'lib0/encoding';
import * as Y from 'yjs';

/** What a store struct (an Item or a GC) offers the encoder; Yjs does not export these types. */
interface Struct {
  id: { client: number; clock: number };
  length: number;
  write(encoder: Y.UpdateEncoderV1, offset: number): void;
}

/** Structs written between two looks at the clock. */
const STRUCTS_PER_CLOCK_CHECK = 16;

/**
 * Encodes a document's whole state as a series of Yjs updates, a slice at a time, so that
 * encoding a large document (250 ms for 20 MB in one Y.encodeStateAsUpdate) never holds the
 * event loop long. Applied in order to an empty document, the slices make the document as it
 * is when last() is called, whatever was edited between slices:
 *
 * - next() encodes the structs that existed when the encoder was made, client by client, in
 *   clock order, as far as a deadline allows (a struct split, merged or collected meanwhile is
 *   still found by its clock; one written twice is ignored by Yjs the second time);
 * - last() encodes whatever came after that state, and the delete set of the document as it is
 *   now (deletions made after a struct was written are in it).
 */
export class SlicedStateEncoder {
  /** Each client's clock when the encoder was made: next() encodes up to it. */
  private readonly start: Map<number, number>;
  private readonly clients: number[];
  private clientIndex = 0;
  private clock = 0;

  constructor(private readonly doc: Y.Doc) {
    this.start = new Map();
    (doc.store.clients as Map<number, Struct[]>).forEach((structs, client) => {
      const last = structs[structs.length - 1];
      if (last) this.start.set(client, last.id.clock + last.length);
    });
    // Higher client ids first, as Yjs writes them.
    this.clients = [...this.start.keys()].sort((a, b) => b - a);
  }

  /** True when next() has nothing left to encode: last() completes the state. */
  get done(): boolean {
    return this.clientIndex >= this.clients.length;
  }

  /**
   * Encodes the next structs, until `deadline` (a performance.now() time) or the end of one
   * client's structs; null when done.
   */
  next(deadline: number): Uint8Array | null {
    if (this.done) return null;
    const client = this.clients[this.clientIndex]!;
    const end = this.start.get(client)!;
    const structs = this.doc.store.clients.get(client) as Struct[];
    const from = this.clock;
    const body = new Y.UpdateEncoderV1();
    let count = 0;
    let clock = from;
    for (let i = Y.findIndexSS(structs as never, from); i < structs.length && clock < end; i++) {
      const struct = structs[i]!;
      struct.write(body, clock - struct.id.clock);
      clock = struct.id.clock + struct.length;
      count++;
      if (count % STRUCTS_PER_CLOCK_CHECK === 0 && performance.now() > deadline) break;
    }
    if (clock >= end) {
      this.clientIndex++;
      this.clock = 0;
    } else this.clock = clock;
    return update(client, from, count, body);
  }

  /** The structs made since the encoder was, and the document's whole delete set now. */
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

/** A Yjs (v1) update of `count` structs of one client from `clock`, and no deletions. */
function update(client: number, clock: number, count: number, body: Y.UpdateEncoderV1): Uint8Array {
  const head = encoding.createEncoder();
  encoding.writeVarUint(head, 1); // one client
  encoding.writeVarUint(head, count);
  encoding.writeVarUint(head, client);
  encoding.writeVarUint(head, clock);
  const tail = encoding.createEncoder();
  encoding.writeVarUint(tail, 0); // an empty delete set
  const parts = [encoding.toUint8Array(head), body.toUint8Array(), encoding.toUint8Array(tail)];
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}
