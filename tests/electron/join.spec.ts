// Joining a session from the desktop app: a pairbook:// link the system hands over (here, as a
// second launch's argument, which is how Linux and Windows deliver it) reaches the running app,
// which asks in its window before anything connects; after the person confirms, a guest window
// joins over WebRTC (signaling on loopback). An app with no notebook open asks in the guest window.
import { type Page, expect, test } from '@playwright/test';
import { codeCell, markdownCell, notebook } from '../e2e/support/notebooks';
import {
  type DesktopApp,
  launchAgain,
  launchApp,
  launchOnLink,
  waitUntilReady,
  watchErrors,
} from './app';
import { NOT_RUN_REASON } from './electron-binary';

test.skip(NOT_RUN_REASON !== null, NOT_RUN_REASON ?? '');

let desktop: DesktopApp | null = null;
const closers: (() => Promise<void>)[] = [];
const errors: string[] = [];
test.afterEach(async () => {
  for (const close of closers.splice(0)) await close();
  const all = [...(desktop?.pageErrors ?? []), ...errors.splice(0)];
  await desktop?.close();
  desktop = null;
  expect(all, 'a window logged errors').toEqual([]);
});

const fixture = () => notebook([markdownCell('notes', '# Notes\n'), codeCell('sum', 'x = 1')]);

/** Shares the notebook of `page` as an editor; returns the pairbook:// link (Electron's only form). */
async function shareLink(page: Page): Promise<string> {
  await page.getByTestId('share-button').click();
  const dialog = page.getByTestId('share-dialog');
  await dialog.getByTestId('share-role-editor').click();
  await dialog.getByTestId('share-create').click();
  const field = dialog.getByTestId('share-link');
  await expect(field).toHaveValue(/^pairbook:\/\/join\?v=1&/);
  const link = await field.inputValue();
  await dialog.getByTestId('share-done').click();
  return link;
}

test('a pairbook:// link reaches the running app, which asks before a guest window joins', async () => {
  desktop = await launchApp(fixture());
  const { app, notebook: nb } = desktop;
  const link = await shareLink(nb.page);

  expect(await launchAgain(desktop.profileDir, [link])).toBe(0);
  const dialog = nb.page.getByTestId('join-dialog');
  await expect(dialog.getByTestId('join-link')).toHaveValue(link);
  await expect(dialog.getByTestId('join-outside')).toContainText('connects to 127.0.0.1:');
  expect(await app.evaluate(({ BrowserWindow }) => BrowserWindow.getAllWindows().length)).toBe(1);

  await dialog.getByTestId('join-name').fill('Grace');
  const opened = app.waitForEvent('window');
  await dialog.getByTestId('join-submit').click();
  const guest = watchErrors(await opened, errors);
  await waitUntilReady(guest);
  expect(guest.url()).toMatch(/^app:\/\/pairbook\/join\?test=1#v=1&/);
  await expect(guest.getByTestId('join-dialog')).toHaveCount(0);
  await expect(guest.getByTestId('my-role')).toHaveText('Editor');
  await expect(guest.getByTestId('cell')).toHaveCount(2);
  await expect(nb.page.getByTestId('participant').filter({ hasText: 'Grace' })).toBeVisible();

  // The guest window: isolated and sandboxed like a notebook window, and without any bridge.
  const prefs = await app.evaluate(({ BrowserWindow }) => {
    const contents = BrowserWindow.getAllWindows().find((w) =>
      w.webContents.getURL().startsWith('app://pairbook/join'),
    )?.webContents;
    const asked = (
      globalThis as unknown as {
        __pairbookTest?: { webPreferences: Map<number, Record<string, unknown>> };
      }
    ).__pairbookTest?.webPreferences.get(contents?.id ?? -1);
    return {
      contextIsolation: asked?.contextIsolation,
      sandbox: asked?.sandbox,
      nodeIntegration: asked?.nodeIntegration,
      preload: asked?.preload ?? null,
    };
  });
  expect(prefs).toEqual({
    contextIsolation: true,
    sandbox: true,
    nodeIntegration: false,
    preload: null,
  });
  expect(await guest.evaluate(() => typeof (window as { pairbook?: unknown }).pairbook)).toBe(
    'undefined',
  );
});

test('an app with no notebook open asks in the guest window before joining', async () => {
  desktop = await launchApp(fixture());
  const link = await shareLink(desktop.notebook.page);

  const other = await launchOnLink(link);
  closers.push(other.close);
  const guest = watchErrors(await other.app.firstWindow(), errors);
  const dialog = guest.getByTestId('join-dialog');
  await expect(dialog.getByTestId('join-link')).toHaveValue(link);
  await dialog.getByTestId('join-name').fill('Alan');
  await dialog.getByTestId('join-submit').click();
  await waitUntilReady(guest);
  await expect(guest.getByTestId('cell')).toHaveCount(2);
  await expect(
    desktop.notebook.page.getByTestId('participant').filter({ hasText: 'Alan' }),
  ).toBeVisible();
});
