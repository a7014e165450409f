import * as Y from 'yjs';
import { type JsonObject, stringifyPython } from '../../protocol/python-json';
import {
  type SaveHint,
  cellFromMap,
  cellToFile,
  cellsOf,
  malformedCell,
  metaOf,
  serializeNotebook,
  toJson,
} from '../../protocol/ydoc-nbformat';
import { SLICE_MS, nextSlice } from './loop-slices';

/** Longest one slice of warm() runs before it lets the event loop serve others. */
export const WARM_SLICE_MS = SLICE_MS;

/** How the top level writes an empty cells list; the cells' text goes in its place. */
const EMPTY_CELLS = '\n "cells": []';
const CELLS_OPEN = Buffer.from('\n "cells": [\n  ');
const CELLS_CLOSE = Buffer.from('\n ]');
const BETWEEN_CELLS = Buffer.from(',\n  ');

interface Piece {
  /**
   * The cell's text as it sits in the file's cells list (indented, without the comma), as UTF-8:
   * bytes live outside the JavaScript heap, so the cache costs the garbage collector nothing to
   * keep, and a save has nothing left to encode. A cell's text is whole JSON, so the bytes of the
   * cells one after another are the bytes of their text joined.
   */
  bytes: Uint8Array;
  id: string;
  minor: number;
}

/**
 * Writes a notebook document byte for byte as serializeNotebook(doc, hint) does, but keeps each
 * cell's text (as UTF-8) until that cell changes: after typing in one cell, a save serializes that cell
 * and the top level only. warm() fills the cache in short slices, off the critical path, so no
 * save holds the event loop for the whole notebook.
 */
export class CellSerializationCache {
  private pieces = new WeakMap<Y.Map<unknown>, Piece>();
  private hint: SaveHint | undefined;
  private readonly cells: Y.Array<Y.Map<unknown>>;

  constructor(private readonly doc: Y.Doc) {
    this.cells = cellsOf(doc);
    this.cells.observeDeep(this.invalidate);
  }

  /** Uses `hint` from now on (a new one forgets every cell's text). */
  useHint(hint: SaveHint | undefined): void {
    if (hint === this.hint) return;
    this.hint = hint;
    this.pieces = new WeakMap();
  }

  /**
   * Serializes every cell not cached yet in slices of about `sliceMs`, taking turns with other
   * sliced work (loop-slices.ts); stops early when `stop()` says so.
   */
  async warm(stop: () => boolean = () => false, sliceMs = WARM_SLICE_MS): Promise<void> {
    let sliceStart = performance.now();
    for (let i = 0; i < this.cells.length && !stop(); i++) {
      const cell: unknown = this.cells.get(i);
      if (malformedCell(cell, i) === null) this.piece(cell as Y.Map<unknown>, this.minor());
      if (performance.now() - sliceStart > sliceMs) {
        await nextSlice();
        sliceStart = performance.now();
      }
    }
  }

  /** The file's text: exactly serializeNotebook(doc, hint), from the cached cells. */
  serialize(): string {
    return Buffer.concat(this.serializeInParts()).toString('utf8');
  }

  /**
   * The file's UTF-8 bytes in parts that concatenate to serialize()'s: joining a large notebook
   * into one buffer is left to whoever can do it in slices.
   */
  serializeInParts(): Uint8Array[] {
    const minor = this.minor();
    const texts: Uint8Array[] = [];
    const ids = new Set<string>();
    const cells = this.cells.toArray() as unknown[];
    const mended = () => [Buffer.from(serializeNotebook(this.doc, this.hint))];
    for (let i = 0; i < cells.length; i++) {
      // A cell whose text is cached was well formed then and is unchanged since. An entry that
      // is not a cell, or a repeated id: serializeNotebook reports and mends them.
      const entry = cells[i];
      const cached = entry instanceof Y.Map ? this.pieces.get(entry) : undefined;
      let piece: Piece | null = cached?.minor === minor ? cached : null;
      if (!piece && malformedCell(entry, i) === null) {
        piece = this.piece(entry as Y.Map<unknown>, minor);
      }
      if (piece === null || ids.has(piece.id)) return mended();
      ids.add(piece.id);
      if (texts.length > 0) texts.push(BETWEEN_CELLS);
      texts.push(piece.bytes);
    }
    const file = this.meta();
    if (this.hint && !('nbformat_minor' in this.hint.top) && minor === 0) {
      delete file.nbformat_minor;
    }
    file.cells = [];
    const top = stringifyPython(file, { ...(this.hint?.top ?? {}), cells: [] }) + '\n';
    if (texts.length === 0) return [Buffer.from(top)];
    const at = top.indexOf(EMPTY_CELLS);
    return [
      Buffer.from(top.slice(0, at)),
      CELLS_OPEN,
      ...texts,
      CELLS_CLOSE,
      Buffer.from(top.slice(at + EMPTY_CELLS.length)),
    ];
  }

  private meta(): JsonObject {
    const out: JsonObject = {};
    metaOf(this.doc).forEach((value, key) => {
      out[key] = toJson(value);
    });
    return out;
  }

  private minor(): number {
    const minor: unknown = metaOf(this.doc).get('nbformat_minor');
    return typeof minor === 'number' ? minor : 0;
  }

  private piece(cell: Y.Map<unknown>, minor: number): Piece {
    const cached = this.pieces.get(cell);
    if (cached && cached.minor === minor) return cached;
    const json = cellFromMap(cell);
    const id = json.id as string;
    const hint = this.hint?.cellsById.get(id);
    // A cell nested in the cells list is written one level deeper: two more spaces a line.
    const text = stringifyPython(cellToFile(json, hint, minor), hint).replaceAll('\n', '\n  ');
    const piece = { bytes: Buffer.from(text), id, minor };
    this.pieces.set(cell, piece);
    return piece;
  }

  // A change anywhere inside a cell forgets that cell's text.
  private invalidate = (events: Y.YEvent<Y.AbstractType<unknown>>[]): void => {
    for (const event of events) {
      let type: Y.AbstractType<unknown> | null = event.target;
      while (type && type.parent !== this.cells) type = type.parent;
      if (type instanceof Y.Map) this.pieces.delete(type);
    }
  };
}
