import { basename, dirname, extname, join, resolve } from 'node:path';
import {
  BrowserWindow,
  MessageChannelMain,
  type WebContents,
  type WebPreferences,
  dialog,
} from 'electron';
import { SharingController } from '../../host/shell/sharing-controller';
import { writeFileAtomic } from '../../host/document/notebook-file';
import { offerLocalKernels, startLocalKernel } from '../../host/session/kernel-choice';
import { NotebookSession } from '../../host/session/notebook-session';
import {
  type AppInfo,
  DESKTOP_EVENT_CHANNELS,
  type DesktopApi,
  type FileState,
} from '../../protocol/desktop-api';
import { PairbookError } from '../../protocol/errors';
import { decideChangedFile } from '../../protocol/file-changed';
import type { Invite } from '../../protocol/invite';
import { serializeNotebook } from '../../protocol/ydoc-nbformat';
import type { JoinLink } from './deep-link';
import { createElectronDesktopHandlers } from './desktop-handlers';
import { askInMessageBox } from './file-changed-prompt';
import { HUB_PORT_CHANNEL, JOIN_LINK_CHANNEL } from './hub-port';
import { MessagePortMainTransport } from './message-port-transport';
import type { RecentFiles } from './recent-files';
import { WINDOW_FRAME, secureWebPreferences } from './security-policy';
import { hostUserName } from '../../host/session/host-user-name';

/** What every notebook window shares. */
export interface WindowsOptions {
  /** The app's data folder: journals of unsaved edits live under it. */
  dataDir: string;
  /** The bundled preload script (CommonJS). */
  preloadPath: string;
  /** The page windows load, e.g. "app://pairbook/index.html". */
  entryUrl: string;
  /** Pairbook's version, for AppInfo. */
  version: string;
  recent: RecentFiles;
  /** Quiet time before an autosave; 0 turns autosave off; undefined: the session's default. */
  autosaveDelayMs?: number;
  /**
   * False to open notebooks without starting a kernel (tests, `PAIRBOOK_NO_KERNEL=1`); the
   * kernel picker still offers this machine's kernels.
   */
  startKernels: boolean;
  /** Opens a guest window joining `invite` (the page's Join, electron/main/guest-windows.ts). */
  openGuestWindow(invite: Invite): void;
  /** Called after a window for `path` opened, and after it closed (with the count still open). */
  onOpened(path: string): void;
  onClosed(path: string, remaining: number): void;
}

/** Filters of the notebook file dialogs. */
const NOTEBOOK_FILTERS = [{ name: 'Jupyter notebooks', extensions: ['ipynb'] }];

/**
 * One window showing one notebook: a BrowserWindow whose page is a client of the notebook's
 * NotebookSession over a MessagePort, exactly as a guest is over a data channel.
 */
export class NotebookWindow {
  /** The page's DesktopApi, answered here. */
  readonly desktop: DesktopApi;
  /** Sharing of this window's notebook, from its Share dialog. */
  readonly sharing: SharingController;
  private fileState: FileState;
  private readonly transports = new Set<MessagePortMainTransport>();
  private readonly pendingLinks: JoinLink[] = [];
  private loaded = false;
  private closed: Promise<void> | null = null;

  constructor(
    readonly window: BrowserWindow,
    readonly session: NotebookSession,
    private readonly windows: NotebookWindows,
    options: WindowsOptions,
  ) {
    this.fileState = { dirty: session.dirty, savedAt: null, error: null };
    const info: AppInfo = {
      shell: 'electron',
      version: options.version,
      notebookPath: session.path,
      notebookName: session.name,
      userName: hostUserName(),
    };
    // Electron serves no /join page: links are pairbook:// only. Signaling listens on loopback
    // (as `pairbook host` does by default); LAN sharing needs a setting for the interface.
    this.sharing = new SharingController(session, {
      listenHost: '127.0.0.1',
      webBase: () => null,
      push: (state) => {
        if (!window.isDestroyed()) window.webContents.send(DESKTOP_EVENT_CHANNELS.sharing, state);
      },
    });
    this.desktop = createElectronDesktopHandlers({
      info,
      recent: options.recent,
      setTitle: (title) => window.setTitle(title),
      chooseNotebooks: () => windows.chooseNotebooks(window),
      openNotebook: async (path) => {
        if (!(await windows.open(path))) throw new Error(`${basename(path)} could not be opened`);
      },
      chooseCopyPath: () => this.chooseCopyPath(),
      writeCopy: (path) => writeFileAtomic(path, serializeNotebook(session.doc)),
      sharing: this.sharing.api(),
      openGuestWindow: (invite) => options.openGuestWindow(invite),
    });
    session.on('dirty', this.onDirty);
    session.on('saved', this.onSaved);
    session.on('save-failed', this.onSaveFailed);
    window.webContents.on('did-finish-load', () => {
      this.loaded = true;
      for (const link of this.pendingLinks.splice(0)) this.sendJoinLink(link);
    });
  }

