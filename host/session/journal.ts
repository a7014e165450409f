import {
  closeSync,
  existsSync,
  fdatasync,
  fdatasyncSync,
  ftruncateSync,
  mkdirSync,
  openSync,
  readFileSync,
  renameSync,
  rmSync,
} from 'node:fs';
import { dirname, join } from 'node:path';
import { crc32 } from 'node:zlib';
import { sha256 } from '../document/notebook-file';
import {
  JournalWriteError,
  Kind,
  RECORD_HEAD_BYTES,
  writeRecord,
  writeRecordOrClose,
} from './journal-records';
import { NextJournal } from './next-journal';

export { JournalWriteError } from './journal-records';

/** How often appended records are flushed to the disk itself (a process crash loses nothing either way). */
export const JOURNAL_SYNC_INTERVAL_MS = 200;

/** A point where the file on disk is known (or about to be known) to hold part of the journal. */
export interface Checkpoint {
  fileSha256: string;
  /** How many of the journal's states the file with this hash holds. */
  through: number;
  /** False for a save that was about to be written when the journal ended: it may not have landed. */
  confirmed: boolean;
}

/** What a journal held when it was read back. */
export interface JournalContents {
  path: string;
  /** Every state and update, in order; apply them all to an empty Y.Doc. */
  states: Uint8Array[];
  /** The header's file and every save after it, in order. */
  checkpoints: Checkpoint[];
}

/**
 * How many of the journal's states the file with hash `fileSha256` holds: the last confirmed
 * checkpoint, or a save begun after it that landed. Null when the file is none of them: it was
 * changed by something else.
 */
export function savedThrough(contents: JournalContents, fileSha256: string): number | null {
  const { checkpoints } = contents;
  let last = 0;
  checkpoints.forEach((c, i) => {
    if (c.confirmed) last = i;
  });
  for (let i = checkpoints.length - 1; i >= last; i--) {
    if (checkpoints[i]!.fileSha256 === fileSha256) return checkpoints[i]!.through;
  }
  return null;
}

/** The last checkpoint known to have reached the disk. */
export function lastConfirmed(contents: JournalContents): Checkpoint {
  return contents.checkpoints.filter((c) => c.confirmed).at(-1)!;
}

/**
 * An append-only log of the accepted Yjs updates of one notebook, in the app's data folder.
 * Each record is written (write(2)) before the update is acknowledged to anyone, so a crash of
 * the process loses nothing that was accepted; a record torn by a crash of the machine fails its
 * checksum and is ignored with everything after it. A record whose write fails is cut off again
 * (the journal stays readable) and the write throws JournalWriteError.
 */
