import { readFile } from 'node:fs/promises';
import { basename, dirname, extname, join, resolve } from 'node:path';
import { ObservableV2 } from 'lib0/observable';
import * as awarenessProtocol from 'y-protocols/awareness';
import * as Y from 'yjs';
import { PairbookError } from '../../protocol/errors';
import { type HostNotice, encodeNotice } from '../../protocol/hub-messages';
import type { Transport } from '../../protocol/transport';
import {
  LOAD_ORIGIN,
  type SaveHint,
  cellsOf,
  changesFile,
  loadNotebookIntoDoc,
  metaOf,
  readSaveHint,
  serializeNotebook,
} from '../../protocol/ydoc-nbformat';
import type { Kernel } from '../../kernel-bridge';
import type { KernelChoice } from '../../protocol/runtime-state';
import {
  hashFileInSlices,
  hashPartsInSlices,
  readNotebookFile,
  removeStaleTempFiles,
  writeFileAtomic,
} from '../document/notebook-file';
import { encodeControl } from '../../protocol/hub-control';
import { CellSerializationCache } from '../document/cell-serialization-cache';
import { readSaveHintInSlices } from '../document/save-hint-reader';
import { roleOf } from './client-role';
import type { ExecutionQueue } from './execution-queue';
import { useKernelsFrom } from './kernel-choice';
import { NotebookKernel } from './notebook-kernel';
import { type RequestHandler, attachSyncClient } from './sync-client';
import { updateFeedOf } from './update-feed';
import { SessionJournal } from './session-journal';
import { InputPrompts } from './input-prompts';
import { routeRequest } from './request-router';
import { sessionRequests } from './session-requests';
import { type MoveCarry, carryEditsIntoMovedCells } from './move-carry';
import { type JournalContents, Journal, lastConfirmed, savedThrough } from './journal';
import { compactInBackground } from './journal-base-writer';

/** Default quiet time after the last edit before an autosave. */
export const AUTOSAVE_DELAY_MS = 1000;
/** Default longest time an edit waits for an autosave, however long the typing goes on. */
export const AUTOSAVE_MAX_WAIT_MS = 10_000;
/** Least time between two "your edit was not kept" notices to one client. */
export const REFUSAL_NOTICE_INTERVAL_MS = 2000;
/** Bytes appended to the journal past its base after which a save starts it over from the saved state. */
export const JOURNAL_COMPACT_BYTES = 4 * 1024 * 1024;
/** Who a client is: the name others see, and the hub's peer id of a guest. */
export interface Who {
  name: string;
  peer?: string;
}

/** Transaction origin of reload(): the document replaced by the file on disk. */
export const RELOAD_ORIGIN = 'pairbook:reload';

/** Options for NotebookSession.open. */
export interface SessionOptions {
  /** The app's data folder; the journal lives in `<dataDir>/journals/`. */
  dataDir: string;
  /** Quiet time after the last edit before saving; 0 turns autosave off. Default AUTOSAVE_DELAY_MS. */
  autosaveDelayMs?: number;
  /**
   * Longest time from the first unsaved edit to the autosave, even while edits keep coming (and
   * between retries of a save that failed). Default AUTOSAVE_MAX_WAIT_MS.
   */
  autosaveMaxWaitMs?: number;
}

/** What the journal of a previous run held, and what was done with it. */
export type Recovery =
  | { kind: 'replayed'; updates: number }
  | { kind: 'kept-both'; recoveredPath: string; message: string };

/** Events of a NotebookSession. */
export interface SessionEvents {
  /** The document has edits that are not in the file yet. */
  dirty: () => void;
  /** A save serialized the document and begins to write it (edits from now on are not in it). */
  saving: (info: { path: string }) => void;
  /** The file on disk now holds the document: it was saved, or reloaded from the file. */
  saved: (info: { path: string; bytes: number }) => void;
  /** A save could not happen: the file changed on disk, or writing failed. Edits are kept. */
  'save-failed': (error: PairbookError) => void;
}

/**
 * One open notebook: the document of record (a Y.Doc), the file it came from, its crash journal
 * and debounced autosave. Clients (the host window, later guests) attach over any Transport and
 * speak y-protocols sync and awareness with it.
 */
