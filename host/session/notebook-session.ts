import { randomUUID } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { basename, dirname, extname, join, resolve } from 'node:path';
import { ObservableV2 } from 'lib0/observable';
import * as awarenessProtocol from 'y-protocols/awareness';
import * as Y from 'yjs';
import { PairbookError } from '../../protocol/errors';
import { type ClientRequest, type HostNotice, encodeNotice } from '../../protocol/hub-messages';
import { type Role, can } from '../../protocol/roles';
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
import { readNotebookFile, sha256, writeFileAtomic } from '../document/notebook-file';
import { roleOf } from './client-role';
import type { ExecutionQueue, Requester } from './execution-queue';
import { useKernelsFrom } from './kernel-choice';
import { NotebookKernel } from './notebook-kernel';
import { type RequestHandler, type RequestOutcome, attachSyncClient } from './sync-client';
import { Journal } from './journal';

/** Default quiet time after the last edit before an autosave. */
export const AUTOSAVE_DELAY_MS = 1000;
/** Journal size past which a save starts it over from the saved state. */
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
}

/** What the journal of a previous run held, and what was done with it. */
export type Recovery =
  | { kind: 'replayed'; updates: number }
  | { kind: 'kept-both'; recoveredPath: string; message: string };

/** Events of a NotebookSession. */
export interface SessionEvents {
  /** The document has edits that are not in the file yet. */
  dirty: () => void;
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

  /** The file as last read or written: its exact text (for save hints) and hash. */
  private file!: { text: string; sha256: string };
  private ids: string[] = [];
  private hint: SaveHint | null = null;
  /** The hash of the file on disk when a save last found it changed; null when it was not. */
  private changedOnDisk: string | null = null;
  private journal: Journal;
  private isDirty = false;
  private autosaveTimer: NodeJS.Timeout | null = null;
  private saving: Promise<void> | null = null;
  private closed = false;
  /** Attached clients, to tell the host's windows what only the host decides. */
  private clients = new Set<Client>();
  /** The hash of the changed file the host's windows were last told about. */
  private toldHostsAbout: string | null = null;
  /** input() prompts waiting for an answer, by id, with the client that may answer them. */
  private pendingInputs = new Map<string, { transport: Transport; resolve: (v: string) => void }>();

