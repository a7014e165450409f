import {
  closeSync,
  fdatasync,
  fdatasyncSync,
  mkdirSync,
  openSync,
  readFileSync,
  rmSync,
  writeSync,
} from 'node:fs';
import { join } from 'node:path';
import { crc32 } from 'node:zlib';
import { sha256 } from '../document/notebook-file';

/** How often appended records are flushed to the disk itself (a process crash loses nothing either way). */
export const JOURNAL_SYNC_INTERVAL_MS = 200;

/** Kinds of journal record. */
const Kind = {
  /** JSON {path, fileSha256}: the file the journal belongs to, as it was when the journal began. */
  Header: 1,
  /** A Yjs update holding the whole document state. */
  Base: 2,
  /** One accepted Yjs update. */
  Update: 3,
  /** JSON {fileSha256}: the document was saved; the file on disk now has this hash. */
  Saved: 4,
} as const;
type Kind = (typeof Kind)[keyof typeof Kind];

/** What a journal held when it was read back. */
export interface JournalContents {
  path: string;
  /** Hash the file on disk should have if nobody else touched it. */
  expectedFileSha256: string;
  /** Every state and update, in order; apply them all to an empty Y.Doc. */
  updates: Uint8Array[];
  /** True when updates were accepted after the last save: there is work to recover. */
  hasUnsavedUpdates: boolean;
}

const RECORD_HEAD_BYTES = 9; // u32 length, u32 crc32, u8 kind

/**
 * An append-only log of the accepted Yjs updates of one notebook, in the app's data folder.
 * Each record is written (write(2)) before the update is acknowledged to anyone, so a crash of
 * the process loses nothing that was accepted; a record torn by a crash of the machine fails its
 * checksum and is ignored with everything after it.
 */
export class Journal {
  private fd: number | null = null;
  private syncTimer: NodeJS.Timeout | null = null;
  private bytes = 0;

  private constructor(
    readonly file: string,
    private readonly notebookPath: string,
  ) {}

  /** The journal of `notebookPath` under `dataDir` (not created until the first record). */
  static for(dataDir: string, notebookPath: string): Journal {
    const dir = join(dataDir, 'journals');
    return new Journal(join(dir, `${sha256(notebookPath).slice(0, 32)}.journal`), notebookPath);
  }

  /** Reads the journal back; null when there is none or it holds nothing usable. */
  read(): JournalContents | null {
    let bytes: Buffer;
    try {
      bytes = readFileSync(this.file);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') return null;
      throw e;
    }
    let path = this.notebookPath;
    let expected: string | null = null;
    let hasUnsaved = false;
    const updates: Uint8Array[] = [];
    for (let at = 0; at + RECORD_HEAD_BYTES <= bytes.length;) {
      const len = bytes.readUInt32LE(at);
      const crc = bytes.readUInt32LE(at + 4);
      const end = at + 8 + len;
      if (end > bytes.length) break;
      const body = bytes.subarray(at + 8, end);
      if (crc32(body) !== crc) break;
      const kind = body[0] as Kind;
      const payload = body.subarray(1);
      if (kind === Kind.Header) {
        const h = JSON.parse(payload.toString('utf8')) as { path: string; fileSha256: string };
        path = h.path;
        expected = h.fileSha256;
      } else if (kind === Kind.Saved) {
        expected = (JSON.parse(payload.toString('utf8')) as { fileSha256: string }).fileSha256;
        hasUnsaved = false;
      } else {
        updates.push(new Uint8Array(payload));
        if (kind === Kind.Update) hasUnsaved = true;
      }
      at = end;
    }
    if (expected === null || updates.length === 0) return null;
    return { path, expectedFileSha256: expected, updates, hasUnsavedUpdates: hasUnsaved };
  }

  /** Bytes written to the journal since it began. */
  get size(): number {
    return this.bytes;
  }

  /** True once the journal has a header and base state on disk. */
  get isOpen(): boolean {
    return this.fd !== null;
  }

  /** Starts a fresh journal: the file's hash and the whole current state. */
  begin(fileSha256: string, state: Uint8Array): void {
    this.close();
    mkdirSync(join(this.file, '..'), { recursive: true, mode: 0o700 });
    this.fd = openSync(this.file, 'w', 0o600);
    this.bytes = 0;
    this.write(Kind.Header, Buffer.from(JSON.stringify({ path: this.notebookPath, fileSha256 })));
    this.write(Kind.Base, state);
  }

  /** Appends one accepted update. Synchronous: when it returns, a process crash cannot lose it. */
  appendUpdate(update: Uint8Array): void {
    this.write(Kind.Update, update);
  }

  /** Records that the document was saved and the file now has `fileSha256`. */
  markSaved(fileSha256: string): void {
    this.write(Kind.Saved, Buffer.from(JSON.stringify({ fileSha256 })));
  }

  /** Flushes and closes the journal file (it stays on disk). Idempotent. */
  close(): void {
    if (this.syncTimer) clearTimeout(this.syncTimer);
    this.syncTimer = null;
    if (this.fd === null) return;
    fdatasyncSync(this.fd);
    closeSync(this.fd);
    this.fd = null;
  }

  /** Closes and deletes the journal: nothing in it is needed any more. Idempotent. */
  discard(): void {
    this.close();
    rmSync(this.file, { force: true });
  }

  private write(kind: Kind, payload: Uint8Array): void {
    if (this.fd === null) throw new Error('journal: begin() before appending');
    const record = Buffer.allocUnsafe(RECORD_HEAD_BYTES + payload.length);
    record.writeUInt32LE(payload.length + 1, 0);
    record[8] = kind;
    record.set(payload, RECORD_HEAD_BYTES);
    record.writeUInt32LE(crc32(record.subarray(8)), 4);
    for (let off = 0; off < record.length;) off += writeSync(this.fd, record, off);
    this.syncTimer ??= setTimeout(() => {
      this.syncTimer = null;
      const fd = this.fd;
      if (fd === null) return;
      // In libuv's thread pool, not on the event loop: on a busy disk one fdatasync took 28 ms
      // here, a stall of every guest's relay (BENCHMARKS.md, keystroke). close() syncs anyway.
      fdatasync(fd, (e) => {
        if (e && this.fd === fd) console.warn(`pairbook: syncing the journal failed: ${e.message}`);
      });
    }, JOURNAL_SYNC_INTERVAL_MS);
  }
}
