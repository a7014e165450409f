import { closeSync, writeSync } from 'node:fs';
import { crc32 } from 'node:zlib';

// The journal's file format: records of u32 length, u32 CRC-32, u8 kind and the payload.

/** Kinds of journal record. */
export const Kind = {
  /** JSON {path, fileSha256}: the file the journal belongs to, as it was when the journal began. */
  Header: 1,
  /** A Yjs update holding the whole document state, or the last part of it (after BaseParts). */
  Base: 2,
  /** One accepted Yjs update. */
  Update: 3,
  /**
   * JSON {fileSha256, through}: the file was written with hash `fileSha256`, and it holds the
   * first `through` states (Base and Update records) of this journal. Records after those are
   * unsaved.
   */
  Saved: 4,
  /** JSON {fileSha256, through}: a save of that hash is about to be written (it may not land). */
  Saving: 5,
  /**
   * One part of a base state written in parts (a large document's, encoded a slice at a time):
   * each part is a state, but only once the Base record that completes them follows; parts a
   * crash cut off before it are no state at all.
   */
  BasePart: 6,
} as const;
export type Kind = (typeof Kind)[keyof typeof Kind];

/** Writing the journal failed: the edit being journaled was not recorded. */
export class JournalWriteError extends Error {
  constructor(
    readonly code: string,
    readonly file: string,
    cause: Error,
  ) {
    super(`cannot write the journal ${file}: ${cause.message}`);
  }
}

export const RECORD_HEAD_BYTES = 9; // u32 length, u32 crc32, u8 kind

/** writeRecord into a file just opened: closes it when the write fails. */
export function writeRecordOrClose(
  fd: number,
  at: number,
  kind: Kind,
  payload: Uint8Array,
): number {
  try {
    return writeRecord(fd, at, kind, payload);
  } catch (e) {
    closeSync(fd);
    throw e;
  }
}

/** Writes one record at offset `at` of the file; returns its length. */
export function writeRecord(fd: number, at: number, kind: Kind, payload: Uint8Array): number {
  const record = Buffer.allocUnsafe(RECORD_HEAD_BYTES + payload.length);
  record.writeUInt32LE(payload.length + 1, 0);
  record[8] = kind;
  record.set(payload, RECORD_HEAD_BYTES);
  record.writeUInt32LE(crc32(record.subarray(8)), 4);
  for (let off = 0; off < record.length;) {
    off += writeSync(fd, record, off, record.length - off, at + off);
  }
  return record.length;
}
