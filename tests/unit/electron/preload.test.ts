// The contract test: the preload exposes exactly the DesktopApi (plus the hub port and events),
// each method one invoke on its channel, and never the raw ipcRenderer. Electron is replaced by
// a recording fake, so the real preload module runs here in Node.
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import {
  DESKTOP_CHANNELS,
  DESKTOP_EVENT_CHANNELS,
  type DesktopApi,
} from '../../../protocol/desktop-api';
import * as mainChannels from '../../../electron/main/hub-port';

const electron = vi.hoisted(() => ({
  exposed: new Map<string, unknown>(),
  invoke: vi.fn(async (channel: string, ...args: unknown[]) => ({
    ok: true,
    value: { channel, args },
  })),
  listeners: new Map<string, ((event: unknown, ...args: unknown[]) => void)[]>(),
  removed: [] as string[],
}));

vi.mock('electron', () => ({
  contextBridge: {
    exposeInMainWorld: (key: string, value: unknown) => electron.exposed.set(key, value),
  },
  ipcRenderer: {
    invoke: electron.invoke,
    on: (channel: string, listener: (event: unknown, ...args: unknown[]) => void) => {
      electron.listeners.set(channel, [...(electron.listeners.get(channel) ?? []), listener]);
    },
    removeListener: (channel: string) => electron.removed.push(channel),
  },
}));

const posted: unknown[][] = [];
let preload: typeof import('../../../electron/preload/preload');

beforeAll(async () => {
  vi.stubGlobal('location', { origin: 'app://pairbook' });
  vi.stubGlobal('postMessage', (...args: unknown[]) => posted.push(args));
  preload = await import('../../../electron/preload/preload');
});
afterAll(() => vi.unstubAllGlobals());

const bridge = () => electron.exposed.get('pairbook') as Record<string, unknown>;

describe('the preload bridge', () => {
  it('exposes one object, window.pairbook, and nothing else', () => {
    expect([...electron.exposed.keys()]).toEqual(['pairbook']);
  });

  it('has exactly the DesktopApi methods, plus openHubPort and on', () => {
    const expected = [...Object.keys(DESKTOP_CHANNELS), 'openHubPort', 'on'].sort();
    expect(Object.keys(bridge()).sort()).toEqual(expected);
    for (const value of Object.values(bridge())) expect(typeof value).toBe('function');
  });

  it.each(Object.entries(DESKTOP_CHANNELS))(
    'turns %s into one invoke on %s, passing its arguments',
    async (method, channel) => {
      electron.invoke.mockClear();
      const fn = bridge()[method] as (...a: unknown[]) => Promise<unknown>;
      const result = await fn('a', 2);
      expect(electron.invoke).toHaveBeenCalledExactlyOnceWith(channel, 'a', 2);
      expect(result).toEqual({ ok: true, value: { channel, args: ['a', 2] } });
    },
  );

  it('asks main for a hub port on the channel main listens on', async () => {
    electron.invoke.mockClear();
    await (bridge().openHubPort as () => Promise<unknown>)();
    expect(electron.invoke).toHaveBeenCalledExactlyOnceWith(mainChannels.OPEN_HUB_PORT_CHANNEL);
  });

  it('uses the same port channels as main', () => {
    expect(preload.OPEN_HUB_PORT_CHANNEL).toBe(mainChannels.OPEN_HUB_PORT_CHANNEL);
    expect(preload.HUB_PORT_CHANNEL).toBe(mainChannels.HUB_PORT_CHANNEL);
  });

  it('hands the port main sends to the page as a window message of its own origin', () => {
    const port = { fake: 'port' };
    const [forward] = electron.listeners.get(preload.HUB_PORT_CHANNEL) ?? [];
    forward?.({ ports: [port], sender: 'ipcRenderer itself' });
    expect(posted).toEqual([[preload.HUB_PORT_CHANNEL, 'app://pairbook', [port]]]);
  });

  it('passes desktop events on without the IPC event, whose sender is ipcRenderer', () => {
    const seen: unknown[][] = [];
    const on = bridge().on as (c: string, l: (...v: unknown[]) => void) => () => void;
    const channel = DESKTOP_EVENT_CHANNELS['file-state'];
    const off = on(channel, (...values) => seen.push(values));
    const listeners = electron.listeners.get(channel) ?? [];
    listeners.at(-1)?.({ sender: 'ipcRenderer itself' }, { dirty: true });
    expect(seen).toEqual([[{ dirty: true }]]);
    off();
    expect(electron.removed).toContain(channel);
  });

  it('refuses to subscribe to a channel that is no desktop event', () => {
    const on = bridge().on as (c: string, l: () => void) => () => void;
    expect(() => on('pairbook:get-app-info', () => undefined)).toThrow(/no such Pairbook event/);
    expect(electron.listeners.has('pairbook:get-app-info')).toBe(false);
  });
});

describe('createDesktopBridge', () => {
  it('builds exactly the DesktopApi keys from any invoke function', () => {
    const calls: unknown[][] = [];
    const api = preload.createDesktopBridge({
      invoke: async (...args) => calls.push(args),
      on: () => undefined,
      removeListener: () => undefined,
    });
    const methods: (keyof DesktopApi)[] = [
      'getAppInfo',
      'setWindowTitle',
      'showOpenDialog',
      'showSaveAsDialog',
      'listRecentFiles',
    ];
    for (const m of methods) void (api[m] as () => Promise<unknown>)();
    expect(calls.map(([channel]) => channel)).toEqual(methods.map((m) => DESKTOP_CHANNELS[m]));
  });
});
