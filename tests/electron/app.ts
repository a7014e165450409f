// Starts the built desktop app on a temp copy of a notebook, with its own profile, and gives the
// test its first window as a NotebookPage.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type ElectronApplication, _electron } from '@playwright/test';
import { NotebookPage } from '../e2e/support/notebook-page';
import { APP_DIR, ELECTRON_PATH } from './electron-binary';

/** A running app with one notebook window. */
export interface DesktopApp {
  app: ElectronApplication;
  notebook: NotebookPage;
  /** The notebook file on disk. */
  path: string;
  readNotebook(): unknown;
  /** Console errors and uncaught exceptions of the window; a test fails unless it is empty. */
  pageErrors: string[];
  close(): Promise<void>;
}

/** Launches the app on `notebook` (nbformat JSON) and waits until its window is synced. */
export async function launchApp(notebook: unknown): Promise<DesktopApp> {
  if (!ELECTRON_PATH) throw new Error('no Electron binary');
  const dir = mkdtempSync(join(tmpdir(), 'pairbook-electron-e2e-'));
  const path = join(dir, 'test.ipynb');
  writeFileSync(path, `${JSON.stringify(notebook, null, 1)}\n`);
  const app = await _electron.launch({
    executablePath: ELECTRON_PATH,
    args: [APP_DIR, path],
    env: {
      ...process.env,
      PAIRBOOK_USER_DATA_DIR: join(dir, 'profile'),
      PAIRBOOK_TEST_HOOK: '1',
      PAIRBOOK_NO_KERNEL: '1',
      PAIRBOOK_AUTOSAVE_DELAY_MS: '0',
    } as Record<string, string>,
  });
  const page = await app.firstWindow();
  const pageErrors: string[] = [];
  page.on('console', (m) => {
    if (m.type() === 'error') pageErrors.push(`console: ${m.text()}`);
  });
  page.on('pageerror', (e) => pageErrors.push(`uncaught: ${e.message}`));
  await page.waitForFunction(
    () =>
      (window as unknown as { __pairbookTest?: { ready: boolean } }).__pairbookTest?.ready === true,
  );
  return {
    app,
    notebook: new NotebookPage(page),
    path,
    readNotebook: () => JSON.parse(readFileSync(path, 'utf8')) as unknown,
    pageErrors,
    close: async () => {
      await app.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
