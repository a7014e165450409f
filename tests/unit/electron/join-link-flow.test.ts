// A pairbook:// link on its way from main to the page and back, in Node: main's `join-link` event
// goes through the real preload bridge into the renderer's real Electron platform, and the page's
// Join goes back through them as one invoke on the openGuestSession channel. The guest page's
// address, its CSP and what app:// serves for it are checked here too; the dialog itself runs in
// Chromium (tests/e2e/join-button.spec.ts) and inside Electron (tests/electron/).
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it, vi } from 'vitest';
import {
  DESKTOP_CHANNELS,
  DESKTOP_EVENT_CHANNELS,
  type JoinLink,
} from '../../../protocol/desktop-api';
import { formatInvite, parseInvite } from '../../../protocol/invite';
import { createElectronPlatform } from '../../../renderer/platform/electron-platform';
import { inviteLinkOf } from '../../../renderer/sharing/join-dialog';
import { appAssetPath, guestPageUrl, isAppJoinUrl } from '../../../electron/main/app-url';
import {
  APP_CONTENT_SECURITY_POLICY,
  GUEST_CONTENT_SECURITY_POLICY,
  contentSecurityPolicyFor,
  isAllowedRequest,
} from '../../../electron/main/security-policy';
import { serveAppScheme } from '../../../electron/main/app-protocol';

vi.mock('electron', () => import('./fake-electron'));
const { createDesktopBridge } = await import('../../../electron/preload/preload');

const invite = {
  signaling: ['ws://10.0.0.2:4444', 'wss://relay.example/x'],
  sessionId: 'session-1234',
  secret: 'a'.repeat(43),
  fingerprint: 'b'.repeat(43),
};
const link = formatInvite(invite);

/** An ipcRenderer stand-in: records invokes and lets the test push as main would. */
function fakeIpc() {
  const listeners = new Map<string, ((event: unknown, value: unknown) => void)[]>();
  const invoked: unknown[][] = [];
  return {
    invoked,
    push: (channel: string, value: unknown) =>
      (listeners.get(channel) ?? []).forEach((l) => l({ sender: 'ipcRenderer' }, value)),
    ipc: {
      invoke: async (...args: unknown[]) => (invoked.push(args), { ok: true, value: null }),
      on: (channel: string, l: (event: unknown, value: unknown) => void) =>
        listeners.set(channel, [...(listeners.get(channel) ?? []), l]),
      removeListener: () => undefined,
    },
  };
}

/** Enough of a window for the platform, which listens for hub ports on it. */
const fakeWindow = { addEventListener: () => undefined } as unknown as Window;

describe('a deep link from main to the page and back', () => {
  it('reaches the page’s join-link listener as main sent it', () => {
    const { ipc, push } = fakeIpc();
    const platform = createElectronPlatform(createDesktopBridge(ipc), fakeWindow);
    const seen: JoinLink[] = [];
    platform.onDesktopEvent('join-link', (l) => seen.push(l));
    const sent: JoinLink = { kind: 'join', href: link, params: { v: '1' } };
    push(DESKTOP_EVENT_CHANNELS['join-link'], sent);
    expect(seen).toEqual([sent]);
  });

  it('goes back as one invoke on the openGuestSession channel once the person joins', async () => {
    const { ipc, invoked } = fakeIpc();
    const platform = createElectronPlatform(createDesktopBridge(ipc), fakeWindow);
    expect(await platform.desktop.openGuestSession(link)).toEqual({ ok: true, value: null });
    expect(invoked).toEqual([[DESKTOP_CHANNELS.openGuestSession, link]]);
  });
});

describe('a deep link that arrives before the page listens', () => {
  it('reaches the page’s listener once, through getPlatform', async () => {
    const { ipc, push } = fakeIpc();
    vi.stubGlobal('window', { pairbook: createDesktopBridge(ipc), addEventListener: () => {} });
    const { getPlatform } = await import('../../../renderer/platform/platform');
    const platform = getPlatform();
    const sent: JoinLink = { kind: 'join', href: link, params: { v: '1' } };
    // main sends after the page loaded; renderer/app.ts subscribes once the editor has loaded.
    push(DESKTOP_EVENT_CHANNELS['join-link'], sent);
    const seen: JoinLink[] = [];
    platform.onDesktopEvent('join-link', (l) => seen.push(l));
    expect(seen).toEqual([sent]);
    vi.unstubAllGlobals();
  });
});

describe('the guest page', () => {
  it('is app://pairbook/join with the invite in the fragment, as the browser form', () => {
    const url = guestPageUrl(invite);
    expect(url).toBe(`app://pairbook/join#${link.slice('pairbook://join?'.length)}`);
    expect(guestPageUrl(invite, true)).toBe(url.replace('/join#', '/join?test=1#'));
    expect(isAppJoinUrl(url)).toBe(true);
    expect(isAppJoinUrl('app://pairbook/index.html')).toBe(false);
    expect(isAppJoinUrl('app://evil/join#v=1')).toBe(false);
  });

  it('reads its own app:// address back as the invite it was opened for', () => {
    const own = inviteLinkOf(guestPageUrl(invite), 'app://pairbook');
    expect(own).toBe(link);
    expect(parseInvite(own)).toEqual({ ok: true, value: invite });
    // Browser forms and other text are left for parseInvite to judge.
    const web = 'http://10.0.0.2:8123/join#v=1';
    expect(inviteLinkOf(web, 'http://10.0.0.2:8123')).toBe(web);
    expect(inviteLinkOf('app://evil/join#v=1', 'app://pairbook')).toBe('app://evil/join#v=1');
  });

  it('may open WebSockets, and only it: the notebook page may not', () => {
    expect(contentSecurityPolicyFor(guestPageUrl(invite))).toBe(GUEST_CONTENT_SECURITY_POLICY);
    expect(GUEST_CONTENT_SECURITY_POLICY).toContain("connect-src 'self' ws: wss:");
    expect(contentSecurityPolicyFor('app://pairbook/index.html')).toBe(APP_CONTENT_SECURITY_POLICY);
    expect(APP_CONTENT_SECURITY_POLICY).not.toMatch(/ws:/);
    expect(isAllowedRequest('ws://10.0.0.2:4444/', true)).toBe(true);
    expect(isAllowedRequest('ws://10.0.0.2:4444/', false)).toBe(false);
    expect(isAllowedRequest('http://10.0.0.2:4444/', true)).toBe(false);
  });
});

describe('app:// for the guest page', () => {
  const dir = mkdtempSync(join(tmpdir(), 'pairbook-app-scheme-'));
  writeFileSync(join(dir, 'index.html'), '<!doctype html><title>Pairbook</title>');
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  let handler: ((request: Request) => Promise<Response>) | null = null;
  serveAppScheme(
    {
      protocol: { handle: (_scheme: string, h: typeof handler) => (handler = h) },
    } as unknown as Parameters<typeof serveAppScheme>[0],
    dir,
  );

  it('serves index.html at /join with the guest CSP, and the app page with the app CSP', async () => {
    expect(appAssetPath('app://pairbook/join')).toBe('index.html');
    const guest = await handler!(new Request('app://pairbook/join'));
    expect(guest.status).toBe(200);
    expect(await guest.text()).toContain('<title>Pairbook</title>');
    expect(guest.headers.get('Content-Security-Policy')).toBe(GUEST_CONTENT_SECURITY_POLICY);
    const app = await handler!(new Request('app://pairbook/index.html'));
    expect(app.headers.get('Content-Security-Policy')).toBe(APP_CONTENT_SECURITY_POLICY);
  });
});