  private constructor(
    readonly path: string,
    private readonly options: SessionOptions,
  ) {
    super();
    this.journal = Journal.for(options.dataDir, path);
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
    const client: Client = { transport, notify: (n) => transport.send(encodeNotice(n)) };
    this.clients.add(client);
    const handler: RequestHandler = (request, c) => this.handleRequest(request, c, who);
    const detach = attachSyncClient(this.doc, this.awareness, transport, handler);
    const offClose = transport.onClose(() => this.clients.delete(client));
    return () => {
      this.clients.delete(client);
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

  private async handleRequest(
    request: ClientRequest,
    client: Client,
    who: Who,
  ): Promise<RequestOutcome> {
    // The hub's guard refuses guests first; this is the second line, and words the replies.
    const role = roleOf(client.transport);
    if (request.type === 'save') return this.saveFor(role, request.force ?? false);
    if (request.type === 'reload') {
      if (!can(role, 'manage')) return onlyTheHost('load the file from disk');
      await this.reload();
      return { ok: true };
    }
    if (request.type === 'change-kernel') {
      if (!can(role, 'run')) {
        return { ok: false, code: 'not-allowed', message: 'you may not change the kernel' };
      }
      await this.kernels.change(request.name);
      return { ok: true };
    }
    if (request.type === 'kernel-server') {
      if (!can(role, 'manage')) return onlyTheHost('choose where the kernel runs');
      await useKernelsFrom(this, request.url, request.token);
      return { ok: true };
    }
    if (request.type === 'input-reply') {
      const pending = this.pendingInputs.get(request.inputId);
      if (!pending || pending.transport !== client.transport) {
        return { ok: false, message: 'that prompt is no longer waiting for an answer' };
      }
      pending.resolve(request.value);
      return { ok: true };
    }
    const queue = this.kernels.execution;
    if (!queue) return { ok: false, code: 'no-kernel', message: this.kernels.unavailable };
    if (request.type === 'run') {
      queue.enqueue(request.cellIds, request.digests, this.requester(who, client));
    } else if (request.type === 'interrupt') await queue.interrupt();
    else await queue.restart();
    return { ok: true };
  }

  // A guest's save that finds the file changed gets told the host decides; the host is asked.
  private async saveFor(role: Role, force: boolean): Promise<RequestOutcome> {
    if (force && !can(role, 'manage')) return onlyTheHost('overwrite the file on disk');
    try {
      await this.save({ force });
      return { ok: true };
    } catch (e) {
      if (!(e instanceof PairbookError) || e.code !== 'file-changed' || role === 'host') throw e;
      this.askHostsAboutChangedFile(e);
      return {
        ok: false,
        code: 'file-changed',
        message:
          `${this.name} changed on disk since the host opened it; your edits are kept — the ` +
          'host decides whether to overwrite the file or load it from disk',
      };
    }
  }

  // Tells the host's own windows, once per version of the changed file, so they can choose.
  private askHostsAboutChangedFile(error: PairbookError): void {
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

  // A requester whose input() prompts go to the client that asked for the run, and only to it.
  private requester({ name, peer }: Who, client: Client): Requester {
    return {
      name,
      ...(peer ? { peer } : {}),
      askInput: (prompt, signal) =>
        new Promise<string>((resolve, reject) => {
          const inputId = randomUUID();
          const done = () => {
            this.pendingInputs.delete(inputId);
            offClose();
          };
          const offClose = client.transport.onClose(() => {
            done();
            reject(new Error(`${name} left`));
          });
          signal.addEventListener('abort', () => {
            done();
            reject(new Error('the prompt was cancelled'));
          });
          this.pendingInputs.set(inputId, {
            transport: client.transport,
            resolve: (v) => {
              done();
              resolve(v);
            },
          });
          const cellId = this.kernels.execution?.runningCellId ?? '';
          client.notify({
            type: 'input-request',
            inputId,
            cellId,
            prompt: prompt.prompt,
            password: prompt.password,
          });
        }),
    };
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
    if (this.closed) return;
    if (this.autosaveTimer) clearTimeout(this.autosaveTimer);
    try {
      await this.kernels.destroy();
      await this.save();
    } finally {
      this.closed = true;
      if (this.isDirty) this.journal.close();
      else this.journal.discard();
      this.awareness.destroy();
      this.doc.destroy();
    }
  }

  private async load(): Promise<void> {
    const { text, sha256: hash, notebook, warnings } = await readNotebookFile(this.path);
    // Only the text is kept: the parsed JSON would double the memory a large notebook takes.
    this.file = { text, sha256: hash };
    this.warnings = warnings;
    const previous = this.journal.read();
    if (previous?.hasUnsavedUpdates && previous.expectedFileSha256 !== this.file.sha256) {
      this.recovery = await this.keepBoth(previous.updates);
      this.journal.discard();
      previous.hasUnsavedUpdates = false;
    }
    if (previous?.hasUnsavedUpdates) {
      // The file is as the crashed run left it: its journal holds the whole document.
      Y.transact(
        this.doc,
        () => previous.updates.forEach((u) => Y.applyUpdate(this.doc, u)),
        LOAD_ORIGIN,
      );
      this.ids = loadNotebookIntoDoc(notebook, new Y.Doc());
      this.recovery = { kind: 'replayed', updates: previous.updates.length };
      this.journal.begin(this.file.sha256, Y.encodeStateAsUpdate(this.doc));
      this.isDirty = true;
      this.scheduleAutosave();
    } else {
      this.journal.discard();
      this.ids = loadNotebookIntoDoc(notebook, this.doc);
    }
    this.doc.on('update', this.onUpdate);
  }

  // Registered before any client attaches, so an update is journaled before it is relayed.
  private onUpdate = (
    update: Uint8Array,
    origin: unknown,
    _doc: Y.Doc,
    tr: Y.Transaction,
  ): void => {
    if (origin === LOAD_ORIGIN || origin === RELOAD_ORIGIN) return;
    if (this.journal.isOpen) this.journal.appendUpdate(update);
    else this.journal.begin(this.file.sha256, Y.encodeStateAsUpdate(this.doc));
    if (!changesFile(tr)) return;
    if (!this.isDirty) {
      this.isDirty = true;
      this.emit('dirty', []);
    }
    this.scheduleAutosave();
  };

  private scheduleAutosave(): void {
    const delay = this.options.autosaveDelayMs ?? AUTOSAVE_DELAY_MS;
    if (delay <= 0 || this.closed) return;
    if (this.autosaveTimer) clearTimeout(this.autosaveTimer);
    this.autosaveTimer = setTimeout(() => {
      this.autosaveTimer = null;
      this.save().catch((e: unknown) => {
        // save() reports through 'save-failed'; anything else is a bug worth seeing. Autosave
        // never forces: a file changed on disk waits for the host's choice.
        if (!(e instanceof PairbookError)) console.error('pairbook: autosave failed', e);
        else if (e.code === 'file-changed') this.askHostsAboutChangedFile(e);
      });
    }, delay);
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
    this.warnings = file.warnings;
    this.changedOnDisk = null;
    this.toldHostsAbout = null;
    this.isDirty = false;
    this.journal.begin(file.sha256, Y.encodeStateAsUpdate(this.doc));
    this.emit('saved', [{ path: this.path, bytes: Buffer.byteLength(file.text) }]);
    // Guests lost their unsaved edits too: say why (the host's window says it itself).
    const message = `The host loaded ${this.name} from disk: edits since the last save were replaced`;
    for (const c of this.clients) {
      if (roleOf(c.transport) !== 'host') c.notify({ type: 'notice', level: 'info', message });
    }
  }

  private async write(force: boolean): Promise<void> {
    const onDisk = await readFile(this.path).catch(() => null);
    const diskHash = onDisk === null ? null : sha256(onDisk);
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
    this.hint ??= readSaveHint(this.file.text, this.ids);
    const text = serializeNotebook(this.doc, this.hint);
    if (text === this.file.text) {
      // Only live state changed (kernel status, an edit undone): the file already says this.
      if (this.journal.isOpen) this.journal.markSaved(this.file.sha256);
      this.isDirty = false;
      this.emit('saved', [{ path: this.path, bytes: Buffer.byteLength(text) }]);
      return;
    }
    try {
      await writeFileAtomic(this.path, text);
    } catch (e) {
      if (e instanceof PairbookError) this.emit('save-failed', [e]);
      throw e;
    }
    const hash = sha256(text);
    this.file = { ...this.file, text, sha256: hash };
    this.changedOnDisk = null;
    this.toldHostsAbout = null;
    // Past a size, start the journal over from the saved state instead of appending forever.
    if (this.journal.size > JOURNAL_COMPACT_BYTES) {
      this.journal.begin(hash, Y.encodeStateAsUpdate(this.doc));
    } else if (this.journal.isOpen) this.journal.markSaved(hash);
    this.isDirty = false;
    this.emit('saved', [{ path: this.path, bytes: Buffer.byteLength(text) }]);
  }

  // The file changed while edits sat in the journal: write those edits to a new file, open the file.
  private async keepBoth(updates: Uint8Array[]): Promise<Recovery> {
    const recovered = new Y.Doc();
    updates.forEach((u) => Y.applyUpdate(recovered, u));
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
    recovered.destroy();
    return {
      kind: 'kept-both',
      recoveredPath: target,
      message:
        `${this.name} changed on disk after Pairbook last saved it, so the edits of your last ` +
        `session were not merged into it; they are in ${basename(target)} beside it`,
    };
  }
}

/** An attached client: its pipe, and how to send it a notice. */
interface Client {
  transport: Transport;
  notify: (notice: HostNotice) => void;
}

/** The reply refusing a guest what only the host decides. */
function onlyTheHost(what: string): RequestOutcome {
  return { ok: false, code: 'not-allowed', message: `only the host can ${what}` };
}
