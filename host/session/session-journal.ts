// The session's side of the journal (journal.ts): every accepted edit is recorded before it is
// applied (a client's) or right after (the host's own: outputs, kernel state), from a base of the
// whole document; a save marks how far the file holds it. When the journal cannot be written,
// a client's edit is refused and the host's windows are told once, prominently.
import { dirname } from 'node:path';
import * as Y from 'yjs';
import type { HostNotice } from '../../protocol/hub-messages';
import { promoteYoungObjects } from '../document/young-generation';
import { type Journal, JournalWriteError } from './journal';
import { JournalBaseWriter } from './journal-base-writer';

/** Where the file stands: its hash, and whether the document has edits the file lacks. */
export interface FileState {
  sha256: string;
  dirty: boolean;
}

export class SessionJournal {
  /** The base being written in the background after opening; null when not. */
  private baseWriter: JournalBaseWriter | null = null;
  /** The journal misses an update the document has: it must begin again before anything else. */
  private stale = false;
  /** Why the journal cannot be written, while it cannot (the host's windows were told once). */
  private failing: string | null = null;

  constructor(
    readonly journal: Journal,
    private readonly doc: Y.Doc,
    private readonly file: () => FileState,
    /** Tells the host's own windows. */
    private readonly tellHosts: (notice: HostNotice) => void,
  ) {}

  /** Why edits are paused, while the journal cannot be written; null when it can. */
  get failure(): string | null {
    return this.failing;
  }

  /** The journal is open and holds every update of the document. */
  get current(): boolean {
    return this.journal.isOpen && !this.stale;
  }

  /**
   * After opening, the journal's base (the whole document) is written in the background, so that
   * the first edit does not wait while a large document is encoded and written at once.
   */
  beginInBackground(): void {
    // The document was just built and is still young: promoted now, while opening holds the
    // loop, its objects are not copied by the first scavenges after opening instead (the base's
    // slices, the first edits), which held the loop 10-40 ms each (young-generation.ts).
    promoteYoungObjects();
    try {
      this.baseWriter = new JournalBaseWriter(this.journal, this.doc, this.file().sha256);
    } catch (e) {
      if (!(e instanceof JournalWriteError)) throw e;
      return; // the first edit begins the journal itself, and reports what fails
    }
    const writer = this.baseWriter;
    writer.writeParts().then(
      (done) => {
        if (!done || this.baseWriter !== writer) return;
        try {
          this.finishBase({ saved: !this.file().dirty });
        } catch (e) {
          if (!(e instanceof JournalWriteError)) throw e;
        }
      },
      (e: unknown) => {
        writer.cancel();
        if (this.baseWriter === writer) this.baseWriter = null;
        if (!(e instanceof JournalWriteError)) console.error('pairbook: journal base failed', e);
      },
    );
  }

  /**
   * After the document was replaced by the file on disk (a reload: the file holds all of it), the
   * journal begins again as after opening: the old journal, of the document replaced, is removed
   * at once, and the new base is written in the background; an edit before it is done writes the
   * rest itself. It was one Y.encodeStateAsUpdate and write of the whole document on the loop.
   */
  beginAgainInBackground(): void {
    this.cancelBase();
    try {
      this.journal.discard();
    } catch {
      // An old journal that cannot be removed: begin over it at once, which reports what fails.
      this.begin({ saved: !this.file().dirty });
      return;
    }
    this.stale = false;
    this.beginInBackground();
  }

  /** Begins the journal from the document as it is now (`saved`: the file holds it). */
  begin(options: { saved: boolean }): void {
    this.cancelBase();
    try {
      this.journal.begin(this.file().sha256, Y.encodeStateAsUpdate(this.doc), options);
      this.stale = false;
    } catch (e) {
      if (!(e instanceof JournalWriteError)) throw e;
      this.stale = true; // it begins again at the next edit
      this.failed(e);
    }
  }

  /**
   * A client's update, before it is applied; false when the journal cannot be written (the
   * update must be refused: never applied, never relayed).
   */
  ahead(update: Uint8Array): boolean {
    // An empty update (a window's sync reply when it has nothing new) needs no record.
    if (update.length === 2 && update[0] === 0 && update[1] === 0) return true;
    try {
      if (!this.current) this.restart({ saved: !this.file().dirty });
      this.journal.appendUpdate(update);
    } catch (e) {
      if (!(e instanceof JournalWriteError)) throw e;
      this.failed(e);
      return false;
    }
    this.works();
    return true;
  }