export class NotebookSession extends ObservableV2<SessionEvents> {
  /** The document every client edits. */
  readonly doc = new Y.Doc();
  /** Who is here and where their cursors are. */
  readonly awareness = new awarenessProtocol.Awareness(this.doc);
  /** What the file's validation found worth telling (a newer nbformat minor, missing ids). */
  warnings: string[] = [];
  /** Set when the journal of an earlier run was recovered on open. */
  recovery: Recovery | null = null;
  /** The notebook's kernel: runs, the kernels offered, changing kernel. */
  readonly kernels = new NotebookKernel(this.doc);

  /**
   * The file as last read or written: its hash, and its exact text until the save hint is read
   * from it (a saved file's text is not kept: the hint of the file as read still applies).
   */
  private file!: { text: string | null; sha256: string };
  private ids: string[] = [];
  /** The save hint, read in slices from the file's text once a save needs it. */
  private hint: Promise<SaveHint> | null = null;
  /** Each cell's text as the file has it, kept until the cell changes: saves do not stall. */
  private readonly cellCache = new CellSerializationCache(this.doc);
  private preparing: Promise<void> | null = null;
  /** The hash of the file on disk when a save last found it changed; null when it was not. */
  private changedOnDisk: string | null = null;
  private readonly journal: Journal;
  /** Keeps the journal as edits are accepted and saved; tells the host when it cannot. */
  private readonly keeper: SessionJournal;
  /** Carries typing that reaches a moved cell's old text into the moved cell. */
  private carry: MoveCarry | null = null;
  private isDirty = false;
  /** Counts accepted edits to the notebook: a save knows whether edits came during its write. */
  private editSeq = 0;
  /** When the oldest edit not yet in a save's serialization was accepted; null when none. */
  private unsavedSince: number | null = null;
  /** Why the last save failed, while saves fail (everyone was told once). */
  private saveFailure: string | null = null;
  /** Transports whose updates are journaled before they are applied. */
  private journaledAhead = new Set<unknown>();
  private autosaveTimer: NodeJS.Timeout | null = null;
  private saving: Promise<void> | null = null;
  private closed = false;
  private closing = false;
  /** Attached clients, to tell the host's windows what only the host decides. */
  private clients = new Set<Client>();
  /** The hash of the changed file the host's windows were last told about. */
  private toldHostsAbout: string | null = null;
  /** input() prompts waiting for an answer, by id, with the client that may answer them. */
  /** The kernel's input() prompts, each to the person who ran the cell. */
  readonly prompts = new InputPrompts();
  private readonly requests = sessionRequests(this);

  private constructor(
    readonly path: string,
    private readonly options: SessionOptions,
  ) {
    super();
    this.journal = Journal.for(options.dataDir, path);
    this.keeper = new SessionJournal(
      this.journal,
      this.doc,
      () => ({ sha256: this.file.sha256, dirty: this.isDirty }),
      (notice) => {
        for (const c of this.clients) if (roleOf(c.transport) === 'host') c.notify(notice);
      },
    );
    // The host's own presence is not a person; clients set theirs.
    this.awareness.setLocalState(null);
  }

  /**
   * Opens `path`. Replays the journal of a run that crashed; if the file changed on disk since,
   * writes the recovered edits to a new file beside it and opens the file as it is now.
   * Throws PairbookError (unreadable, invalid JSON, not a notebook, ...) and writes nothing.
   */
  static async open(path: string, options: SessionOptions): Promise<NotebookSession> {
    const session = new NotebookSession(resolve(path), options);
    await session.load();
    return session;
  }

  /**
   * Prepares fast saves: reads the save hint from the file's text and caches every cell's text,
   * both in short slices. Begun at the first edit (a notebook only read never pays for it); a
   * save before it is done does the rest itself. Resolves when done.
   */
  prepareSaves(): Promise<void> {
    this.preparing ??= (async () => {
      await new Promise((r) => setImmediate(r));
      const stop = () => this.closing || this.closed;
      if (stop()) return;
      this.cellCache.useHint(await this.saveHint());
      await this.cellCache.warm(stop);
    })();
    return this.preparing;
  }

  private saveHint(): Promise<SaveHint> {
    if (this.hint) return this.hint;
    if (this.file.text === null) throw new Error('the save hint was dropped with its text');
    this.hint = readSaveHintInSlices(this.file.text, this.ids);
    this.file.text = null; // the hint is all a save needs of it
    return this.hint;
  }

