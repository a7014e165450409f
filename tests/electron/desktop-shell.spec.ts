import { expect, test } from '@playwright/test';
import { DESKTOP_CHANNELS } from '../../protocol/desktop-api';
import { codeCell, markdownCell, notebook } from '../e2e/support/notebooks';
import { type DesktopApp, launchApp } from './app';
import { NOT_RUN_REASON } from './electron-binary';

test.skip(NOT_RUN_REASON !== null, NOT_RUN_REASON ?? '');

let desktop: DesktopApp | null = null;
test.afterEach(async () => {
  const errors = desktop?.pageErrors ?? [];
  await desktop?.close();
  desktop = null;
  expect(errors, 'the window logged errors').toEqual([]);
});

const fixture = () => notebook([markdownCell('notes', '# Notes\n'), codeCell('sum', 'x = 1')]);

test('opens a notebook in its own window', async () => {
  desktop = await launchApp(fixture());
  const { notebook: nb, app } = desktop;
  await expect(nb.cells).toHaveCount(2);
  await expect(nb.cell(0).getByTestId('markdown-rendered')).toContainText('Notes');
  expect(await nb.page.title()).toBe('test.ipynb — Pairbook');
  expect(nb.page.url()).toMatch(/^app:\/\/pairbook\/index\.html/);
  const windows = await app.evaluate(({ BrowserWindow }) => BrowserWindow.getAllWindows().length);
  expect(windows).toBe(1);
});

test('runs the page isolated and sandboxed, with no Node and only the typed bridge', async () => {
  desktop = await launchApp(fixture());
  const prefs = await desktop.app.evaluate(({ BrowserWindow }) => {
    type Prefs = Record<string, unknown>;
    const contents = BrowserWindow.getAllWindows()[0]?.webContents;
    // What Electron applied where it still says (not in Electron 38's types), else what main
    // asked for (its test hook).
    const applied = (
      contents as unknown as { getLastWebPreferences?(): Prefs }
    )?.getLastWebPreferences?.();
    const asked = (
      globalThis as unknown as { __pairbookTest?: { webPreferences: Map<number, Prefs> } }
    ).__pairbookTest?.webPreferences.get(contents?.id ?? -1);
    const p = applied ?? asked;
    return {
      contextIsolation: p?.contextIsolation,
      sandbox: p?.sandbox,
      nodeIntegration: p?.nodeIntegration,
      webSecurity: p?.webSecurity,
    };
  });
  expect(prefs).toEqual({
    contextIsolation: true,
    sandbox: true,
    nodeIntegration: false,
    webSecurity: true,
  });
  const page = await desktop.notebook.page.evaluate(() => ({
    require: typeof (globalThis as { require?: unknown }).require,
    process: typeof (globalThis as { process?: unknown }).process,
    bridge: Object.keys((window as unknown as { pairbook: object }).pairbook).sort(),
  }));
  expect(page.require).toBe('undefined');
  expect(page.process).toBe('undefined');
  expect(page.bridge).toEqual([...Object.keys(DESKTOP_CHANNELS), 'on', 'openHubPort'].sort());
});

test('refuses to navigate away from the app or open new windows', async () => {
  desktop = await launchApp(fixture());
  const { app, notebook: nb } = desktop;
  const attempted = app.evaluate(
    ({ BrowserWindow }) =>
      new Promise<string>((resolve) =>
        BrowserWindow.getAllWindows()[0]?.webContents.once('will-navigate', (e) => resolve(e.url)),
      ),
  );
  await nb.page.evaluate(() => {
    window.location.href = 'file:///etc/passwd';
  });
  expect(await attempted).toBe('file:///etc/passwd');
  expect(nb.page.url()).toMatch(/^app:\/\/pairbook\/index\.html/);
  expect(await nb.page.evaluate(() => window.open('app://pairbook/index.html') === null)).toBe(
    true,
  );
  const windows = await app.evaluate(({ BrowserWindow }) => BrowserWindow.getAllWindows().length);
  expect(windows).toBe(1);
});

test('File > Save writes the typed edit to the file', async () => {
  desktop = await launchApp(fixture());
  const { app, notebook: nb } = desktop;
  await nb.editCodeCell(1);
  await nb.page.keyboard.type('\nprint(x + 41)');
  await expect.poll(() => nb.editorText(1)).toBe('x = 1\nprint(x + 41)');
  const mark = await nb.eventCount();
  await app.evaluate(({ Menu }) => {
    const file = Menu.getApplicationMenu()?.items.find((i) => i.label === '&File');
    file?.submenu?.items.find((i) => i.label === '&Save')?.click();
  });
  await nb.page.waitForFunction(
    (since) =>
      (
        window as unknown as { __pairbookTest: { events: { type: string; dirty?: boolean }[] } }
      ).__pairbookTest.events
        .slice(since)
        .some((e) => e.type === 'file-state' && e.dirty === false),
    mark,
  );
  const saved = desktop.readNotebook() as { cells: { source: string[] }[] };
  expect(saved.cells[1]?.source).toEqual(['x = 1\n', 'print(x + 41)']);
});
