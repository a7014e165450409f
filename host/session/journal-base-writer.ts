import * as Y from 'yjs';
import type { Journal } from './journal';
import { JournalWriteError } from './journal-records';
import type { NextJournal } from './next-journal';
import { SLICE_MS, nextSlice } from '../document/loop-slices';
import { SlicedStateEncoder } from './sliced-state-encoder';
import { updateFeedOf } from './update-feed';

/** Longest one slice of encoding runs before the writer lets the event loop serve others. */
export const BASE_SLICE_MS = SLICE_MS;
/** Rounds of "write what changed, sync" before committing with a flush on the event loop. */
const CATCH_UP_ROUNDS = 5;

/**
 * Begins a fresh journal from a document's whole state without holding the event loop: the
 * state is encoded and written a slice at a time, beside the current journal (if any), which
 * stays the journal until the new one is committed.
 *
 * - After opening a notebook, the session writes the journal's base this way in the background;
 *   an edit that needs the journal before it is done calls finishNow(), which writes the rest at
 *   once (as the whole base was written before).
 * - A compaction after a save writes it in the background, the old journal taking appends
 *   meanwhile, and catchUpAndCommit() adds what changed since, synced, before the rename.
 */
export class JournalBaseWriter {
  private readonly encoder: SlicedStateEncoder;
  private readonly next: NextJournal;
  private changed = false;
  private readonly offFeed: () => void;

  /** Throws JournalWriteError when the new journal cannot be created. */
  constructor(
    journal: Journal,
    private readonly doc: Y.Doc,
    fileSha256: string,
  ) {
    this.next = journal.next(fileSha256);
    this.encoder = new SlicedStateEncoder(doc);
    // Through the feed, not an 'update' listener on the document, which would make Yjs encode
    // every guest's update, copying the whole run of text it appends to (update-feed.ts).
    this.offFeed = updateFeedOf(doc).subscribe(this.onUpdate);
  }

  /** False once committed or cancelled, or the journal was begun anew meanwhile. */
  get current(): boolean {
    return this.next.current;
  }

  /** The hash of the file the new journal belongs to. */
  get fileSha256(): string {
    return this.next.fileSha256;
  }

  /**
   * Writes the state's parts, taking turns with other sliced work between slices (loop-slices.ts). Resolves true when all
   * are written (the last part and the commit remain), false when it stopped being current.
   * Rejects with JournalWriteError (the new journal is abandoned).
   */
  async writeParts(sliceMs = BASE_SLICE_MS): Promise<boolean> {
    while (this.current && !this.encoder.done) {
      this.writeSlice(performance.now() + sliceMs);
      await nextSlice();
    }
    return this.current;
  }

  /** Writes whatever parts remain and the last one, and commits, now. Throws JournalWriteError. */
  finishNow(options: { saved: boolean }): void {
    while (!this.encoder.done) this.writeSlice(Infinity);
    this.next.addBase(this.encoder.last());
    this.stop();
    this.next.commit(options);
  }

  /**
   * Writes the last part, then, until nothing changed during a sync, what changed since; then
   * commits with `saved()`. Resolves false (and abandons) when it stopped being current.
   */
  async catchUpAndCommit(saved: () => boolean): Promise<boolean> {
    let state = Y.encodeStateVector(this.doc);
    this.changed = false;
    this.next.addBase(this.encoder.last());
    for (let round = 0; round < CATCH_UP_ROUNDS; round++) {
      await this.next.sync();
      if (!this.current) return false;
      if (!this.changed) break;
      this.changed = false;
      const update = Y.encodeStateAsUpdate(this.doc, state); // with the whole delete set
      state = Y.encodeStateVector(this.doc);
      this.next.addUpdate(update);
    }
    this.stop();
    this.next.commit({ saved: saved() });
    return true;
  }

  /** Drops the new journal; the current one stays. Idempotent. */
  cancel(): void {
    this.stop();
    this.next.abandon();
  }

  private writeSlice(deadline: number): void {
    const part = this.encoder.next(deadline);
    if (part) this.next.addPart(part);
  }

  private stop(): void {
    this.offFeed();
  }

  private onUpdate = (): void => {
    this.changed = true;
  };
}

/**
 * Starts `journal` over from `doc`'s whole state in the background (compaction after a save of
 * the file with hash `fileSha256`; `saved()` says at the end whether that file holds all of it).
 * Resolves true when the new journal replaced the old one, false when it gave up: a write failed
 * or the journal was begun anew meanwhile (the old journal stays, still whole, only longer).
 */
export async function compactInBackground(
  journal: Journal,
  doc: Y.Doc,
  fileSha256: string,
  saved: () => boolean,
): Promise<boolean> {
  let writer: JournalBaseWriter;
  try {
    writer = new JournalBaseWriter(journal, doc, fileSha256);
  } catch (e) {
    if (e instanceof JournalWriteError) return false;
    throw e;
  }
  try {
    return (await writer.writeParts()) && (await writer.catchUpAndCommit(saved));
  } catch (e) {
    if (e instanceof JournalWriteError) return false;
    throw e;
  } finally {
    writer.cancel(); // after a commit: only stops listening
  }
}
