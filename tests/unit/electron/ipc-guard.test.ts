import type { IpcMainInvokeEvent } from 'electron';
import { describe, expect, it } from 'vitest';
import { DESKTOP_CHANNELS, type DesktopApi } from '../../../protocol/desktop-api';
import { err, ok } from '../../../protocol/errors';
import { formatInvite } from '../../../protocol/invite';
import {
  DESKTOP_API_ARGUMENTS,
  IpcGuard,
  type IpcHandlerRegistry,
  MAX_TITLE_CHARS,
  checkSender,
  registerDesktopApi,
} from '../../../electron/main/ipc-guard';

type Listener = (event: IpcMainInvokeEvent, ...args: unknown[]) => unknown;

/** An ipcMain stand-in: records handlers and lets a test call them as a page would. */
function fakeIpc() {
  const handlers = new Map<string, Listener>();
  const ipc: IpcHandlerRegistry = {
    handle: (channel, listener) => handlers.set(channel, listener),
    removeHandler: (channel) => handlers.delete(channel),
  };
  return { ipc, handlers };
}

const mainFrame = { url: 'app://pairbook/index.html' };
/** An invoke event from `frame` of a window whose top frame is `top`. */
const from = (frame: { url: string } | null, top: unknown = frame) =>
  ({ sender: { mainFrame: top }, senderFrame: frame }) as unknown as IpcMainInvokeEvent;

describe('checkSender', () => {
  it.each([
    ['the app page', from(mainFrame), null],
    ['the app page with a query', from({ url: 'app://pairbook/index.html?test=1' }), null],
    ['a frame that is gone', from(null, mainFrame), /has gone/],
    ['an iframe of the app page', from({ url: 'app://pairbook/index.html' }, mainFrame), /itself/],
    ['a web page', from({ url: 'https://evil.example/' }), /outside the app/],
    ['a file page', from({ url: 'file:///tmp/x.html' }), /outside the app/],
    ['another app:// host', from({ url: 'app://evil/index.html' }), /outside the app/],
    ['a guest page', from({ url: 'app://pairbook/join#v=1' }), /guest page/],
  ])('%s', (_name, event, refusal) => {
    const r = checkSender(event);
    if (refusal === null) expect(r.ok).toBe(true);
    else expect(!r.ok && r.error).toMatch(refusal);
  });
});

/** A well-formed invite link (nobody hosts it). */
const inviteLink = formatInvite({
  signaling: ['ws://127.0.0.1:4444'],
  sessionId: 'session-1234',
  secret: 'a'.repeat(43),
  fingerprint: 'b'.repeat(43),
});

describe('DESKTOP_API_ARGUMENTS', () => {
  it.each([
    ['getAppInfo', [], true],
    ['getAppInfo', ['extra'], false],
    ['setWindowTitle', ['analysis.ipynb — Pairbook'], true],
    ['setWindowTitle', [], false],
    ['setWindowTitle', [42], false],
    ['setWindowTitle', ['a', 'b'], false],
    ['setWindowTitle', ['x'.repeat(MAX_TITLE_CHARS + 1)], false],
    ['showOpenDialog', [], true],
    ['showOpenDialog', [{ defaultPath: '/etc' }], false],
    ['showSaveAsDialog', [], true],
    ['showSaveAsDialog', ['/tmp/x.ipynb'], false],
    ['listRecentFiles', [], true],
    ['revokeInvite', ['abc123'], true],
    ['revokeInvite', ['abc123', ['peer-1', 'peer-2']], true],
    ['revokeInvite', ['abc123', []], true],
    ['revokeInvite', [], false],
    ['revokeInvite', ['abc123', 'peer-1'], false],
    ['revokeInvite', ['abc123', [42]], false],
    ['revokeInvite', ['abc123', ['p'], 'more'], false],
    ['openGuestSession', [inviteLink], true],
    [
      'openGuestSession',
      [inviteLink.replace('pairbook://join?', 'http://10.0.0.2:8123/join#')],
      true,
    ],
    ['openGuestSession', [], false],
    ['openGuestSession', [inviteLink, 'more'], false],
    ['openGuestSession', [{ href: inviteLink }], false],
    ['openGuestSession', ['pairbook://join?v=1'], false],
    ['openGuestSession', ['https://evil.example/'], false],
    [
      'openGuestSession',
      [inviteLink.replace('ws%3A%2F%2F127.0.0.1%3A4444', 'https%3A%2F%2Fevil')],
      false,
    ],
  ] as const)('%s(%j) passes: %s', (method, args, passes) => {
    expect(DESKTOP_API_ARGUMENTS[method]([...args])).toBe(passes);
  });
});

