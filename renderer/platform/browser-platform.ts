import {
  DESKTOP_CHANNELS,
  DESKTOP_EVENT_CHANNELS,
  type DesktopApi,
  type DesktopEvents,
} from '../../protocol/desktop-api';
import { err, ok } from '../../protocol/errors';
import { formatWebInvite, parseInvite } from '../../protocol/invite';
import { type Transport, TransportBase } from '../../protocol/transport';
import type { Platform } from './platform';

/** Path of the browser shell's hub WebSocket (host/browser-shell/browser-shell-server.ts). */
const HUB_PATH = '/hub';

/**
 * The Platform of the browser shell: DesktopApi calls are `POST /api/<channel>` with a JSON array
 * of arguments (except setWindowTitle and openGuestSession, which the tab does itself); the hub
 * is a WebSocket whose binary frames are hub messages and whose text frames are desktop events
 * `{channel, value}`.
 */
export function createBrowserPlatform(location: Location): Platform {
  const token = new URLSearchParams(location.search).get('token') ?? '';
  const listeners = new Map<string, Set<(value: unknown) => void>>();
  const desktop = browserDesktop(location, token);

  const openHubTransport = (): Transport => {
    const scheme = location.protocol === 'https:' ? 'wss' : 'ws';
    const url = `${scheme}://${location.host}${HUB_PATH}?token=${encodeURIComponent(token)}`;
    return new HubSocketTransport(new WebSocket(url), (text) => {
      const { channel, value } = JSON.parse(text) as { channel: string; value: unknown };
      for (const l of listeners.get(channel) ?? []) l(value);
    });
  };

  return {
    desktop,
    openHubTransport,
    onDesktopEvent<K extends keyof DesktopEvents>(
      name: K,
      listener: (value: DesktopEvents[K]) => void,
    ) {
      const channel = DESKTOP_EVENT_CHANNELS[name];
      const set = listeners.get(channel) ?? new Set();
      listeners.set(channel, set);
      const l = listener as (value: unknown) => void;
      set.add(l);
      return () => set.delete(l);
    },
  };
}

/** DesktopApi over `POST /api/<channel>`, but for what the tab does itself. */
function browserDesktop(location: Location, token: string): DesktopApi {
  const call =
    (channel: string) =>
    async (...args: unknown[]) => {
      try {
        const res = await fetch(`/api/${channel}?token=${encodeURIComponent(token)}`, {
          method: 'POST',
          headers: { 'Content-Type': 'application/json' },
          body: JSON.stringify(args),
        });
        if (!res.ok) return err(`the app did not answer ${channel} (HTTP ${res.status})`);
        return await res.json();
      } catch (e) {
        return err(
          `cannot reach Pairbook (${(e as Error).message}) — is \`pairbook serve\` running?`,
        );
      }
    };
  const desktop = Object.fromEntries(
    Object.entries(DESKTOP_CHANNELS).map(([method, channel]) => [method, call(channel)]),
  ) as unknown as DesktopApi;
  desktop.setWindowTitle = async (title) => {
    document.title = title;
    return { ok: true, value: null };
  };
  // The tab opens the guest page itself: this shell's own /join, whatever shell made the link,
  // so the name given here is remembered there (same origin), as is the test hook.
  desktop.openGuestSession = async (link) => {
    const invite = parseInvite(link);
    if (!invite.ok) return err(invite.error.message);
    const page = formatWebInvite(invite.value, location.origin);
    const test = new URLSearchParams(location.search).get('test') === '1';
    window.open(test ? page.replace('/join#', '/join?test=1#') : page, '_blank', 'noopener');
    return ok(null);
  };
  return desktop;
}

/**
 * The hub WebSocket: binary frames are hub messages; text frames are the shell's desktop events,
 * handed to `onShellMessage`. Messages sent before the socket opens wait for it.
 */
class HubSocketTransport extends TransportBase {
  private pending: Uint8Array[] = [];

  constructor(
    private readonly ws: WebSocket,
    onShellMessage: (text: string) => void,
  ) {
    super();
    ws.binaryType = 'arraybuffer';
    ws.onopen = () => {
      for (const m of this.pending.splice(0)) ws.send(m);
    };
    ws.onmessage = (e: MessageEvent) => {
      if (typeof e.data === 'string') onShellMessage(e.data);
      else this.deliver(new Uint8Array(e.data as ArrayBuffer));
    };
    ws.onclose = (e) => this.markClosed(e.reason || `connection closed (code ${e.code})`);
  }

  send(message: Uint8Array): void {
    if (this.isClosed) return;
    if (this.ws.readyState === WebSocket.OPEN) this.ws.send(message);
    else this.pending.push(message);
  }

  close(reason = 'closed'): void {
    this.ws.close(1000, reason.slice(0, 120));
    this.markClosed(reason);
  }
}
