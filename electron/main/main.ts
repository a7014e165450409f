// The Electron main process of Pairbook, in the order things happen. Each step lives in its own
// file; this one only wires them. The host core (host/) does the work: a window is a client of a
// NotebookSession, exactly as a remote guest will be.
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { app, ipcMain, Menu, safeStorage, session } from 'electron';
import { ok } from '../../protocol/errors';
import { parseInvite } from '../../protocol/invite';
import { createAppActions, openAtLaunch, welcome } from './app-actions';
import { registerAppScheme, serveAppScheme } from './app-protocol';
import { APP_ENTRY_URL } from './app-url';
import type { JoinLink } from './deep-link';
import { DeepLinks, registerDeepLinkScheme } from './deep-links';
import { GuestWindows } from './guest-windows';
import { OPEN_HUB_PORT_CHANNEL } from './hub-port';
import { IpcGuard, registerDesktopApi } from './ipc-guard';
import { Keychain } from './keychain';
import { parseLaunchArgs } from './launch-args';
import { buildAppMenu } from './menu';
import { RecentFiles } from './recent-files';
import { applySessionPolicy, guardWebContents } from './security-policy';
import { SessionRestore } from './session-restore';
import { NotebookWindows, testHook } from './windows';

/** Longest wait for sessions to save and kernels to stop when quitting. */
const QUIT_TIMEOUT_MS = 15_000;
/** The renderer bundle and the preload, beside this bundle (dist/electron/main.mjs). */
const RENDERER_DIR = fileURLToPath(new URL('../renderer/', import.meta.url));
const PRELOAD_PATH = fileURLToPath(new URL('./preload.cjs', import.meta.url));

// 1. Before ready: profile folder (tests give their own), the app:// scheme, link and content hooks.
if (process.env.PAIRBOOK_USER_DATA_DIR) app.setPath('userData', process.env.PAIRBOOK_USER_DATA_DIR);
registerAppScheme();
const deepLinks = new DeepLinks();
app.on('web-contents-created', (_event, contents) => guardWebContents(contents));

// 2. One instance: a second launch hands its notebooks and links to this one, then exits.
if (!app.requestSingleInstanceLock()) app.quit();
else void start();

/** A number from an environment variable; undefined when unset or not a number. */
function optionalNumber(value: string | undefined): number | undefined {
  const n = value === undefined || value === '' ? NaN : Number(value);
  return Number.isFinite(n) ? n : undefined;
}

async function start(): Promise<void> {
  await app.whenReady();
  const userData = app.getPath('userData');

  // 3. Security: permissions denied, CSP on every response, the app page served from app://;
  //    only guest windows (joining someone's session) may reach signaling servers.
  const testing = process.env.PAIRBOOK_TEST_HOOK === '1';
  const guests = new GuestWindows({
    testHook: testing,
    onCreated: (id, webPreferences) => testHook()?.webPreferences.set(id, webPreferences),
  });
  applySessionPolicy(session.defaultSession, { isGuestContents: (id) => guests.has(id) });
  serveAppScheme(session.defaultSession, RENDERER_DIR);

  // 4. State kept between runs: recent files, the windows to restore, the keychain.
  const recent = new RecentFiles(join(userData, 'recent-files.json'));
  const restore = new SessionRestore(join(userData, 'open-windows.json'));
  const keychain = await Keychain.open(safeStorage, join(userData, 'secrets.json'));
  if (keychain.warning) console.warn(`pairbook: ${keychain.warning}`);

  // 5. Windows, one per notebook, and the IPC they may use (every handler behind the guard).
  const windows = new NotebookWindows({
    dataDir: userData,
    preloadPath: PRELOAD_PATH,
    entryUrl: testing ? `${APP_ENTRY_URL}?test=1` : APP_ENTRY_URL,
    version: app.getVersion(),
    recent,
    startKernels: process.env.PAIRBOOK_NO_KERNEL !== '1',
    autosaveDelayMs: optionalNumber(process.env.PAIRBOOK_AUTOSAVE_DELAY_MS),
    openGuestWindow: (invite) => void guests.open(invite),
    onOpened: (path) => {
      void restore.opened(path);
      deepLinks.flush();
    },
    onClosed: (path, remaining) => void restore.closed(path, remaining),
  });
  const guard = new IpcGuard(ipcMain);
  registerDesktopApi(guard, (event) => windows.forContents(event.sender)?.desktop ?? null);
  guard.handle(
    OPEN_HUB_PORT_CHANNEL,
    (args): args is [] => args.length === 0,
    async (event) => {
      windows.forContents(event.sender)?.openHubPort(event.sender);
      return ok(null);
    },
  );

  // 6. Menu, rebuilt when the recent files change.
  const actions = createAppActions(windows, recent);
  const setMenu = (files: Awaited<ReturnType<RecentFiles['list']>>) =>
    Menu.setApplicationMenu(buildAppMenu(actions, files, !app.isPackaged));
  setMenu(await recent.list());
  recent.onChange(setMenu);

  // 7. Deep links: pairbook:// registered with the OS; validated links go to a window's page,
  //    whose Join dialog asks before joining. With no notebook window (after launch), the link
  //    opens a guest window, whose own Join dialog asks.
  registerDeepLinkScheme();
  let launched = false;
  const joinAlone = (link: JoinLink) => {
    const invite = parseInvite(link.href);
    if (invite.ok) guests.open(invite.value);
    else console.warn(`pairbook: ignored an invite link: ${invite.error.message}`);
    if (!invite.ok && windows.count === 0 && guests.count === 0) void welcome(windows);
  };
  deepLinks.deliverTo((link) => {
    const target = windows.current() ?? windows.all().at(-1);
    if (!target) {
      if (launched) joinAlone(link);
      return launched;
    }
    target.sendJoinLink(link);
    target.window.focus();
    return true;
  });
  app.on('second-instance', (_event, argv, cwd) => {
    const request = parseLaunchArgs(argv, cwd);
    request.links.forEach((link) => deepLinks.handle(link));
    for (const path of request.files) void windows.open(path);
    if (request.files.length === 0 && request.links.length === 0) windows.current()?.window.focus();
  });

  // 8. Quit: when the last window closes (except on macOS); sessions save and kernels stop first.
  app.on('window-all-closed', () => {
    if (process.platform !== 'darwin') app.quit();
  });
  app.on('activate', () => {
    if (windows.count === 0) void welcome(windows);
  });
  app.on('before-quit', () => void restore.freeze());
  let sessionsClosed = false;
  app.on('will-quit', (event) => {
    if (sessionsClosed) return;
    event.preventDefault();
    const timeout = new Promise((resolve) => setTimeout(resolve, QUIT_TIMEOUT_MS));
    void Promise.race([windows.whenSessionsClosed(), timeout]).finally(() => {
      sessionsClosed = true;
      app.quit();
    });
  });
  for (const signal of ['SIGINT', 'SIGTERM'] as const) process.once(signal, () => app.quit());

  // 9. Open what was asked for: command-line notebooks and links, else the last session.
  const launch = parseLaunchArgs(process.argv, process.cwd());
  launch.links.forEach((link) => deepLinks.handle(link));
  await openAtLaunch(windows, launch, await restore.read(), deepLinks.waiting > 0);
  launched = true;
  deepLinks.flush();
}
