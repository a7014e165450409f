// The real main process (electron/main/main.ts) over a fake `electron` module: launching on a
// notebook opens one window backed by a NotebookSession, the page's port request (through the
// IPC guard) gives a pipe the renderer's own HubClient syncs over, and File > Save writes the file;
// a pairbook:// link from a second launch reaches the page, whose Join opens a guest window.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { MessagePort } from 'node:worker_threads';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { DESKTOP_CHANNELS, DESKTOP_EVENT_CHANNELS } from '../../../protocol/desktop-api';
import { formatInvite } from '../../../protocol/invite';
import type { Transport } from '../../../protocol/transport';
import { cellsOf } from '../../../protocol/ydoc-nbformat';
import { HubClient } from '../../../renderer/connection/hub-client';
import { HUB_PORT_CHANNEL, OPEN_HUB_PORT_CHANNEL } from '../../../electron/main/hub-port';
import { createUntitledNotebook } from '../../../electron/main/new-notebook';

vi.mock('electron', () => import('./fake-electron'));
const fake = await import('./fake-electron');

let dir: string;
let notebookPath: string;
const savedArgv = process.argv;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'pairbook-main-'));
  notebookPath = await createUntitledNotebook(dir);
  vi.stubEnv('PAIRBOOK_USER_DATA_DIR', join(dir, 'profile'));
  vi.stubEnv('PAIRBOOK_NO_KERNEL', '1');
  vi.stubEnv('PAIRBOOK_AUTOSAVE_DELAY_MS', '0');
  process.argv = ['electron', 'dist/electron', notebookPath];
  await import('../../../electron/main/main');
  await vi.waitFor(() =>
    expect(fake.recorded.windows[0]?.webContents.mainFrame.url).toBe('app://pairbook/index.html'),
  );
});
afterAll(async () => {
  process.argv = savedArgv;
  vi.unstubAllEnvs();
  for (const w of fake.recorded.windows) if (!w.destroyed) w.close();
  rmSync(dir, { recursive: true, force: true });
});

/** A well-formed invite link (nobody hosts it: these tests never connect). */
const inviteLink = formatInvite({
  signaling: ['ws://127.0.0.1:4444'],
  sessionId: 'session-1234',
  secret: 'a'.repeat(43),
  fingerprint: 'b'.repeat(43),
});

/** An invoke event from the first window's app page. */
const fromPage = () => {
  const contents = fake.recorded.windows[0]!.webContents;
  return { sender: contents, senderFrame: contents.mainFrame };
};

/** The page's end of a hub port, as renderer/platform would wrap it. */
function pageTransport(port: MessagePort): Transport {
  const closes = new Set<(r: string) => void>();
  port.on('close', () => closes.forEach((l) => l('closed')));
  return {
    send: (m) => port.postMessage(m),
    onMessage: (l) => {
      port.on('message', l);
      return () => port.off('message', l);
    },
    onClose: (l) => (closes.add(l), () => closes.delete(l)),
    close: () => port.close(),
  };
}

