// The only file that reads window.pairbook (the Electron preload's bridge). Everything else asks
// getPlatform(), so no renderer code knows which shell it runs in.
import {
  DESKTOP_EVENT_CHANNELS,
  type DesktopApi,
  type DesktopEvents,
} from '../../protocol/desktop-api';
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
    return withLatestEvents(
      bridge ? createElectronPlatform(bridge, window) : createBrowserPlatform(window.location),
    );
  })();
  return platform;
}

/**
 * `p`, whose onDesktopEvent also hands a new listener the last value pushed before it subscribed:
 * the shell pushes the file state as soon as the hub connects, which can be before the editor
 * has loaded (renderer/main.ts connects first).
 */
function withLatestEvents(p: Platform): Platform {
  const latest = new Map<keyof DesktopEvents, unknown>();
  for (const name of Object.keys(DESKTOP_EVENT_CHANNELS) as (keyof DesktopEvents)[]) {
    p.onDesktopEvent(name, (value) => latest.set(name, value));
  }
  return {
    ...p,
    onDesktopEvent(name, listener) {
      const off = p.onDesktopEvent(name, listener);
      if (latest.has(name)) listener(latest.get(name) as DesktopEvents[typeof name]);
      return off;
    },
  };
}
