// What becomes of the journal a previous run left (it crashed, or closed with edits unsaved): its
// edits are replayed when the file is as that run left it; when the file changed since, they are
// written to a new file beside it, and the file is opened as it is now.
import { readFile } from 'node:fs/promises';
import { basename, dirname, extname, join } from 'node:path';
import * as Y from 'yjs';
import { readSaveHint, serializeNotebook } from '../../protocol/ydoc-nbformat';
import { type NotebookFile, writeFileAtomic } from '../document/notebook-file';
import type { FileStore } from './file-store';
import { type JournalContents, lastConfirmed, savedThrough } from './journal';

/** What the journal of a previous run held, and what was done with it. */
export type Recovery =
  | { kind: 'replayed'; updates: number }
  | { kind: 'kept-both'; recoveredPath: string; message: string };

/**
 * What to do with the journal of an earlier run, against the file as read now (`file`, read by
 * `store`). `replay`: its document, when it holds edits the file lacks and the file is as that
 * run left it (the caller replays the journal and destroys this). Else null: nothing to recover,
 * or the file changed meanwhile and the edits were written beside it (`recovery` says where).
 */
export async function recoverJournal(
  previous: JournalContents,
  file: NotebookFile,
  store: FileStore,
): Promise<{ replay: Y.Doc | null; recovery: Recovery | null }> {
  const scratch = new Y.Doc();
  store.load(file.notebook, scratch);
  scratch.destroy();
  const through = savedThrough(previous, store.sha256);
  if (through !== null && through >= previous.states.length)
    return { replay: null, recovery: null };
  const recovered = new Y.Doc();
  replay(recovered, previous.states);
  // A save that reached the disk but not its journal record: the file already says it all.
  const same = serializeNotebook(recovered, readSaveHint(file.text, store.ids)) === file.text;
  if (same) {
    recovered.destroy();
    return { replay: null, recovery: null };
  }
  if (through !== null) return { replay: recovered, recovery: null };
  // The file changed since: keep both, unless the unsaved records change nothing in the file.
  const saved = new Y.Doc();
  replay(saved, previous.states.slice(0, lastConfirmed(previous).through));
  const unchanged = serializeNotebook(saved) === serializeNotebook(recovered);
  saved.destroy();
  const recovery = unchanged ? null : await keepBoth(recovered, store.path);
  recovered.destroy();
  return { replay: null, recovery };
}

/** Applies journaled states to `doc`, skipping one that cannot be read (it was never applied). */
export function replay(doc: Y.Doc, states: Uint8Array[]): void {
  for (const state of states) {
    try {
      Y.applyUpdate(doc, state);
    } catch (e) {
      console.warn(`pairbook: skipped an unreadable journal record: ${(e as Error).message}`);
    }
  }
}

// The file changed while edits sat in the journal: write those edits to a new file beside it.
async function keepBoth(recovered: Y.Doc, path: string): Promise<Recovery> {
  const ext = extname(path);
  const stem = basename(path, ext);
  let target = join(dirname(path), `${stem}.recovered${ext}`);
  for (
    let n = 2;
    await readFile(target).then(
      () => true,
      () => false,
    );
    n++
  ) {
    target = join(dirname(path), `${stem}.recovered-${n}${ext}`);
  }
  await writeFileAtomic(target, serializeNotebook(recovered));
  return {
    kind: 'kept-both',
    recoveredPath: target,
    message:
      `${basename(path)} changed on disk after Pairbook last saved it, so the edits of your last ` +
      `session were not merged into it; they are in ${basename(target)} beside it`,
  };
}
