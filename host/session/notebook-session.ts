import { resolve } from 'node:path';
import { ObservableV2 } from 'lib0/observable';
import * as awarenessProtocol from 'y-protocols/awareness';
import * as Y from 'yjs';
import { PairbookError } from '../../protocol/errors';
import type { Transport } from '../../protocol/transport';
import { LOAD_ORIGIN, cellsOf, changesFile, metaOf } from '../../protocol/ydoc-nbformat';
import type { Kernel } from '../../kernel-bridge';
import type { KernelChoice } from '../../protocol/runtime-state';
import { hashPartsInSlices } from '../document/notebook-file';
import { type AutosaveOptions, Autosave } from './autosave';
import type { ExecutionQueue } from './execution-queue';
import { FileStore } from './file-store';
import { roleOf } from './client-role';
import { SessionClients } from './session-clients';
import { useKernelsFrom } from './kernel-choice';
import { NotebookKernel } from './notebook-kernel';
import { type RequestHandler, attachSyncClient } from './sync-client';
import { updateFeedOf } from './update-feed';
import { SessionJournal } from './session-journal';
import { SessionTimeline } from './timeline';
import { InputPrompts } from './input-prompts';
import { routeRequest } from './request-router';
import { sessionRequests } from './session-requests';
import { type MoveCarry, carryEditsIntoMovedCells } from './move-carry';
import { Journal } from './journal';
import { compactInBackground } from './journal-base-writer';
import { type Recovery, recoverJournal, replay } from './journal-recovery';

export type { Recovery } from './journal-recovery';
export { AUTOSAVE_DELAY_MS, AUTOSAVE_MAX_WAIT_MS } from './autosave';

/** Bytes appended to the journal past its base after which a save starts it over from the saved state. */
export const JOURNAL_COMPACT_BYTES = 4 * 1024 * 1024;
/** Who a client is: the name others see, and the hub's peer id of a guest. */
export interface Who {
  name: string;
  peer?: string;
}

/** Transaction origin of reload(): the document replaced by the file on disk. */
export const RELOAD_ORIGIN = 'pairbook:reload';