  /** The notebook's absolute path. */
  get path(): string {
    return this.session.path;
  }

  /**
   * Gives the page a new pipe to the session: one end of a MessageChannelMain is attached to the
   * session as a Transport, the other is posted to the page, whose preload hands it to the page.
   */
  openHubPort(contents: WebContents): void {
    const { port1, port2 } = new MessageChannelMain();
    const transport = new MessagePortMainTransport(port1);
    this.transports.add(transport);
    transport.onClose(() => this.transports.delete(transport));
    this.session.attach(transport, { name: hostUserName() });
    contents.postMessage(HUB_PORT_CHANNEL, null, [port2]);
    this.sendFileState();
  }

  /**
   * Saves now. When the file changed on disk since Pairbook read it, asks what to do, as the
   * page's own dialog does (the same decision, protocol/file-changed.ts, in a native box):
   * overwrite it with this version, load it from disk (replacing the edits since the last save
   * for everyone in the session), or decide later. Other failures are shown. Resolves true when
   * the file holds the document.
   */
  async save(): Promise<boolean> {
    try {
      await this.session.save();
      return true;
    } catch (e) {
      if (!(e instanceof PairbookError) || e.code !== 'file-changed') return this.failed(e);
      return decideChangedFile(this.session.name, (q) => askInMessageBox(this.window, q), {
        overwrite: () => this.attempt(() => this.session.save({ force: true })),
        reload: () => this.attempt(() => this.session.reload()),
      });
    }
  }

  /** File > Save As…: writes a copy where the person says and opens it in its own window. */
  async saveCopy(): Promise<void> {
    const result = await this.desktop.showSaveAsDialog();
    if (!result.ok) {
      await dialog.showMessageBox(this.window, { type: 'error', message: result.error });
      return;
    }
    if (result.value) await this.windows.open(result.value);
  }

  /** Hands a validated invite link to the page (after it has loaded). */
  sendJoinLink(link: JoinLink): void {
    if (!this.loaded) this.pendingLinks.push(link);
    else this.window.webContents.send(JOIN_LINK_CHANNEL, link);
  }

  /** Closes the pipes and the session (which saves and shuts the kernel down). Idempotent. */
  close(): Promise<void> {
    this.closed ??= (async () => {
      this.session.off('dirty', this.onDirty);
      this.session.off('saved', this.onSaved);
      this.session.off('save-failed', this.onSaveFailed);
      for (const t of this.transports) t.close('the window closed');
      try {
        await this.sharing.stop();
        await this.session.close();
      } catch (e) {
        // The edits stay in the journal and are recovered the next time this notebook opens.
        dialog.showErrorBox(
          `${this.session.name} was not saved`,
          `${(e as Error).message}\n\nYour edits are kept and come back when you open it again.`,
        );
      }
    })();
    return this.closed;
  }

  /** Runs `step`; a failure is shown and resolves false. */
  private async attempt(step: () => Promise<unknown>): Promise<boolean> {
    try {
      await step();
      return true;
    } catch (e) {
      return this.failed(e);
    }
  }

  /** Shows a PairbookError to the person (rethrows anything else, a bug). */
  private async failed(e: unknown): Promise<false> {
    if (!(e instanceof PairbookError)) throw e;
    await dialog.showMessageBox(this.window, { type: 'error', message: e.message });
    return false;
  }

  private async chooseCopyPath(): Promise<string | null> {
    const ext = extname(this.path);
    const { canceled, filePath } = await dialog.showSaveDialog(this.window, {
      title: 'Save a copy as',
      defaultPath: join(dirname(this.path), `${basename(this.path, ext)}-copy${ext}`),
      filters: NOTEBOOK_FILTERS,
    });
    if (canceled || !filePath) return null;
    return /\.ipynb$/i.test(filePath) ? filePath : `${filePath}.ipynb`;
  }

  private readonly onDirty = () => this.pushFileState({ dirty: true });
  private readonly onSaved = () => this.pushFileState({ savedAt: Date.now(), error: null });
  private readonly onSaveFailed = (e: PairbookError) => this.pushFileState({ error: e.message });

  private pushFileState(change: Partial<FileState>): void {
    this.fileState = { ...this.fileState, ...change };
    this.sendFileState();
  }

  private sendFileState(): void {
    if (this.window.isDestroyed()) return;
    // A save with nothing to write leaves the event stream's `dirty` stale; ask the session.
    const state: FileState = { ...this.fileState, dirty: this.session.dirty };
    this.window.setDocumentEdited(state.dirty);
    this.window.webContents.send(DESKTOP_EVENT_CHANNELS['file-state'], state);
  }
}

/** The notebook windows of the app: at most one per file. */
export class NotebookWindows {
  private readonly byPath = new Map<string, NotebookWindow>();
  private readonly opening = new Map<string, Promise<NotebookWindow | null>>();
  private readonly closing = new Set<Promise<void>>();
  private lastFocused: NotebookWindow | null = null;

  constructor(private readonly options: WindowsOptions) {}