  /** True when edits were accepted that are not in the file yet. */
  get dirty(): boolean {
    return this.isDirty;
  }

  /** The file's name, for titles. */
  get name(): string {
    return basename(this.path);
  }

  /**
   * Attaches a client over `transport`: y-protocols sync and awareness until either side closes.
   * Returns a function that detaches it.
   */
  attach(transport: Transport, who: Who = { name: 'Host' }): () => void {
    const client: Client = {
      transport,
      notify: (n) => transport.send(encodeNotice(n)),
      lastRefusal: -Infinity,
    };
    this.clients.add(client);
    this.journaledAhead.add(transport);
    // The role is read at each request: the host may change it while the client is connected.
    const handler: RequestHandler = (request) =>
      routeRequest(this.requests, request, {
        ...who,
        transport,
        role: roleOf(transport),
        notify: client.notify,
      });
    // The carry must see a client's update before it applies, to pair a moved cell's old text
    // with the mover's copy character by character.
    const gate = (update: Uint8Array) => {
      if (!this.keeper.ahead(update)) {
        this.refuse(client);
        return false;
      }
      this.carry?.noteUpdate(update);
      return true;
    };
    const detach = attachSyncClient(this.doc, this.awareness, transport, handler, gate);
    const forget = () => {
      this.clients.delete(client);
      this.journaledAhead.delete(transport);
    };
    const offClose = transport.onClose(forget);
    // A window or guest arriving while edits are paused or saves fail is told at once.
    if (this.keeper.failure !== null && roleOf(transport) === 'host') {
      client.notify({
        type: 'notice',
        level: 'error',
        message: this.keeper.failure,
        code: 'journal-failed',
      });
    }
    if (this.saveFailure !== null) {
      client.notify(this.saveFailureNotice(roleOf(transport) === 'host', this.saveFailure));
    }
    return () => {
      forget();
      offClose();
      detach();
    };
  }

  /** The queue running cells on this notebook's kernel; null until a kernel is attached. */
  get execution(): ExecutionQueue | null {
    return this.kernels.execution;
  }

  /** Attaches a kernel: from now on run, interrupt and restart requests use it. */
  attachKernel(kernel: Kernel, spec: KernelChoice): void {
    this.kernels.attach(kernel, spec);
  }

  /** Takes the kernels from the Jupyter server at `url` (null: this machine) and starts one. */
  useKernelServer(url: string | null, token: string): Promise<void> {
    return useKernelsFrom(this, url, token);
  }

  /** Tells the host's own windows, once per version of the changed file, so they can choose. */
  askHostsAboutChangedFile(error: PairbookError): void {
    const onDisk = this.changedOnDisk;
    if (onDisk === null || onDisk === this.toldHostsAbout) return;
    this.toldHostsAbout = onDisk;
    const notice: HostNotice = {
      type: 'notice',
      level: 'warning',
      message: error.message,
      code: 'file-changed',
    };
    for (const c of this.clients) if (roleOf(c.transport) === 'host') c.notify(notice);
  }

  /**
   * Writes the document to its file if it has unsaved edits (an unchanged notebook is never
   * rewritten, so it stays byte-identical). Refuses, with error code 'file-changed', when the file
   * changed on disk since it was read or last saved, unless `force`.
   */
  async save(options: { force?: boolean } = {}): Promise<void> {
    // Another save's or a reload's failure is theirs to report; this save tries for itself.
    while (this.saving) await this.saving.catch(() => undefined);
    if (!this.isDirty) return;
    this.saving = this.write(options.force ?? false).finally(() => {
      this.saving = null;
    });
    return this.saving;
  }

  /**
   * Replaces the document with the file as it is on disk now, in one transaction that every
   * client receives ("Reload from disk": edits since the last save are dropped for everyone),
   * and guests are told. The journal starts over from the file. If the file cannot be opened faithfully (invalid
   * JSON, not a notebook, ...) rejects with that PairbookError and changes nothing.
   */
  async reload(): Promise<void> {
    while (this.saving) await this.saving.catch(() => undefined);
    this.saving = this.replaceFromDisk().finally(() => {
      this.saving = null;
    });
    return this.saving;
  }

