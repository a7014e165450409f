// The only file that reads window.pairbook (the Electron preload's bridge). Everything else asks
// getPlatform(), so no renderer code knows which shell it runs in.
import type { DesktopApi, DesktopEvents } from '../../protocol/desktop-api';
import type { Transport } from '../../protocol/transport';
import { createBrowserPlatform } from './browser-platform';

/** What the renderer gets from its shell. */
export interface Platform {
  /** App things: dialogs, recent files, title. */
  desktop: DesktopApi;
  /** Opens a new pipe to the host's hub; called again to reconnect after it closes. */
  openHubTransport(): Transport;
  /** Calls `listener` with each `name` event the shell pushes. Returns an unsubscribe function. */
  onDesktopEvent<K extends keyof DesktopEvents>(
    name: K,
    listener: (value: DesktopEvents[K]) => void,
  ): () => void;
}

/** The bridge the Electron preload exposes as `window.pairbook`. */
interface ElectronBridge extends DesktopApi {
  openHubPort(): MessagePort;
  on(channel: string, listener: (value: unknown) => void): () => void;
}

let platform: Platform | null = null;

/** The shell's Platform: Electron's when its preload ran, else the browser shell's. */
export function getPlatform(): Platform {
  platform ??= (() => {
    const bridge = (window as unknown as { pairbook?: ElectronBridge }).pairbook;
    if (!bridge) return createBrowserPlatform(window.location);
    throw new Error('the Electron bridge is not wired to the renderer yet (issue 4)');
  })();
  return platform;
}
