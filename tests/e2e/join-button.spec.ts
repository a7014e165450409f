// Joining from one's own Pairbook: Linus has a notebook of his own open in his browser shell,
// clicks Join, pastes Ada's invite and gives his name once; a tab of his own shell's guest page
// opens and joins Ada's session over WebRTC (inside scripts/netns-run) without asking again.
// The Electron app takes the same path (renderer/app.ts join), with a guest window for the tab.
import type { BrowserContext, Page } from '@playwright/test';
import { type Shell, startShell } from './support/shell';
import { expect, test } from './support/test';
import { codeCell, notebook } from './support/notebooks';
import { HostSharing } from './support/sharing';

const shells: Shell[] = [];
let linus: BrowserContext | null = null;
const errors: string[] = [];

test.afterEach(async ({ page }) => {
  // Pages first: a host page whose shell stopped under it would log the lost connection.
  await page.close();
  await linus?.close();
  linus = null;
  for (const s of shells.splice(0)) await s.stop();
  const unexpected = errors.splice(0).filter((e) => !/WebSocket|ERR_CONNECTION_REFUSED/.test(e));
  expect(unexpected, 'Linus’s pages logged errors').toEqual([]);
});

/** Collects the console errors and uncaught exceptions of `page`. */
function watch(page: Page): Page {
  page.on('pageerror', (e) => errors.push(`uncaught: ${e.message}`));
  page.on('console', (m) => {
    if (m.type() === 'error') errors.push(`console: ${m.text()}`);
  });
  return page;
}

test('Join in your own Pairbook asks once for the link and your name, then a guest tab joins the session', async ({
  notebook: ada,
  browser,
}) => {
  test.setTimeout(60_000);
  const adaShell = await startShell(notebook([codeCell('shared', "print('from Ada')")]), {
    name: 'ada.ipynb',
  });
  shells.push(adaShell);
  const linusShell = await startShell(notebook([codeCell('own', 'mine = 1')]), {
    name: 'linus.ipynb',
  });
  shells.push(linusShell);
  await ada.open(adaShell.url);
  const link = await new HostSharing(ada).createLink('editor');

  linus = await browser.newContext();
  const own = watch(await linus.newPage());
  await own.goto(`${linusShell.url}&test=1`);
  await expect(own.getByTestId('notebook-name')).toContainText('linus');
  await own.getByTestId('join-button').click();
  const dialog = own.getByTestId('join-dialog');
  await expect(dialog).toBeVisible();

  // A link that is no invite is refused in the dialog, with what to do.
  await dialog.getByTestId('join-link').fill('pairbook://join?v=1&id=nope');
  await dialog.getByTestId('join-name').fill('Linus');
  await dialog.getByTestId('join-submit').click();
  await expect(dialog.getByTestId('join-error')).toHaveText(
    'this invite link has no valid session id — ask the host for a new one',
  );

  await dialog.getByTestId('join-link').fill(link);
  const opened = linus.waitForEvent('page');
  await dialog.getByTestId('join-submit').click();
  await expect(dialog).toBeHidden();
  const tab = watch(await opened);
  await tab.waitForFunction(
    () =>
      (window as unknown as { __pairbookTest?: { ready: boolean } }).__pairbookTest?.ready === true,
    undefined,
    { timeout: 25_000 },
  );
  // Linus's own shell serves the guest page; the invite stays in the fragment.
  expect(tab.url()).toMatch(new RegExp(`^${linusShell.origin}/join\\?test=1#v=1&`));
  await expect(tab.getByTestId('join-dialog')).toHaveCount(0);
  await expect(tab.getByTestId('my-role')).toHaveText('Editor');
  await expect(tab.getByTestId('cell')).toHaveCount(1);
  await expect(tab.getByTestId('cell').first()).toContainText("print('from Ada')");
  await expect(new HostSharing(ada).participant('Linus')).toBeVisible();
  // His own notebook stays open and his own, in the tab he started from.
  await expect(own.getByTestId('notebook-name')).toContainText('linus');
});
