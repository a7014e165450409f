import {
  DESKTOP_CHANNELS,
  DESKTOP_EVENT_CHANNELS,
  type DesktopApi,
  type DesktopEvents,
} from '../../protocol/desktop-api';
import type { Result } from '../../protocol/errors';
import { type Transport, TransportBase } from '../../protocol/transport';
import type { Platform } from './platform';

/** The `data` of the window message in which the preload hands over a hub MessagePort. */
const HUB_PORT_MESSAGE = 'pairbook:hub-port';

/** The bridge the Electron preload exposes as `window.pairbook` (electron/preload/preload.ts). */
export interface ElectronBridge extends DesktopApi {
  /** Asks main for a new hub pipe; the port arrives as a HUB_PORT_MESSAGE window message. */
  openHubPort(): Promise<Result<null, string>>;
  /** Calls `listener` with each value main pushes on a DESKTOP_EVENT_CHANNELS channel. */
  on(channel: string, listener: (value: unknown) => void): () => void;
}

/**
 * The Platform of the Electron shell: DesktopApi calls go through the preload's bridge; the hub
 * is a MessagePort whose messages are hub messages (Uint8Array), one port per connection.
 */
export function createElectronPlatform(bridge: ElectronBridge, win: Window): Platform {
  // Ports arrive in the order they were asked for; each goes to the oldest waiting transport.
  const waiting: ((port: MessagePort) => void)[] = [];
  win.addEventListener('message', (e: MessageEvent) => {
    const port = e.ports[0];
    if (e.source !== win || e.data !== HUB_PORT_MESSAGE || !port) return;
    const take = waiting.shift();
    if (take) take(port);
    else port.close();
  });

  const openHubTransport = (): Transport => {
    const transport = new HubPortTransport();
    const take = (port: MessagePort) => transport.attach(port);
    waiting.push(take);
    void bridge.openHubPort().then((r) => {
      if (r.ok) return;
      waiting.splice(waiting.indexOf(take), 1);
      transport.close(r.error);
    });
    return transport;
  };

  // Every DesktopApi method, and nothing else of the bridge.
  const desktop = Object.fromEntries(
    (Object.keys(DESKTOP_CHANNELS) as (keyof DesktopApi)[]).map((method) => [
      method,
      (...args: unknown[]) =>
        (bridge[method] as (...a: unknown[]) => Promise<Result<unknown, string>>)(...args),
    ]),
  ) as unknown as DesktopApi;
  // One bridge subscription per channel. The last value is replayed to late listeners by
  // getPlatform (platform.ts), once: replaying here too would show a deep link's dialog twice.
  const listeners = new Map<string, Set<(value: unknown) => void>>();
  return {
    desktop,
    openHubTransport,
    onDesktopEvent<K extends keyof DesktopEvents>(
      name: K,
      listener: (value: DesktopEvents[K]) => void,
    ) {
      const channel = DESKTOP_EVENT_CHANNELS[name];
      let set = listeners.get(channel);
      if (!set) {
        const fresh = new Set<(value: unknown) => void>();
        listeners.set(channel, fresh);
        bridge.on(channel, (value) => {
          for (const l of fresh) l(value);
        });
        set = fresh;
      }
      const l = listener as (value: unknown) => void;
      set.add(l);
      return () => set.delete(l);
    },
  };
}

/** A hub pipe over a MessagePort that arrives later; messages sent before then wait for it. */
class HubPortTransport extends TransportBase {
  private port: MessagePort | null = null;
  private pending: Uint8Array[] = [];

  /** Takes the port main sent for this transport. */
  attach(port: MessagePort): void {
    if (this.isClosed) return port.close();
    this.port = port;
    port.onmessage = (e: MessageEvent) => {
      const d: unknown = e.data;
      const bytes =
        d instanceof Uint8Array ? d : d instanceof ArrayBuffer ? new Uint8Array(d) : null;
      if (bytes) this.deliver(bytes);
    };
    // Chromium fires `close` on a port whose other end went away (the session closed).
    port.addEventListener('close', () => this.close('the app closed the connection'));
    for (const m of this.pending.splice(0)) port.postMessage(m);
  }

  send(message: Uint8Array): void {
    if (this.isClosed) return;
    if (this.port) this.port.postMessage(message);
    else this.pending.push(message);
  }

  close(reason = 'closed'): void {
    if (this.isClosed) return;
    this.port?.close();
    this.markClosed(reason);
  }
}
