// A stand-in for the `electron` module, enough to run the real main process (electron/main/main.ts)
// in Node: it records windows, IPC handlers, the menu and dialogs, and lets a test play the page.
// It checks wiring, not Electron: the Playwright _electron tests do that where a binary exists.
import { EventEmitter } from 'node:events';
import { MessageChannel, type MessagePort } from 'node:worker_threads';

type Listener = (...args: unknown[]) => unknown;

/** What the fake recorded, for the test to inspect and drive. */
export const recorded = {
  handlers: new Map<string, Listener>(),
  windows: [] as FakeBrowserWindow[],
  menuTemplate: [] as { label?: string; submenu?: { label?: string; click?: () => void }[] }[],
  privilegedSchemes: [] as unknown[],
  protocolHandlers: new Map<string, Listener>(),
  permissionRequests: null as Listener | null,
  beforeRequest: null as Listener | null,
  headersReceived: null as Listener | null,
  errorBoxes: [] as string[],
  defaultProtocolClients: [] as string[],
  quitCalls: 0,
  exposed: new Map<string, unknown>(),
};

class FakeWebContents extends EventEmitter {
  static nextId = 1;
  readonly id = FakeWebContents.nextId++;
  readonly mainFrame = { url: '' };
  /** Messages posted with transferred ports: [channel, ports]. */
  readonly posted: [string, MessagePort[]][] = [];
  readonly sent: [string, unknown][] = [];
  windowOpenHandler: Listener | null = null;
  setWindowOpenHandler(h: Listener) {
    this.windowOpenHandler = h;
  }
  postMessage(channel: string, _message: unknown, ports: MessagePort[]) {
    this.posted.push([channel, ports]);
  }
  send(channel: string, value: unknown) {
    this.sent.push([channel, value]);
  }
  sendInputEvent() {}
}

export class FakeBrowserWindow extends EventEmitter {
  static focused: FakeBrowserWindow | null = null;
  readonly webContents = new FakeWebContents();
  title: string;
  destroyed = false;
  constructor(readonly options: { title: string; webPreferences: Record<string, unknown> }) {
    super();
    this.title = options.title;
    recorded.windows.push(this);
    app.emit('web-contents-created', {}, this.webContents);
  }
  static getFocusedWindow() {
    return FakeBrowserWindow.focused;
  }
  static getAllWindows() {
    return recorded.windows.filter((w) => !w.destroyed);
  }
  async loadURL(url: string) {
    this.webContents.mainFrame.url = url;
    this.emit('ready-to-show');
    this.webContents.emit('did-finish-load');
  }
  setTitle(t: string) {
    this.title = t;
  }
  setRepresentedFilename() {}
  setDocumentEdited() {}
  show() {}
  focus() {
    FakeBrowserWindow.focused = this;
    this.emit('focus');
  }
  isDestroyed() {
    return this.destroyed;
  }
  close() {
    this.destroyed = true;
    this.emit('closed');
  }
}

class FakeApp extends EventEmitter {
  isPackaged = false;
  paths = new Map<string, string>();
  whenReady = () => Promise.resolve();
  requestSingleInstanceLock = () => true;
  getVersion = () => '0.1.0-test';
  getPath = (name: string) => this.paths.get(name) ?? `/nonexistent/${name}`;
  setPath = (name: string, value: string) => this.paths.set(name, value);
  setAsDefaultProtocolClient = (scheme: string) => {
    recorded.defaultProtocolClients.push(scheme);
    return true;
  };
  quit = () => {
    recorded.quitCalls++;
  };
}
export const app = new FakeApp();

export const protocol = {
  registerSchemesAsPrivileged: (schemes: unknown[]) => recorded.privilegedSchemes.push(...schemes),
};
export const session = {
  defaultSession: {
    setPermissionRequestHandler: (h: Listener) => (recorded.permissionRequests = h),
    setPermissionCheckHandler: () => {},
    webRequest: {
      onHeadersReceived: (h: Listener) => (recorded.headersReceived = h),
      onBeforeRequest: (h: Listener) => (recorded.beforeRequest = h),
    },
    protocol: { handle: (scheme: string, h: Listener) => recorded.protocolHandlers.set(scheme, h) },
  },
};
export const ipcMain = {
  handle: (channel: string, h: Listener) => recorded.handlers.set(channel, h),
  removeHandler: (channel: string) => recorded.handlers.delete(channel),
};
export const Menu = {
  buildFromTemplate: (t: typeof recorded.menuTemplate) => t,
  setApplicationMenu: (t: typeof recorded.menuTemplate) => (recorded.menuTemplate = t),
};
export const safeStorage = {
  getSelectedStorageBackend: () => 'basic_text',
  isEncryptionAvailable: () => true,
  encryptString: (s: string) => Buffer.from(s),
  decryptString: (b: Buffer) => b.toString(),
};
export const dialog = {
  showErrorBox: (title: string, body: string) => recorded.errorBoxes.push(`${title}: ${body}`),
  showMessageBox: async () => ({ response: 1 }),
  showOpenDialog: async () => ({ canceled: true, filePaths: [] }),
  showSaveDialog: async () => ({ canceled: true }),
};
export const shell = { openExternal: async () => {}, openPath: async () => '' };

/** MessageChannelMain over Node's MessageChannel; port1 speaks MessagePortMain's {data} events. */
export class MessageChannelMain {
  readonly port1;
  readonly port2: MessagePort;
  constructor() {
    const { port1, port2 } = new MessageChannel();
    const events = new EventEmitter();
    port1.on('message', (data: unknown) => events.emit('message', { data, ports: [] }));
    port1.on('close', () => events.emit('close'));
    this.port1 = {
      on: (n: string, l: Listener) => events.on(n, l),
      off: (n: string, l: Listener) => events.off(n, l),
      postMessage: (m: unknown) => port1.postMessage(m),
      start: () => port1.start(),
      close: () => port1.close(),
    };
    this.port2 = port2;
  }
}

export const BrowserWindow = FakeBrowserWindow;

/** The preload's side, for tests that load it for createDesktopBridge (preload.test.ts drives it). */
export const contextBridge = {
  exposeInMainWorld: (key: string, value: unknown) => recorded.exposed.set(key, value),
};
export const ipcRenderer = {
  invoke: async () => ({ ok: false, error: 'the fake main process answers nothing' }),
  on: () => undefined,
  removeListener: () => undefined,
};