  /** Saves pending edits, stops autosave and closes the journal. Idempotent. */
  async close(): Promise<void> {
    if (this.closed || this.closing) return;
    this.closing = true;
    if (this.autosaveTimer) clearTimeout(this.autosaveTimer);
    try {
      await this.kernels.destroy();
      // Edits accepted during a save's write leave it dirty: save those too (bounded: clients
      // may still be typing; whatever is left stays in the journal).
      for (let i = 0; i < 3 && (i === 0 || this.isDirty); i++) await this.save();
    } finally {
      if (this.autosaveTimer) clearTimeout(this.autosaveTimer);
      this.closed = true;
      this.keeper.close();
      this.carry?.stop();
      this.awareness.destroy();
      this.doc.destroy();
    }
  }

  private async load(): Promise<void> {
    const { text, sha256: hash, notebook, warnings } = await readNotebookFile(this.path);
    // Only the text is kept: the parsed JSON would double the memory a large notebook takes.
    this.file = { text, sha256: hash };
    this.warnings = warnings;
    await removeStaleTempFiles(this.path);
    const previous = this.journal.read();
    const recovered = previous ? await this.recover(previous, notebook, text) : null;
    if (recovered) {
      // The file is as the crashed run left it: its journal holds the whole document.
      Y.transact(this.doc, () => replay(this.doc, previous!.states), LOAD_ORIGIN);
      recovered.destroy();
      this.recovery = { kind: 'replayed', updates: previous!.states.length };
      // The replayed state is not in the file: it stays unsaved until a save holds it.
      this.journal.begin(this.file.sha256, Y.encodeStateAsUpdate(this.doc), {
        saved: false,
      });
      this.isDirty = true;
      this.editSeq++;
      this.unsavedSince = Date.now();
      this.scheduleAutosave();
      void this.prepareSaves();
    } else {
      this.journal.discard();
      this.ids = loadNotebookIntoDoc(notebook, this.doc);
      this.keeper.beginInBackground();
    }
    updateFeedOf(this.doc).subscribe(this.onUpdate);
    // After the replay: the journal already holds whatever was carried before the crash.
    this.carry = carryEditsIntoMovedCells(this.doc);
  }

  /**
   * What to do with the journal of an earlier run. Returns its document when it holds edits the
   * file lacks and the file is as that run left it (to replay); null when there is nothing to
   * recover, or when the file changed meanwhile (the edits are then written beside it).
   */
  private async recover(
    previous: JournalContents,
    notebook: Parameters<typeof loadNotebookIntoDoc>[0],
    text: string,
  ): Promise<Y.Doc | null> {
    const scratch = new Y.Doc();
    this.ids = loadNotebookIntoDoc(notebook, scratch);
    scratch.destroy();
    const through = savedThrough(previous, this.file.sha256);
    if (through !== null && through >= previous.states.length) return null;
    const recovered = new Y.Doc();
    replay(recovered, previous.states);
    // A save that reached the disk but not its journal record: the file already says it all.
    const same = serializeNotebook(recovered, readSaveHint(text, this.ids)) === text;
    if (same) {
      recovered.destroy();
      return null;
    }
    if (through !== null) return recovered;
    // The file changed since: keep both, unless the unsaved records change nothing in the file.
    const saved = new Y.Doc();
    replay(saved, previous.states.slice(0, lastConfirmed(previous).through));
    const unchanged = serializeNotebook(saved) === serializeNotebook(recovered);
    saved.destroy();
    if (!unchanged) this.recovery = await this.keepBoth(recovered);
    recovered.destroy();
    return null;
  }

  // Registered before any client attaches, so an update is journaled before it is relayed.
  private onUpdate = (update: Uint8Array, origin: unknown, tr: Y.Transaction): void => {
    if (origin === LOAD_ORIGIN || origin === RELOAD_ORIGIN) return;
    const changes = changesFile(tr);
    if (!this.journaledAhead.has(origin)) this.keeper.hostUpdate(update, changes);
    if (!changes) return;
    this.editSeq++;
    this.unsavedSince ??= Date.now();
    void this.prepareSaves();
    if (!this.isDirty) {
      this.isDirty = true;
      this.emit('dirty', []);
    }
    this.scheduleAutosave();
  };

