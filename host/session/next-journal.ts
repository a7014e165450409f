import { closeSync, existsSync, fdatasync, fdatasyncSync, rmSync } from 'node:fs';
import type { Journal } from './journal';
import { JournalWriteError, Kind, writeRecord } from './journal-records';

/**
 * A journal being written beside the current one, its base state in parts (a large document's
 * state is encoded a slice at a time): the current journal stays the journal until commit(), and
 * a crash before that leaves it as it was. Nothing written here counts until commit() renames the
 * whole over the journal; abandon() drops it.
 */
export class NextJournal {
  private states = 0;
  private bytes: number;
  private syncedBytes = 0;
  private ended = false;

  constructor(
    private readonly journal: Journal,
    private readonly fd: number,
    private readonly tmp: string,
    /** The hash of the file whose journal this is. */
    readonly fileSha256: string,
    headerBytes: number,
    /** The journal's generation when this began: a begin() since makes this one stale. */
    private readonly generation: number,
  ) {
    this.bytes = headerBytes;
  }

  /** False once abandoned or committed, or the journal was begun anew since this one started. */
  get current(): boolean {
    return !this.ended && this.journal.generation === this.generation;
  }

  /** Appends a part of the base state (a BasePart record). Throws JournalWriteError. */
  addPart(state: Uint8Array): void {
    this.append(Kind.BasePart, state);
  }

  /** Appends the base state's last part, which completes it (a Base record). */
  addBase(state: Uint8Array): void {
    this.append(Kind.Base, state);
  }

  /** Appends an update to the complete base (an Update record). */
  addUpdate(update: Uint8Array): void {
    this.append(Kind.Update, update);
  }

  /** Flushes what was written so far to the disk itself, in libuv's thread pool. */
  sync(): Promise<void> {
    const bytes = this.bytes;
    return new Promise((resolve, reject) => {
      fdatasync(this.fd, (e) => {
        if (e) return reject(this.failure(e));
        this.syncedBytes = Math.max(this.syncedBytes, bytes);
        resolve();
      });
    });
  }

  /**
   * Makes this the journal; `saved` when the file with fileSha256 holds all of it. When it
   * replaces a journal, what was written since the last sync() is flushed first (the old journal
   * must not be lost to a power cut that keeps the rename but not the new data).
   */
  commit(options: { saved: boolean }): void {
    if (!this.current) throw new Error('journal: committing a next journal begun over');
    this.guard(() => {
      const unsynced = this.bytes > this.syncedBytes;
      if (options.saved) {
        const saved = JSON.stringify({ fileSha256: this.fileSha256, through: this.states });
        this.bytes += writeRecord(this.fd, this.bytes, Kind.Saved, Buffer.from(saved));
      }
      // The Saved record alone may be lost to a power cut: recovery then compares contents.
      if (unsynced && existsSync(this.journal.file)) fdatasyncSync(this.fd);
      this.journal.adopt(this.fd, this.tmp, { bytes: this.bytes, states: this.states });
      this.ended = true;
    });
  }

  /** Closes and removes it; the journal stays as it is. Idempotent. */
  abandon(): void {
    if (this.ended) return;
    this.ended = true;
    closeSync(this.fd);
    rmSync(this.tmp, { force: true });
  }

  private append(kind: Kind, payload: Uint8Array): void {
    this.guard(() => {
      this.bytes += writeRecord(this.fd, this.bytes, kind, payload);
      this.states++;
    });
  }

  // A failed write abandons this journal: the current one stays.
  private guard(write: () => void): void {
    if (this.ended) throw new Error('journal: writing a next journal that ended');
    try {
      write();
    } catch (e) {
      this.abandon();
      throw this.failure(e as Error);
    }
  }

  private failure(e: Error): JournalWriteError {
    const code = (e as NodeJS.ErrnoException).code ?? 'EIO';
    return new JournalWriteError(code, this.journal.file, e);
  }
}
