// Starts the built desktop app on a temp copy of a notebook, with its own profile, and gives the
// test its first window as a NotebookPage.
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type ElectronApplication, type Page, _electron } from '@playwright/test';
import { NotebookPage } from '../e2e/support/notebook-page';
import { APP_DIR, ELECTRON_PATH } from './electron-binary';

/** A running app with one notebook window. */
export interface DesktopApp {
  app: ElectronApplication;
  notebook: NotebookPage;
  /** The notebook file on disk. */
  path: string;
  /** The profile folder (PAIRBOOK_USER_DATA_DIR); a second launch with it reaches this app. */
  profileDir: string;
  readNotebook(): unknown;
  /** Console errors and uncaught exceptions of the window; a test fails unless it is empty. */
  pageErrors: string[];
  close(): Promise<void>;
}

/** The environment of the app with profile folder `profileDir`. */
export function appEnv(profileDir: string): Record<string, string> {
  return {
    ...process.env,
    PAIRBOOK_USER_DATA_DIR: profileDir,
    PAIRBOOK_TEST_HOOK: '1',
    PAIRBOOK_NO_KERNEL: '1',
    PAIRBOOK_AUTOSAVE_DELAY_MS: '0',
  } as Record<string, string>;
}

/** Collects the console errors and uncaught exceptions of `page` into `into`. */
export function watchErrors(page: Page, into: string[]): Page {
  page.on('console', (m) => {
    if (m.type() === 'error') into.push(`console: ${m.text()}`);
  });
  page.on('pageerror', (e) => into.push(`uncaught: ${e.message}`));
  return page;
}

/** Resolves when the app's test hook in `page` says the notebook is synced and on screen. */
export async function waitUntilReady(page: Page): Promise<void> {
  await page.waitForFunction(
    () =>
      (window as unknown as { __pairbookTest?: { ready: boolean } }).__pairbookTest?.ready === true,
  );
}

/** Launches the app on `notebook` (nbformat JSON) and waits until its window is synced. */
export async function launchApp(notebook: unknown): Promise<DesktopApp> {
  if (!ELECTRON_PATH) throw new Error('no Electron binary');
  const dir = mkdtempSync(join(tmpdir(), 'pairbook-electron-e2e-'));
  const path = join(dir, 'test.ipynb');
  const profileDir = join(dir, 'profile');
  writeFileSync(path, `${JSON.stringify(notebook, null, 1)}\n`);
  const app = await _electron.launch({
    executablePath: ELECTRON_PATH,
    args: [APP_DIR, path],
    env: appEnv(profileDir),
  });
  const pageErrors: string[] = [];
  const page = watchErrors(await app.firstWindow(), pageErrors);
  await waitUntilReady(page);
  return {
    app,
    notebook: new NotebookPage(page),
    path,
    profileDir,
    readNotebook: () => JSON.parse(readFileSync(path, 'utf8')) as unknown,
    pageErrors,
    close: async () => {
      await app.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/**
 * Starts the app again as the system would for a `pairbook://` link (or a notebook): with the
 * profile of a running app, this second instance hands its arguments over and exits.
 */
export async function launchAgain(profileDir: string, args: string[]): Promise<number | null> {
  if (!ELECTRON_PATH) throw new Error('no Electron binary');
  const child = spawn(ELECTRON_PATH, [APP_DIR, ...args], {
    env: appEnv(profileDir),
    stdio: 'ignore',
  });
  return new Promise((resolve, reject) => {
    child.on('error', reject);
    child.on('exit', (code) => resolve(code));
  });
}

/** An app launched on an invite link alone, with a fresh profile: no notebook of its own. */
export async function launchOnLink(
  link: string,
): Promise<{ app: ElectronApplication; close(): Promise<void> }> {
  if (!ELECTRON_PATH) throw new Error('no Electron binary');
  const dir = mkdtempSync(join(tmpdir(), 'pairbook-electron-e2e-'));
  const app = await _electron.launch({
    executablePath: ELECTRON_PATH,
    args: [APP_DIR, link],
    env: appEnv(join(dir, 'profile')),
  });
  return {
    app,
    close: async () => {
      await app.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