  // The client's replica now has an edit the host refused: a guest starts over from the host's
  // state (as after an edit the hub's guard drops); a host window reconnects, and its sync offers
  // the refused edits again, so the host's own typing is kept until the journal can take it.
  private refuse(client: Client): void {
    if (roleOf(client.transport) === 'host') {
      client.transport.close(this.keeper.failure ?? 'the journal cannot be written');
      return;
    }
    const now = Date.now();
    if (now - client.lastRefusal < REFUSAL_NOTICE_INTERVAL_MS) return;
    client.lastRefusal = now;
    const message =
      "The host can't record edits right now (its disk is full or failing): your edit was not " +
      "kept; your copy is reloaded from the host's. Edits are paused until the host fixes it";
    client.notify({ type: 'notice', level: 'error', message, code: 'journal-failed' });
    client.transport.send(encodeControl({ type: 'resync', message }));
  }

  private scheduleAutosave(): void {
    const quiet = this.options.autosaveDelayMs ?? AUTOSAVE_DELAY_MS;
    if (quiet <= 0 || this.closed || this.closing) return;
    const maxWait = this.options.autosaveMaxWaitMs ?? AUTOSAVE_MAX_WAIT_MS;
    const waited = this.unsavedSince === null ? 0 : Date.now() - this.unsavedSince;
    const delay = Math.max(0, Math.min(quiet, maxWait - waited));
    if (this.autosaveTimer) clearTimeout(this.autosaveTimer);
    this.autosaveTimer = setTimeout(() => this.autosave(), delay);
  }

  private autosave(): void {
    this.autosaveTimer = null;
    this.save().catch((e: unknown) => {
      // save() reports through 'save-failed'; anything else is a bug worth seeing. Autosave
      // never forces: a file changed on disk waits for the host's choice.
      if (!(e instanceof PairbookError)) console.error('pairbook: autosave failed', e);
      else if (e.code === 'file-changed') this.askHostsAboutChangedFile(e);
    });
  }

  private async replaceFromDisk(): Promise<void> {
    let file: Awaited<ReturnType<typeof readNotebookFile>>;
    try {
      file = await readNotebookFile(this.path);
    } catch (e) {
      if (!(e instanceof PairbookError)) throw e;
      throw new PairbookError(
        e.code,
        `${e.message} — nothing was loaded; everyone keeps the notebook as it is`,
      );
    }
    if (this.autosaveTimer) clearTimeout(this.autosaveTimer);
    this.autosaveTimer = null;
    let ids: string[] = [];
    this.doc.transact(() => {
      const meta = metaOf(this.doc);
      for (const key of [...meta.keys()]) meta.delete(key);
      cellsOf(this.doc).delete(0, cellsOf(this.doc).length);
      // Nested: it joins this transaction, so clients get one update with origin RELOAD_ORIGIN.
      ids = loadNotebookIntoDoc(file.notebook, this.doc);
    }, RELOAD_ORIGIN);
    this.file = { text: file.text, sha256: file.sha256 };
    this.ids = ids;
    this.hint = null;
    this.preparing = null;
    this.warnings = file.warnings;
    this.changedOnDisk = null;
    this.toldHostsAbout = null;
    this.isDirty = false;
    this.unsavedSince = null;
    this.keeper.begin({ saved: true }); // on failure, the file holds everything
    this.emit('saved', [{ path: this.path, bytes: Buffer.byteLength(file.text) }]);
    // Guests lost their unsaved edits too: say why (the host's window says it itself).
    const message = `The host loaded ${this.name} from disk: edits since the last save were replaced`;
    for (const c of this.clients) {
      if (roleOf(c.transport) !== 'host') c.notify({ type: 'notice', level: 'info', message });
    }
  }