describe('IpcGuard', () => {
  const api: DesktopApi = {
    getAppInfo: async () =>
      ok({ shell: 'electron', version: '0', notebookPath: '/a.ipynb', notebookName: 'a.ipynb' }),
    setWindowTitle: async () => ok(null),
    showOpenDialog: async () => {
      throw new Error('the dialog failed');
    },
    showSaveAsDialog: async () => ok(null),
    listRecentFiles: async () => ok([]),
    createInvite: async () => err('not sharing'),
    revokeInvite: async () => ok(null),
    listInvites: async () => ok([]),
    getSharingState: async () => err('not sharing'),
    setAskBeforeJoining: async () => ok(null),
    answerKnock: async () => ok(null),
    setGuestRole: async () => ok(null),
    removeGuest: async () => ok(null),
    stopSharing: async () => ok(null),
    openGuestSession: async () => ok(null),
  };

  it('registers every DesktopApi channel', () => {
    const { ipc, handlers } = fakeIpc();
    registerDesktopApi(new IpcGuard(ipc), () => api);
    expect([...handlers.keys()].sort()).toEqual(Object.values(DESKTOP_CHANNELS).sort());
  });

  it('answers the app page with the handler’s Result', async () => {
    const { ipc, handlers } = fakeIpc();
    registerDesktopApi(new IpcGuard(ipc), () => api);
    const r = await handlers.get(DESKTOP_CHANNELS.getAppInfo)?.(from(mainFrame));
    expect(r).toMatchObject({ ok: true, value: { notebookName: 'a.ipynb' } });
  });

  it('refuses a page outside the app without running the handler', async () => {
    const { ipc, handlers } = fakeIpc();
    let ran = false;
    registerDesktopApi(new IpcGuard(ipc), () => {
      ran = true;
      return api;
    });
    const r = await handlers.get(DESKTOP_CHANNELS.listRecentFiles)?.(
      from({ url: 'https://evil.example/' }),
    );
    expect(r).toEqual({ ok: false, error: 'a page outside the app may not call Pairbook' });
    expect(ran).toBe(false);
  });

  it('refuses unexpected arguments', async () => {
    const { ipc, handlers } = fakeIpc();
    registerDesktopApi(new IpcGuard(ipc), () => api);
    const r = await handlers.get(DESKTOP_CHANNELS.setWindowTitle)?.(from(mainFrame), { x: 1 });
    expect(r).toMatchObject({ ok: false, error: expect.stringMatching(/unexpected arguments/) });
  });

  it.each([
    ['pairbook://join?v=1&id=x', /has no valid session id — ask the host for a new one/],
    ['https://evil.example/', /is not a Pairbook invite/],
    [inviteLink.replace(/k=a+/, 'k=short'), /no valid secret/],
    [42, /give one invite link/],
  ])('refuses to join %s, saying what is wrong with the link', async (link, reason) => {
    const { ipc, handlers } = fakeIpc();
    let joined = false;
    registerDesktopApi(new IpcGuard(ipc), () => ({
      ...api,
      openGuestSession: async () => ((joined = true), ok(null)),
    }));
    const r = await handlers.get(DESKTOP_CHANNELS.openGuestSession)?.(from(mainFrame), link);
    expect(r).toEqual({ ok: false, error: expect.stringMatching(reason) });
    expect(joined).toBe(false);
  });

  it('passes a valid invite link on to the window that asked', async () => {
    const { ipc, handlers } = fakeIpc();
    const asked: string[] = [];
    registerDesktopApi(new IpcGuard(ipc), () => ({
      ...api,
      openGuestSession: async (link) => (asked.push(link), ok(null)),
    }));
    const r = await handlers.get(DESKTOP_CHANNELS.openGuestSession)?.(from(mainFrame), inviteLink);
    expect(r).toEqual({ ok: true, value: null });
    expect(asked).toEqual([inviteLink]);
  });

  it('turns a thrown error into a Result carrying its message', async () => {
    const { ipc, handlers } = fakeIpc();
    registerDesktopApi(new IpcGuard(ipc), () => api);
    const r = await handlers.get(DESKTOP_CHANNELS.showOpenDialog)?.(from(mainFrame));
    expect(r).toEqual({ ok: false, error: 'the dialog failed' });
  });

  it('says so when the sender is no notebook window', async () => {
    const { ipc, handlers } = fakeIpc();
    registerDesktopApi(new IpcGuard(ipc), () => null);
    const r = await handlers.get(DESKTOP_CHANNELS.getAppInfo)?.(from(mainFrame));
    expect(r).toEqual({ ok: false, error: 'this window shows no notebook' });
  });

  it('removes its handlers on destroy', () => {
    const { ipc, handlers } = fakeIpc();
    const guard = new IpcGuard(ipc);
    registerDesktopApi(guard, () => api);
    guard.destroy();
    guard.destroy();
    expect(handlers.size).toBe(0);
  });
});
