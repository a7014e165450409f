// Sharing as people do it: the host shares from the browser shell, guests join by link in their
// own browser contexts over WebRTC (inside scripts/netns-run), and everyone sees the others.
import { type Shell, startShell } from './support/shell';
import { expect, test } from './support/test';
import { codeCell, notebook } from './support/notebooks';
import { Guest, HostSharing } from './support/sharing';

let shell: Shell | null = null;
const guests: Guest[] = [];

test.afterEach(async ({ page }) => {
  for (const g of guests.splice(0)) {
    const errors = g.errors.filter((e) => !/WebSocket|ERR_CONNECTION_REFUSED|404/.test(e));
    await g.close();
    expect(errors, 'a guest page logged errors').toEqual([]);
  }
  await page.close();
  await shell?.stop();
  shell = null;
});

const twoCells = notebook([
  codeCell('first', "print('hello from the host')"),
  codeCell('second', 'x = 1'),
]);

test('a runner joins by link, sees the host in the right cell, and runs a cell for everyone', async ({
  notebook: host,
  browser,
}) => {
  test.setTimeout(60_000);
  shell = await startShell(twoCells, { kernel: true });
  await host.open(shell.url);
  const sharing = new HostSharing(host);
  const link = await sharing.createLink('runner');

  const ada = await Guest.open(browser);
  guests.push(ada);
  await ada.join(link, 'Ada');
  await expect(ada.page.getByTestId('my-role')).toHaveText('Runner');
  await expect(ada.nb.cells).toHaveCount(2);

  // The host sees Ada in the participants list; Ada sees the host.
  await expect(sharing.participant('Ada')).toBeVisible();
  await expect(ada.page.getByTestId('participant')).toHaveCount(2);

  // Each types in a different cell: each sees the other's named cursor in that cell.
  await host.editCodeCell(1);
  await host.page.keyboard.type('  # host');
  await ada.nb.editCodeCell(0);
  await ada.page.keyboard.type('  # ada');
  await expect(host.cell(0).locator('.cm-ySelectionInfo')).toHaveText('Ada');
  await expect(host.cell(1).locator('.cm-ySelectionInfo')).toHaveCount(0);
  const hostName = (await ada.page.getByTestId('participant-name').allTextContents()).find(
    (n) => !n.includes('(you)'),
  );
  await expect(ada.nb.cell(1).locator('.cm-ySelectionInfo')).toHaveText(hostName ?? '');
  await expect(ada.nb.cell(0).locator('.cm-ySelectionInfo')).toHaveCount(0);

  // Ada runs the first cell on the host's kernel; the output shows for both.
  await expect(ada.page.getByTestId('kernel-status')).toContainText('Idle', { timeout: 30_000 });
  await ada.nb.commandMode();
  await ada.nb.cell(0).getByTestId('cell-run-button').click();
  await expect(ada.nb.cell(0).getByTestId('output-stream')).toHaveText('hello from the host');
  await expect(host.cell(0).getByTestId('output-stream')).toHaveText('hello from the host');
});