  /**
   * The host's own update, applied already (`changes`: it changes the file's content): a
   * failure is reported, and the journal begins again from the whole document once it can.
   */
  hostUpdate(update: Uint8Array, changes: boolean): void {
    try {
      if (!this.current) {
        // Live state only (kernel status): the base being written holds it when it is done.
        if (!changes && this.baseWriter && !this.stale) return;
        this.restart({ saved: !changes && !this.file().dirty }); // this update included
      } else this.journal.appendUpdate(update);
    } catch (e) {
      if (!(e instanceof JournalWriteError)) throw e;
      this.stale = true;
      this.failed(e);
      return;
    }
    this.works();
  }

  /** Where a save that serializes the document now begins: its journal and position. */
  savePoint(): { generation: number; through: number } {
    return {
      generation: this.journal.generation,
      through: this.current ? this.journal.position : 0,
    };
  }

  /**
   * Marks a save in the journal. A marker names a position of one journal; in a journal begun
   * since, the file is only known to hold its base's past, so the marker says "none of its
   * states" (through 0).
   */
  mark(kind: 'saving' | 'saved', hash: string, point: { generation: number; through: number }) {
    if (!this.current) return;
    const at = this.journal.generation === point.generation ? point.through : 0;
    try {
      if (kind === 'saving') this.journal.markSaving(hash, at);
      else this.journal.markSaved(hash, at);
    } catch (e) {
      // A lost marker only makes a later recovery compare contents instead of hashes.
      if (!(e instanceof JournalWriteError)) throw e;
    }
  }

  /** Stops writing a base in the background, if one is being written. */
  cancelBase(): void {
    this.baseWriter?.cancel();
    this.baseWriter = null;
  }

  /** Closes the journal: kept when the file lacks edits it holds, else deleted. */
  close(): void {
    this.cancelBase();
    if (this.file().dirty) this.journal.close();
    else this.journal.discard();
  }

  // Begins the journal again from the whole document, completing the base being written in the
  // background if it is still good. Throws JournalWriteError.
  private restart(options: { saved: boolean }): void {
    if (!this.finishBase(options)) {
      this.journal.begin(this.file().sha256, Y.encodeStateAsUpdate(this.doc), options);
    }
    this.stale = false;
  }

  // Completes the base being written in the background, if any: true when the journal is open.
  // Throws JournalWriteError (the journal stays closed).
  private finishBase(options: { saved: boolean }): boolean {
    const writer = this.baseWriter;
    this.baseWriter = null;
    if (!writer) return false;
    if (!writer.current || writer.fileSha256 !== this.file().sha256 || this.stale) {
      writer.cancel();
      return false;
    }
    try {
      writer.finishNow(options);
    } catch (e) {
      writer.cancel();
      throw e;
    }
    return true;
  }

  // Tells the host's windows once, prominently, that edits are paused.
  private failed(e: JournalWriteError): void {
    if (this.failing !== null) return;
    const why = describeFsError(e.code);
    const remedy =
      e.code === 'ENOSPC' || e.code === 'EDQUOT'
        ? 'until there is space'
        : 'until it can be written';
    this.failing = `Pairbook can't write its journal: ${why} at ${dirname(e.file)} — edits are paused ${remedy}`;
    console.error(`pairbook: ${e.message}`);
    this.tellHosts({
      type: 'notice',
      level: 'error',
      message: this.failing,
      code: 'journal-failed',
    });
  }

  private works(): void {
    if (this.failing === null) return;
    this.failing = null;
    this.tellHosts({
      type: 'notice',
      level: 'info',
      message: 'Pairbook can write its journal again: edits are accepted again',
      code: 'journal-ok',
    });
  }
}

/** A file system error in capitals, for a notice that must be read. */
function describeFsError(code: string): string {
  switch (code) {
    case 'ENOSPC':
      return 'DISK FULL';
    case 'EDQUOT':
      return 'DISK QUOTA EXCEEDED';
    case 'EROFS':
      return 'READ-ONLY DISK';
    case 'EACCES':
    case 'EPERM':
      return 'PERMISSION DENIED';
    case 'EIO':
      return 'DISK ERROR (EIO)';
    default:
      return `WRITE FAILED (${code})`;
  }
}