describe('the Electron main process', () => {
  it('registers app:// as privileged before anything loads, and pairbook:// with the OS', () => {
    expect(fake.recorded.privilegedSchemes).toMatchObject([
      { scheme: 'app', privileges: { standard: true, secure: true } },
    ]);
    expect(fake.recorded.defaultProtocolClients).toEqual(['pairbook']);
    expect([...fake.recorded.protocolHandlers.keys()]).toEqual(['app']);
  });

  it('opens the notebook on the command line in one secure window on the app page', () => {
    const [w] = fake.recorded.windows;
    expect(w?.title).toBe(`${'Untitled.ipynb'} — Pairbook`);
    expect(w?.options.webPreferences).toMatchObject({
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      webSecurity: true,
    });
    expect(w?.webContents.mainFrame.url).toBe('app://pairbook/index.html');
  });

  it('answers the page’s DesktopApi calls and refuses other pages', async () => {
    const getAppInfo = fake.recorded.handlers.get(DESKTOP_CHANNELS.getAppInfo)!;
    expect(await getAppInfo(fromPage())).toEqual({
      ok: true,
      value: {
        shell: 'electron',
        version: '0.1.0-test',
        notebookPath,
        notebookName: 'Untitled.ipynb',
        userName: expect.any(String),
      },
    });
    const foreign = { sender: { mainFrame: null }, senderFrame: { url: 'https://evil.example/' } };
    expect(await getAppInfo({ ...foreign, sender: { mainFrame: foreign.senderFrame } })).toEqual({
      ok: false,
      error: 'a page outside the app may not call Pairbook',
    });
  });

  it('denies every permission a page asks for', () => {
    const answers: boolean[] = [];
    fake.recorded.permissionRequests?.({}, 'media', (granted: boolean) => answers.push(granted));
    expect(answers).toEqual([false]);
  });

  it('gives the page a MessagePort the renderer’s HubClient syncs over, and File > Save writes', async () => {
    const openPort = fake.recorded.handlers.get(OPEN_HUB_PORT_CHANNEL)!;
    expect(await openPort(fromPage())).toEqual({ ok: true, value: null });
    const contents = fake.recorded.windows[0]!.webContents;
    const [channel, [port]] = contents.posted.at(-1)!;
    expect(channel).toBe(HUB_PORT_CHANNEL);
    expect(contents.sent.at(-1)?.[0]).toBe(DESKTOP_EVENT_CHANNELS['file-state']);

    const client = new HubClient(() => pageTransport(port!));
    const synced = new Promise<void>((r) => client.on('status', (s) => s === 'synced' && r()));
    client.connect();
    await synced;
    const source = cellsOf(client.doc).get(0).get('source') as {
      insert(i: number, s: string): void;
    };
    source.insert(0, '6 * 7');
    await vi.waitFor(() =>
      expect(contents.sent.some(([, v]) => (v as { dirty?: boolean }).dirty === true)).toBe(true),
    );

    fake.FakeBrowserWindow.focused = fake.recorded.windows[0]!;
    const file = fake.recorded.menuTemplate.find((m) => m.label === '&File');
    file?.submenu?.find((i) => i.label === '&Save')?.click?.();
    await vi.waitFor(() => expect(readFileSync(notebookPath, 'utf8')).toContain('6 * 7'));
    client.destroy();
  });

  it('blocks navigation away from the app and every new window', () => {
    const contents = fake.recorded.windows[0]!.webContents;
    let prevented = false;
    contents.emit('will-navigate', {
      url: 'file:///etc/passwd',
      preventDefault: () => (prevented = true),
    });
    expect(prevented).toBe(true);
    expect(contents.windowOpenHandler?.({ url: 'app://pairbook/index.html' })).toEqual({
      action: 'deny',
    });
  });

  it('hands a pairbook:// link from a second launch to the page, and nothing else', () => {
    const contents = fake.recorded.windows[0]!.webContents;
    const sentBefore = contents.sent.length;
    fake.app.emit('second-instance', {}, ['electron', 'dist/electron', inviteLink], dir);
    fake.app.emit('second-instance', {}, ['electron', 'pairbook://join?v=1#frag'], dir);
    const links = contents.sent
      .slice(sentBefore)
      .filter(([channel]) => channel === DESKTOP_EVENT_CHANNELS['join-link']);
    expect(links).toEqual([
      [
        DESKTOP_EVENT_CHANNELS['join-link'],
        { kind: 'join', href: inviteLink, params: expect.objectContaining({ v: '1' }) },
      ],
    ]);
    expect(fake.recorded.windows).toHaveLength(1);
  });

  it('opens a guest window for the page’s Join: isolated, sandboxed, no preload, on /join', async () => {
    const join = fake.recorded.handlers.get(DESKTOP_CHANNELS.openGuestSession)!;
    expect(await join(fromPage(), inviteLink)).toEqual({ ok: true, value: null });
    expect(fake.recorded.windows).toHaveLength(2);
    const guest = fake.recorded.windows[1]!;
    expect(guest.options.webPreferences).toEqual({
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      webviewTag: false,
      navigateOnDragDrop: false,
      spellcheck: false,
      safeDialogs: true,
    });
    expect(guest.webContents.mainFrame.url).toBe(
      `app://pairbook/join#${inviteLink.slice('pairbook://join?'.length)}`,
    );
    // The guest page may not call the app, and gets no hub port of the host's notebook.
    const asGuest = { sender: guest.webContents, senderFrame: guest.webContents.mainFrame };
    const info = fake.recorded.handlers.get(DESKTOP_CHANNELS.getAppInfo)!;
    expect(await info(asGuest)).toEqual({ ok: false, error: 'a guest page may not call Pairbook' });
    guest.close();
  });

  it('lets only a guest window reach a signaling server', () => {
    const host = fake.recorded.windows[0]!;
    const join = fake.recorded.handlers.get(DESKTOP_CHANNELS.openGuestSession)!;
    void join(fromPage(), inviteLink);
    const guest = fake.recorded.windows.at(-1)!;
    const cancelled = (url: string, webContentsId: number) => {
      let answer: boolean | undefined;
      fake.recorded.beforeRequest?.({ url, webContentsId }, (r: { cancel: boolean }) => {
        answer = r.cancel;
      });
      return answer;
    };
    expect(cancelled('ws://127.0.0.1:4444/', guest.webContents.id)).toBe(false);
    expect(cancelled('ws://127.0.0.1:4444/', host.webContents.id)).toBe(true);
    expect(cancelled('https://evil.example/', guest.webContents.id)).toBe(true);
    expect(cancelled('app://pairbook/index.js', host.webContents.id)).toBe(false);
    guest.close();
    expect(cancelled('ws://127.0.0.1:4444/', guest.webContents.id)).toBe(true);
  });

  it('refuses to join a link that is not an invite, saying why, and opens nothing', async () => {
    const join = fake.recorded.handlers.get(DESKTOP_CHANNELS.openGuestSession)!;
    const before = fake.recorded.windows.length;
    const r = await join(fromPage(), 'pairbook://join?v=1&id=nope');
    expect(r).toEqual({
      ok: false,
      error: 'this invite link has no valid session id — ask the host for a new one',
    });
    expect(fake.recorded.windows).toHaveLength(before);
  });
});