/** Options for NotebookSession.open, autosave's (autosave.ts) among them. */
export interface SessionOptions extends AutosaveOptions {
  /** The app's data folder; the journal lives in `<dataDir>/journals/`. */
  dataDir: string;
  /** Records the timeline with authors (timeline.ts); off unless asked (docs/timeline.md). */
  timeline?: boolean;
}

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
 * One open notebook: the document of record (a Y.Doc), the file it came from (file-store.ts), its
 * crash journal (session-journal.ts) and autosave. Clients (the host's windows, guests) attach
 * over any Transport and speak y-protocols sync and awareness with it; their requests go through
 * the router (request-router.ts) to the session's handlers (session-requests.ts).
 */
export class NotebookSession extends ObservableV2<SessionEvents> {
  /** The document every client edits. */
  readonly doc = new Y.Doc();
  /** Who is here and where their cursors are. */
  readonly awareness = new awarenessProtocol.Awareness(this.doc);
  /** Set when the journal of an earlier run was recovered on open. */
  recovery: Recovery | null = null;
  /** The notebook's kernel: runs, the kernels offered, changing kernel. */
  readonly kernels = new NotebookKernel(this.doc);
  /** The kernel's input() prompts, each to the person who ran the cell. */
  readonly prompts = new InputPrompts();
  /** Every accepted change, who made it and when (timeline.ts), beside the journal. */
  readonly timeline: SessionTimeline | null;

  /** The notebook's file: as read or last written, and what a save writes. */
  private readonly store: FileStore;
  private readonly journal: Journal;
  /** Keeps the journal as edits are accepted and saved; tells the host when it cannot. */
  private readonly keeper: SessionJournal;
  /** Carries typing that reaches a moved cell's old text into the moved cell. */
  private carry: MoveCarry | null = null;
  private readonly autosave: Autosave;
  private isDirty = false;
  /** Counts accepted edits to the notebook: a save knows whether edits came during its write. */
  private editSeq = 0;
  /** Transports whose updates are journaled before they are applied. */
  private journaledAhead = new Set<unknown>();
  private saving: Promise<void> | null = null;
  private closed = false;
  private closing = false;
  /** Attached clients, and what they are told. */
  private readonly clients: SessionClients;
  private readonly requests = sessionRequests(this);

  private constructor(
    readonly path: string,
    options: SessionOptions,
  ) {
    super();
    this.store = new FileStore(path, this.doc);
    this.clients = new SessionClients(this.store.name);
    this.journal = Journal.for(options.dataDir, path);
    this.timeline = options.timeline ? new SessionTimeline(options.dataDir, path, this.doc) : null;
    this.keeper = new SessionJournal(
      this.journal,
      this.doc,
      () => ({ sha256: this.store.sha256, dirty: this.isDirty }),
      (notice) => this.clients.toHosts(notice),
    );
    this.autosave = new Autosave(options, () => this.saveNow());
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
    return this.store.prepareSaves(() => this.closing || this.closed);
  }

  /** What the file's validation found worth telling (a newer nbformat minor, missing ids). */
  get warnings(): string[] {
    return this.store.warnings;
  }

  /** True when edits were accepted that are not in the file yet. */
  get dirty(): boolean {
    return this.isDirty;
  }

  /** The file's name, for titles. */
  get name(): string {
    return this.store.name;
  }

  /**
   * Attaches a client over `transport`: y-protocols sync and awareness until either side closes.
   * Returns a function that detaches it.
   */
  attach(transport: Transport, who: Who = { name: 'Host' }): () => void {
    this.kernels.know(transport, who);
    const client = this.clients.add(transport);
    this.journaledAhead.add(transport);
    this.timeline?.know(transport, who);
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
        this.clients.refuse(client, this.keeper.failure);
        return false;
      }
      this.carry?.noteUpdate(update);
      return true;
    };
    const detach = attachSyncClient(this.doc, this.awareness, transport, handler, gate);
    const forget = () => {
      this.clients.remove(client);
      this.journaledAhead.delete(transport);
    };
    const offClose = transport.onClose(forget);
    this.clients.welcome(client, this.keeper.failure);
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
    if (!this.store.newlyChanged()) return;
    const { message } = error;
    this.clients.toHosts({ type: 'notice', level: 'warning', message, code: 'file-changed' });
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
    this.autosave.stop();
    try {
      await this.kernels.destroy();
      // Edits accepted during a save's write leave it dirty: save those too (bounded: clients
      // may still be typing; whatever is left stays in the journal).
      for (let i = 0; i < 3 && (i === 0 || this.isDirty); i++) await this.save();
    } finally {
      this.closed = true;
      this.timeline?.close();
      this.keeper.close();
      this.carry?.stop();
      this.awareness.destroy();
      this.doc.destroy();
    }
  }

  private async load(): Promise<void> {
    const file = await this.store.read();
    const previous = this.journal.read();
    const found = previous ? await recoverJournal(previous, file, this.store) : null;
    if (previous && found?.replay) {
      // The file is as the crashed run left it: its journal holds the whole document.
      Y.transact(this.doc, () => replay(this.doc, previous.states), LOAD_ORIGIN);
      found.replay.destroy();
      this.recovery = { kind: 'replayed', updates: previous.states.length };
      // The replayed state is not in the file: it stays unsaved until a save holds it.
      this.journal.begin(this.store.sha256, Y.encodeStateAsUpdate(this.doc), {
        saved: false,
      });
      this.isDirty = true;
      this.editSeq++;
      this.autosave.edited();
      this.autosave.schedule();
      void this.prepareSaves();
    } else {
      this.recovery = found?.recovery ?? null;
      this.journal.discard();
      this.store.load(file.notebook, this.doc);
      this.keeper.beginInBackground();
    }
    updateFeedOf(this.doc).subscribe(this.onUpdate);
    this.timeline?.start();
    // After the replay: the journal already holds whatever was carried before the crash.
    this.carry = carryEditsIntoMovedCells(this.doc);
  }

  // Registered before any client attaches, so an update is journaled before it is relayed.
  private onUpdate = (update: Uint8Array, origin: unknown, tr: Y.Transaction): void => {
    if (origin === LOAD_ORIGIN || origin === RELOAD_ORIGIN) return;
    const changes = changesFile(tr);
    if (!this.journaledAhead.has(origin)) this.keeper.hostUpdate(update, changes);
    if (!changes) return;
    this.editSeq++;
    this.autosave.edited();
    void this.prepareSaves();
    if (!this.isDirty) {
      this.isDirty = true;
      this.emit('dirty', []);
    }
    this.autosave.schedule();
  };

  private saveNow(): void {
    this.save().catch((e: unknown) => {
      // save() reports through 'save-failed'; anything else is a bug worth seeing. Autosave
      // never forces: a file changed on disk waits for the host's choice.
      if (!(e instanceof PairbookError)) console.error('pairbook: autosave failed', e);
      else if (e.code === 'file-changed') this.askHostsAboutChangedFile(e);
    });
  }

  private async replaceFromDisk(): Promise<void> {
    const file = await this.store.reread();
    this.autosave.cancel();
    this.doc.transact(() => {
      const meta = metaOf(this.doc);
      for (const key of [...meta.keys()]) meta.delete(key);
      cellsOf(this.doc).delete(0, cellsOf(this.doc).length);
      // Nested: it joins this transaction, so clients get one update with origin RELOAD_ORIGIN.
      this.store.load(file.notebook, this.doc);
    }, RELOAD_ORIGIN);
    this.store.replaced(file);
    this.isDirty = false;
    this.autosave.clear();
    this.keeper.begin({ saved: true }); // on failure, the file holds everything
    this.emit('saved', [{ path: this.path, bytes: Buffer.byteLength(file.text) }]);
    this.clients.reloaded(); // guests lost their unsaved edits too: they are told why
  }

  private async write(force: boolean): Promise<void> {
    const changed = await this.store.checkDisk(force);
    if (changed) {
      this.emit('save-failed', [changed]);
      throw changed;
    }
    await this.store.ready();
    // The save covers exactly what it serializes now: edits accepted during the write stay
    // unsaved, in the document and in the journal.
    const seq = this.editSeq;
    const point = this.keeper.savePoint();
    const parts = this.store.serialize();
    const since = this.autosave.take();
    const { sha256: hash, bytes } = await hashPartsInSlices(parts);
    if (hash === this.store.sha256) {
      // Only live state changed (kernel status, an edit undone): the file already says this.
      this.keeper.mark('saved', hash, point);
      this.savedUpTo(seq, bytes);
      return;
    }
    this.keeper.mark('saving', hash, point);
    this.emit('saving', [{ path: this.path }]);
    try {
      await this.store.write(parts, hash);
    } catch (e) {
      this.autosave.untake(since);
      if (e instanceof PairbookError) this.saveFailed(e);
      throw e;
    }
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
    this.clients.saved();
    this.emit('saved', [{ path: this.path, bytes }]);
    if (seq === this.editSeq) {
      this.isDirty = false;
      return;
    }
    this.emit('dirty', []);
    this.autosave.schedule();
  }

  // Everyone is told once that the notebook is not being saved; autosave tries again later.
  private saveFailed(e: PairbookError): void {
    this.emit('save-failed', [e]);
    this.clients.saveFailed(e.message);
    this.autosave.retry();
  }
}