  private async write(force: boolean): Promise<void> {
    const diskHash = await hashFileInSlices(this.path);
    if (!force && diskHash !== null && diskHash !== this.file.sha256) {
      this.changedOnDisk = diskHash;
      const error = new PairbookError(
        'file-changed',
        `${this.name} changed on disk since Pairbook read it; your edits are kept — ` +
          'overwrite the file with your version, or load the file from disk',
      );
      this.emit('save-failed', [error]);
      throw error;
    }
    this.cellCache.useHint(await this.saveHint());
    await this.cellCache.warm(); // in slices: only the cells changed since the last save
    // The save covers exactly what it serializes now: edits accepted during the write stay
    // unsaved, in the document and in the journal.
    const seq = this.editSeq;
    const since = this.unsavedSince;
    const point = this.keeper.savePoint();
    const parts = this.cellCache.serializeInParts();
    this.unsavedSince = null;
    const { sha256: hash, bytes } = await hashPartsInSlices(parts);
    if (hash === this.file.sha256) {
      // Only live state changed (kernel status, an edit undone): the file already says this.
      this.keeper.mark('saved', this.file.sha256, point);
      this.savedUpTo(seq, bytes);
      return;
    }
    this.keeper.mark('saving', hash, point);
    this.emit('saving', [{ path: this.path }]);
    try {
      await writeFileAtomic(this.path, parts);
    } catch (e) {
      this.unsavedSince = since ?? Date.now();
      if (e instanceof PairbookError) this.saveFailed(e);
      throw e;
    }
    this.file = { text: null, sha256: hash };
    this.changedOnDisk = null;
    this.toldHostsAbout = null;
    this.keeper.mark('saved', hash, point);
    this.savedUpTo(seq, bytes);
    // Past a size, start the journal over from the saved state instead of appending forever: in
    // the background, the journal taking appends meanwhile (the next save waits for it).
    if (this.journal.appendedBytes > JOURNAL_COMPACT_BYTES && this.keeper.current) {
      await compactInBackground(this.journal, this.doc, hash, () => seq === this.editSeq);
    }
  }

  // The file now holds the document as it was at edit `seq`.
  private savedUpTo(seq: number, bytes: number): void {
    if (this.saveFailure !== null) {
      this.saveFailure = null;
      const message = `${this.name} is being saved again`;
      for (const c of this.clients)
        c.notify({ type: 'notice', level: 'info', message, code: 'saved' });
    }
    this.emit('saved', [{ path: this.path, bytes }]);
    if (seq === this.editSeq) {
      this.isDirty = false;
      return;
    }
    this.emit('dirty', []);
    this.scheduleAutosave();
  }

  private saveFailureNotice(toHost: boolean, message: string): HostNotice {
    const text = toHost
      ? message
      : `The host can't save ${this.name} right now; edits are kept in the host's journal`;
    return { type: 'notice', level: 'error', message: text, code: 'save-failed' };
  }

  // Everyone is told once that the notebook is not being saved; autosave tries again later.
  private saveFailed(e: PairbookError): void {
    this.emit('save-failed', [e]);
    if (this.saveFailure === null) {
      this.saveFailure = e.message;
      for (const c of this.clients) {
        c.notify(this.saveFailureNotice(roleOf(c.transport) === 'host', e.message));
      }
    }
    const retry = this.options.autosaveMaxWaitMs ?? AUTOSAVE_MAX_WAIT_MS;
    if ((this.options.autosaveDelayMs ?? AUTOSAVE_DELAY_MS) <= 0 || this.closed || this.closing) {
      return;
    }
    if (this.autosaveTimer) clearTimeout(this.autosaveTimer);
    this.autosaveTimer = setTimeout(() => this.autosave(), retry);
  }

  // The file changed while edits sat in the journal: write those edits to a new file, open the file.
  private async keepBoth(recovered: Y.Doc): Promise<Recovery> {
    const ext = extname(this.path);
    const stem = basename(this.path, ext);
    let target = join(dirname(this.path), `${stem}.recovered${ext}`);
    for (
      let n = 2;
      await readFile(target).then(
        () => true,
        () => false,
      );
      n++
    ) {
      target = join(dirname(this.path), `${stem}.recovered-${n}${ext}`);
    }
    await writeFileAtomic(target, serializeNotebook(recovered));
    return {
      kind: 'kept-both',
      recoveredPath: target,
      message:
        `${this.name} changed on disk after Pairbook last saved it, so the edits of your last ` +
        `session were not merged into it; they are in ${basename(target)} beside it`,
    };
  }
}

/** An attached client: its pipe, how to send it a notice, when it was last told of a refusal. */
interface Client {
  transport: Transport;
  notify: (notice: HostNotice) => void;
  lastRefusal: number;
}

/** Applies journaled states to `doc`, skipping one that cannot be read (it was never applied). */
function replay(doc: Y.Doc, states: Uint8Array[]): void {
  for (const state of states) {
    try {
      Y.applyUpdate(doc, state);
    } catch (e) {
      console.warn(`pairbook: skipped an unreadable journal record: ${(e as Error).message}`);
    }
  }
}
