// The session's notebook file: what was read (its hash, and its text until the save hint is taken
// from it), each cell's text as the file has it, whether the file changed on disk since it was
// read or last written, and writing the document back atomically. The session decides when to
// save and whom to tell; this knows the file.
import { basename } from 'node:path';
import type * as Y from 'yjs';
import { PairbookError } from '../../protocol/errors';
import { type SaveHint, loadNotebookIntoDoc } from '../../protocol/ydoc-nbformat';
import {
  type NotebookFile,
  hashFileInSlices,
  readNotebookFile,
  removeStaleTempFiles,
  writeFileAtomic,
} from '../document/notebook-file';
import { CellSerializationCache } from '../document/cell-serialization-cache';
import { readSaveHintInSlices } from '../document/save-hint-reader';

export class FileStore {
  /**
   * The file as last read or written: its hash, and its exact text until the save hint is read
   * from it (a saved file's text is not kept: the hint of the file as read still applies).
   */
  private file!: { text: string | null; sha256: string };
  private found: string[] = [];
  private cellIds: string[] = [];
  /** The save hint, read in slices from the file's text once a save needs it. */
  private hint: Promise<SaveHint> | null = null;
  /** Each cell's text as the file has it, kept until the cell changes: saves do not stall. */
  private readonly cellCache: CellSerializationCache;
  private preparing: Promise<void> | null = null;
  /** The hash of the file on disk when a save last found it changed; null when it was not. */
  private changed: string | null = null;
  /** The hash of the changed file the host's windows were last told about. */
  private told: string | null = null;

  constructor(
    readonly path: string,
    doc: Y.Doc,
  ) {
    this.cellCache = new CellSerializationCache(doc);
  }

  /** The file's name, for titles and messages. */
  get name(): string {
    return basename(this.path);
  }

  /** The hash of the file as last read or written. */
  get sha256(): string {
    return this.file.sha256;
  }

  /** What the file's validation found worth telling (a newer nbformat minor, missing ids). */
  get warnings(): string[] {
    return this.found;
  }

  /** The cells' ids as the file gives them (a journal replays onto them; the save hint uses them). */
  get ids(): string[] {
    return this.cellIds;
  }

  /**
   * Reads the file (throws PairbookError: unreadable, invalid JSON, not a notebook, ...) and
   * removes the temporary files a write that was cut short left beside it.
   */
  async read(): Promise<NotebookFile> {
    const file = await readNotebookFile(this.path);
    // Only the text is kept: the parsed JSON would double the memory a large notebook takes.
    this.file = { text: file.text, sha256: file.sha256 };
    this.found = file.warnings;
    await removeStaleTempFiles(this.path);
    return file;
  }

  /** Loads `notebook` into `doc`; its cells' ids are the file's from now on. */
  load(notebook: NotebookFile['notebook'], doc: Y.Doc): void {
    this.cellIds = loadNotebookIntoDoc(notebook, doc);
  }

  /** Reads the file as it is on disk now, for a reload; nothing changes until `replaced`. */
  async reread(): Promise<NotebookFile> {
    try {
      return await readNotebookFile(this.path);
    } catch (e) {
      if (!(e instanceof PairbookError)) throw e;
      throw new PairbookError(
        e.code,
        `${e.message} — nothing was loaded; everyone keeps the notebook as it is`,
      );
    }
  }

  /** The document was replaced by `file` (loaded with `load`): it is the file as last read. */
  replaced(file: NotebookFile): void {
    this.file = { text: file.text, sha256: file.sha256 };
    this.hint = null;
    this.preparing = null;
    this.found = file.warnings;
    this.changed = null;
    this.told = null;
  }

  /**
   * Prepares fast saves: reads the save hint from the file's text and caches every cell's text,
   * both in short slices, until `stop`. Resolves when done; begun once.
   */
  prepareSaves(stop: () => boolean): Promise<void> {
    this.preparing ??= (async () => {
      await new Promise((r) => setImmediate(r));
      if (stop()) return;
      this.cellCache.useHint(await this.saveHint());
      await this.cellCache.warm(stop);
    })();
    return this.preparing;
  }

  /**
   * Null when the file on disk is the one last read or written (or is gone), or when `force`;
   * else the error a save is refused with (code 'file-changed'), and the file is marked changed.
   */
  async checkDisk(force: boolean): Promise<PairbookError | null> {
    const diskHash = await hashFileInSlices(this.path);
    if (force || diskHash === null || diskHash === this.file.sha256) return null;
    this.changed = diskHash;
    return new PairbookError(
      'file-changed',
      `${this.name} changed on disk since Pairbook read it; your edits are kept — ` +
        'overwrite the file with your version, or load the file from disk',
    );
  }

  /** True once per version of the file found changed on disk: the host is asked once about it. */
  newlyChanged(): boolean {
    const onDisk = this.changed;
    if (onDisk === null || onDisk === this.told) return false;
    this.told = onDisk;
    return true;
  }

  /** Readies the cell cache for a save, in slices: the save hint, the cells changed since. */
  async ready(): Promise<void> {
    this.cellCache.useHint(await this.saveHint());
    await this.cellCache.warm(); // in slices: only the cells changed since the last save
  }

  /** The document as the file is to hold it, now (call `ready` first). */
  serialize(): Uint8Array[] {
    return this.cellCache.serializeInParts();
  }

  /** Writes `parts` (whose hash is `sha256`) to the file atomically; throws PairbookError. */
  async write(parts: Uint8Array[], sha256: string): Promise<void> {
    await writeFileAtomic(this.path, parts);
    this.file = { text: null, sha256 };
    this.changed = null;
    this.told = null;
  }

  private saveHint(): Promise<SaveHint> {
    if (this.hint) return this.hint;
    if (this.file.text === null) throw new Error('the save hint was dropped with its text');
    this.hint = readSaveHintInSlices(this.file.text, this.ids);
    this.file.text = null; // the hint is all a save needs of it
    return this.hint;
  }
}