  /** How many notebook windows are open. */
  get count(): number {
    return this.byPath.size;
  }

  /** Every open notebook window, oldest first. */
  all(): NotebookWindow[] {
    return [...this.byPath.values()];
  }

  /** The focused notebook window, else the one focused last; null when none is open. */
  current(): NotebookWindow | null {
    const focused = BrowserWindow.getFocusedWindow();
    const match = this.all().find((w) => w.window === focused);
    if (match) return match;
    return this.lastFocused && !this.lastFocused.window.isDestroyed() ? this.lastFocused : null;
  }

  /** The notebook window whose page is `contents`; null for any other web contents. */
  forContents(contents: WebContents): NotebookWindow | null {
    return this.all().find((w) => w.window.webContents === contents) ?? null;
  }

  /**
   * Opens `path` in a new window, or focuses the window already showing it. A notebook that
   * cannot be opened is explained in a dialog and resolves null.
   */
  open(path: string): Promise<NotebookWindow | null> {
    const full = resolve(path);
    const existing = this.byPath.get(full);
    if (existing) {
      existing.window.show();
      existing.window.focus();
      return Promise.resolve(existing);
    }
    let pending = this.opening.get(full);
    if (!pending) {
      pending = this.create(full).finally(() => this.opening.delete(full));
      this.opening.set(full, pending);
    }
    return pending;
  }

  /** Asks for notebooks to open (several may be chosen); empty when cancelled. */
  async chooseNotebooks(parent?: BrowserWindow): Promise<string[]> {
    const options = {
      title: 'Open notebook',
      properties: ['openFile', 'multiSelections'] as ('openFile' | 'multiSelections')[],
      filters: NOTEBOOK_FILTERS,
    };
    const { canceled, filePaths } = parent
      ? await dialog.showOpenDialog(parent, options)
      : await dialog.showOpenDialog(options);
    return canceled ? [] : filePaths;
  }

  /** Resolves when every closed window's session has saved and shut its kernel down. */
  async whenSessionsClosed(): Promise<void> {
    while (this.closing.size > 0) await Promise.allSettled([...this.closing]);
  }

  private async create(path: string): Promise<NotebookWindow | null> {
    let session: NotebookSession;
    try {
      session = await NotebookSession.open(path, {
        dataDir: this.options.dataDir,
        autosaveDelayMs: this.options.autosaveDelayMs,
      });
    } catch (e) {
      if (!(e instanceof PairbookError)) throw e;
      dialog.showErrorBox(`Cannot open ${basename(path)}`, e.message);
      return null;
    }
    const webPreferences = secureWebPreferences(this.options.preloadPath);
    const window = new BrowserWindow({
      ...WINDOW_FRAME,
      title: `${session.name} — Pairbook`,
      webPreferences,
    });
    // Read by the Electron end-to-end tests, which cannot ask Electron 38 for them.
    testHook()?.webPreferences.set(window.webContents.id, webPreferences);
    window.setRepresentedFilename(session.path);
    const notebookWindow = new NotebookWindow(window, session, this, this.options);
    this.byPath.set(session.path, notebookWindow);
    window.on('focus', () => (this.lastFocused = notebookWindow));
    window.once('ready-to-show', () => window.show());
    window.on('closed', () => {
      this.byPath.delete(session.path);
      if (this.lastFocused === notebookWindow) this.lastFocused = null;
      const done = notebookWindow.close().finally(() => this.closing.delete(done));
      this.closing.add(done);
      this.options.onClosed(session.path, this.byPath.size);
    });
    this.reportRecovery(notebookWindow);
    // Without starting one, the kernel picker still offers this machine's kernels.
    const kernel = this.options.startKernels
      ? startLocalKernel(session)
      : offerLocalKernels(session);
    kernel.catch((e: unknown) => {
      console.warn(`pairbook: no kernel for ${session.name}: ${(e as Error).message}`);
    });
    await this.options.recent.add(session.path);
    this.options.onOpened(session.path);
    await window.loadURL(this.options.entryUrl).catch((e: unknown) => {
      console.error(`pairbook: the window of ${session.name} did not load`, e);
    });
    return notebookWindow;
  }

  private reportRecovery({ session, window }: NotebookWindow): void {
    const r = session.recovery;
    if (!r) return;
    const message =
      r.kind === 'replayed'
        ? `Recovered ${r.updates} unsaved edits to ${session.name} from the last run.`
        : r.message;
    window.once('ready-to-show', () => {
      void dialog.showMessageBox(window, { type: 'info', message });
    });
  }
}

/** What main exposes to Playwright's `app.evaluate` when PAIRBOOK_TEST_HOOK=1; else null. */
export function testHook(): { webPreferences: Map<number, WebPreferences> } | null {
  if (process.env.PAIRBOOK_TEST_HOOK !== '1') return null;
  const g = globalThis as { __pairbookTest?: { webPreferences: Map<number, WebPreferences> } };
  g.__pairbookTest ??= { webPreferences: new Map() };
  return g.__pairbookTest;
}
