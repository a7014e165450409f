// The only file that reads window.pairbook (the Electron preload's bridge). Everything else asks
// getPlatform(), so no renderer code knows which shell it runs in.
import type { DesktopApi, DesktopEvents } from '../../protocol/desktop-api';
import type { Transport } from '../../protocol/transport';
import { createBrowserPlatform } from './browser-platform';
import { type ElectronBridge, createElectronPlatform } from './electron-platform';

/** What the renderer gets from its shell. */
export interface Platform {
  /** App things: dialogs, recent files, title. */
  desktop: DesktopApi;
  /** Opens a new pipe to the host's hub; called again to reconnect after it closes. */
  openHubTransport(): Transport;
  /**
   * Calls `listener` with each `name` event the shell pushes, starting with the last one pushed
   * before it subscribed (events are states, such as whether the file is saved). Returns an
   * unsubscribe function.
   */
  onDesktopEvent<K extends keyof DesktopEvents>(
    name: K,
    listener: (value: DesktopEvents[K]) => void,
  ): () => void;
}

let platform: Platform | null = null;

/** The shell's Platform: Electron's when its preload ran, else the browser shell's. */
export function getPlatform(): Platform {
  platform ??= (() => {
    const bridge = (window as unknown as { pairbook?: ElectronBridge }).pairbook;
    if (!bridge) return createBrowserPlatform(window.location);
    return createElectronPlatform(bridge, window);
  })();
  return platform;
}