export class Journal {
  private fd: number | null = null;
  private syncTimer: NodeJS.Timeout | null = null;
  private bytes = 0;
  private baseBytes = 0;
  private states = 0;
  private gen = 0;
  private torn = false;

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
    const checkpoints: Checkpoint[] = [];
    const states: Uint8Array[] = [];
    let parts: Uint8Array[] = [];
    for (let at = 0; at + RECORD_HEAD_BYTES <= bytes.length;) {
      const len = bytes.readUInt32LE(at);
      const crc = bytes.readUInt32LE(at + 4);
      const end = at + 8 + len;
      if (len === 0 || end > bytes.length) break;
      const body = bytes.subarray(at + 8, end);
      if (crc32(body) !== crc) break;
      const kind = body[0] as Kind;
      const payload = body.subarray(1);
      if (kind === Kind.Header) {
        const h = JSON.parse(payload.toString('utf8')) as { path: string; fileSha256: string };
        path = h.path;
        checkpoints.push({ fileSha256: h.fileSha256, through: 0, confirmed: true });
      } else if (kind === Kind.Saved || kind === Kind.Saving) {
        const s = JSON.parse(payload.toString('utf8')) as { fileSha256: string; through?: number };
        const through = Math.min(s.through ?? states.length, states.length);
        checkpoints.push({ fileSha256: s.fileSha256, through, confirmed: kind === Kind.Saved });
      } else if (kind === Kind.BasePart) {
        parts.push(new Uint8Array(payload));
      } else if (kind === Kind.Base || kind === Kind.Update) {
        states.push(...parts, new Uint8Array(payload));
        parts = [];
      }
      at = end;
    }
    if (checkpoints.length === 0 || states.length === 0) return null;
    return { path, states, checkpoints };
  }

  /** Bytes written to the journal since it began. */
  get size(): number {
    return this.bytes;
  }

  /** Bytes appended after the header and base state: what compaction would drop. */
  get appendedBytes(): number {
    return this.bytes - this.baseBytes;
  }

  /** How many states (the base and updates) the journal holds: a position for markSaved. */
  get position(): number {
    return this.states;
  }

  /** Counts begin() calls: positions of one generation mean nothing in another. */
  get generation(): number {
    return this.gen;
  }

  /** True once the journal has a header and base state on disk, and can be appended to. */
  get isOpen(): boolean {
    return this.fd !== null && !this.torn;
  }

  /**
   * Starts a fresh journal: the file's hash and the whole current state; `saved` when the file
   * with that hash holds this state. The new journal replaces the old one atomically, so a
   * failure here (say, a full disk) leaves the old one as it was; it throws JournalWriteError.
   */
  begin(fileSha256: string, state: Uint8Array, options: { saved: boolean }): void {
    const tmp = `${this.file}.new`;
    let fd: number | null = null;
    try {
      mkdirSync(dirname(this.file), { recursive: true, mode: 0o700 });
      fd = openSync(tmp, 'w', 0o600);
      const header = { path: this.notebookPath, fileSha256 };
      let bytes = writeRecord(fd, 0, Kind.Header, Buffer.from(JSON.stringify(header)));
      bytes += writeRecord(fd, bytes, Kind.Base, state);
      if (options.saved) {
        const saved = Buffer.from(JSON.stringify({ fileSha256, through: 1 }));
        bytes += writeRecord(fd, bytes, Kind.Saved, saved);
      }
      // Only a journal that replaces one is synced first: the old one must not be lost to a power
      // cut that keeps the rename but not the new file's data.
      if (existsSync(this.file)) fdatasyncSync(fd);
      renameSync(tmp, this.file);
      this.closeFd();
      this.fd = fd;
      this.bytes = bytes;
      this.baseBytes = bytes;
      this.states = 1;
      this.gen++;
      this.torn = false;
    } catch (e) {
      if (fd !== null && fd !== this.fd) closeSync(fd);
      rmSync(tmp, { force: true });
      throw new JournalWriteError(
        (e as NodeJS.ErrnoException).code ?? 'EIO',
        this.file,
        e as Error,
      );
    }
  }

  /**
   * Starts writing a fresh journal beside this one, whose base state comes in parts (see
   * NextJournal): this journal stays the journal, appended to as before, until the next one is
   * committed. Throws JournalWriteError.
   */
  next(fileSha256: string): NextJournal {
    const tmp = `${this.file}.next`;
    try {
      mkdirSync(dirname(this.file), { recursive: true, mode: 0o700 });
      const fd = openSync(tmp, 'w', 0o600);
      const header = { path: this.notebookPath, fileSha256 };
      const bytes = writeRecordOrClose(fd, 0, Kind.Header, Buffer.from(JSON.stringify(header)));
      return new NextJournal(this, fd, tmp, fileSha256, bytes, this.gen);
    } catch (e) {
      rmSync(tmp, { force: true });
      throw new JournalWriteError(
        (e as NodeJS.ErrnoException).code ?? 'EIO',
        this.file,
        e as Error,
      );
    }
  }

  /** NextJournal.commit: `fd`, written and synced as needed, becomes the journal. */
  adopt(fd: number, tmp: string, sizes: { bytes: number; states: number }): void {
    renameSync(tmp, this.file);
    this.closeFd();
    this.fd = fd;
    this.bytes = sizes.bytes;
    this.baseBytes = sizes.bytes;
    this.states = sizes.states;
    this.gen++;
    this.torn = false;
  }

  /** Appends one accepted update. Synchronous: when it returns, a process crash cannot lose it. */
  appendUpdate(update: Uint8Array): void {
    this.write(Kind.Update, update);
    this.states++;
  }

  /** Records that a save of the first `through` states, as hash `fileSha256`, is about to be written. */
  markSaving(fileSha256: string, through: number): void {
    this.write(Kind.Saving, Buffer.from(JSON.stringify({ fileSha256, through })));
  }

  /** Records that the file now has `fileSha256` and holds the first `through` states. */
  markSaved(fileSha256: string, through: number): void {
    this.write(Kind.Saved, Buffer.from(JSON.stringify({ fileSha256, through })));
  }

  /** Flushes and closes the journal file (it stays on disk). Idempotent. */
  close(): void {
    if (this.syncTimer) clearTimeout(this.syncTimer);
    this.syncTimer = null;
    if (this.fd === null) return;
    try {
      fdatasyncSync(this.fd);
    } catch (e) {
      console.warn(`pairbook: syncing the journal failed: ${(e as Error).message}`);
    }
    this.closeFd();
  }

  /** Closes and deletes the journal: nothing in it is needed any more. Idempotent. */
  discard(): void {
    // Not synced first: the file is deleted right after, and a sync can hold the loop (28 ms seen).
    if (this.syncTimer) clearTimeout(this.syncTimer);
    this.syncTimer = null;
    this.closeFd();
    rmSync(this.file, { force: true });
  }

  private closeFd(): void {
    if (this.fd === null) return;
    closeSync(this.fd);
    this.fd = null;
  }

  private write(kind: Kind, payload: Uint8Array): void {
    if (this.fd === null || this.torn) throw new Error('journal: begin() before appending');
    try {
      this.bytes += writeRecord(this.fd, this.bytes, kind, payload);
    } catch (e) {
      // Cut off what part of the record got written, so records appended later stay readable.
      try {
        ftruncateSync(this.fd, this.bytes);
      } catch {
        this.torn = true; // begin() again before appending anything
      }
      throw new JournalWriteError(
        (e as NodeJS.ErrnoException).code ?? 'EIO',
        this.file,
        e as Error,
      );
    }
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
