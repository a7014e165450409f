// The bridge between a Pairbook page and the main process, exposed as `window.pairbook`. It holds
// no logic beyond building the bridge from the channel maps: every DesktopApi method is one
// `ipcRenderer.invoke` on its channel, checked again in main (electron/main/ipc-guard.ts). The raw
// ipcRenderer never reaches the page. Bundled as CommonJS: sandboxed preloads cannot load ESM.
import { contextBridge, ipcRenderer } from 'electron';
import {
  DESKTOP_CHANNELS,
  DESKTOP_EVENT_CHANNELS,
  type DesktopApi,
} from '../../protocol/desktop-api';

/** IPC channel asking main for a new MessagePort to the notebook's hub. */
export const OPEN_HUB_PORT_CHANNEL = 'pairbook:open-hub-port';
/** IPC channel main sends that port on; also the `data` of the window message that carries it. */
export const HUB_PORT_CHANNEL = 'pairbook:hub-port';

/** What `window.pairbook` holds. */
export interface ElectronBridge extends DesktopApi {
  /**
   * Asks main for a new pipe to the hub. The port arrives as a window `message` event whose
   * `data` is HUB_PORT_CHANNEL and whose `ports[0]` is the MessagePort; listen before calling.
   */
  openHubPort(): ReturnType<DesktopApi['setWindowTitle']>;
  /** Calls `listener` with each value main pushes on a DESKTOP_EVENT_CHANNELS channel. */
  on(channel: string, listener: (value: unknown) => void): () => void;
}

/** The parts of ipcRenderer the bridge uses. */
export interface BridgeIpc {
  invoke(channel: string, ...args: unknown[]): Promise<unknown>;
  on(channel: string, listener: (event: unknown, ...args: unknown[]) => void): unknown;
  removeListener(channel: string, listener: (event: unknown, ...args: unknown[]) => void): unknown;
}

/** Builds the bridge over `ipc`: one method per DESKTOP_CHANNELS key, plus openHubPort and on. */
export function createDesktopBridge(ipc: BridgeIpc): ElectronBridge {
  const api: Record<string, unknown> = {};
  for (const [method, channel] of Object.entries(DESKTOP_CHANNELS)) {
    api[method] = (...args: unknown[]) => ipc.invoke(channel, ...args);
  }
  const eventChannels: readonly string[] = Object.values(DESKTOP_EVENT_CHANNELS);
  api.openHubPort = () => ipc.invoke(OPEN_HUB_PORT_CHANNEL);
  api.on = (channel: string, listener: (value: unknown) => void) => {
    if (!eventChannels.includes(channel)) throw new Error(`no such Pairbook event: ${channel}`);
    // The IPC event is not passed on: its `sender` is ipcRenderer itself.
    const forward = (_event: unknown, value: unknown) => listener(value);
    ipc.on(channel, forward);
    return () => void ipc.removeListener(channel, forward);
  };
  return api as unknown as ElectronBridge;
}

/** The page's window as the preload's isolated world sees it (no DOM types in this tsconfig). */
const page = globalThis as unknown as {
  location: { origin: string };
  postMessage(message: unknown, targetOrigin: string, transfer?: unknown[]): void;
};

contextBridge.exposeInMainWorld('pairbook', createDesktopBridge(ipcRenderer));

// A MessagePort cannot cross contextBridge; a window message can carry it into the page's world.
ipcRenderer.on(HUB_PORT_CHANNEL, (event) => {
  const origin = page.location.origin === 'null' ? '*' : page.location.origin;
  page.postMessage(HUB_PORT_CHANNEL, origin, event.ports);
});
