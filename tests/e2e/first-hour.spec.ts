// What a guest and a host meet in their first minutes of sharing (issue "the first hour").
import { type Shell, startShell } from './support/shell';
import { expect, test } from './support/test';
import { codeCell, notebook } from './support/notebooks';
import { Guest, HostSharing, closeGuests } from './support/sharing';

let shell: Shell | null = null;
const guests: Guest[] = [];

test.afterEach(async ({ page }) => {
  await closeGuests(guests);
  await page.close();
  await shell?.stop();
  shell = null;
});

test("a guest sees the notebook's name, and after a reload is listed once, with role menu and Remove", async ({
  notebook: host,
  browser,
}) => {
  test.setTimeout(60_000);
  shell = await startShell(notebook([codeCell('a', 'x = 1')]), { name: 'analysis.ipynb' });
  await host.open(shell.url);
  const sharing = new HostSharing(host);
  const link = await sharing.createLink('editor');
  const ada = await Guest.open(browser);
  guests.push(ada);
  await ada.join(link, 'Ada');
  await expect(sharing.participant('Ada')).toHaveCount(1);
  // The guest's title is the notebook's name, not "Shared notebook".
  await expect(ada.page.getByTestId('notebook-name')).toHaveText('analysis.ipynb');
  await expect(ada.page).toHaveTitle('analysis.ipynb — Pairbook');

  await ada.page.reload();
  // The join dialog comes back with the name filled in; the guest joins again.
  await ada.page.getByTestId('join-dialog').getByTestId('join-submit').click();
  await ada.page.waitForFunction(
    () =>
      (window as unknown as { __pairbookTest?: { ready: boolean } }).__pairbookTest?.ready === true,
    undefined,
    { timeout: 25_000 },
  );
  // Long enough for a stale presence to show up and for the old link to be noticed gone.
  await host.page.waitForTimeout(3000);
  await expect(sharing.participant('Ada')).toHaveCount(1);
  const row = sharing.participant('Ada');
  await expect(row.getByTestId('participant-role')).toBeVisible();
  await expect(row.getByTestId('participant-remove')).toBeVisible();
});

test('a knocking guest sees the role they asked for; a denied one reads why, once', async ({
  notebook: host,
  browser,
}) => {
  test.setTimeout(60_000);
  shell = await startShell(notebook([codeCell('a', 'x = 1')]));
  await host.open(shell.url);
  const sharing = new HostSharing(host);
  const link = await sharing.createLink('editor', { ask: true });
  const mallory = await Guest.open(browser);
  guests.push(mallory);
  await mallory.startJoining(link, 'Mallory');
  await expect(mallory.page.getByTestId('join-progress-title')).toHaveText(
    'Waiting for the host to let you in…',
  );
  await mallory.page.screenshot({ path: test.info().outputPath('knocking.png') });
  for (const badge of await mallory.page.getByTestId('my-role').all()) {
    if (await badge.isVisible()) await expect(badge).not.toHaveText('Viewer');
  }
  const knock = host.page.getByTestId('knock').filter({ hasText: 'Mallory' });
  await knock.getByTestId('knock-deny').click();
  await expect(mallory.page.getByTestId('join-progress-title')).toHaveText(
    'The host did not let you in',
  );
  await mallory.page.waitForTimeout(1500);
  await mallory.page.screenshot({ path: test.info().outputPath('denied.png') });
  await expect(mallory.page.getByText('Reconnecting')).toHaveCount(0);
  await expect(mallory.page.getByTestId('connection-status')).toHaveText('Not connected');
  await expect(mallory.page.getByText('the host did not let you in', { exact: false })).toHaveCount(
    1,
  );
});

test('the same warning three times is one toast, and it goes away by itself', async ({
  notebook: host,
  browser,
}) => {
  test.setTimeout(60_000);
  shell = await startShell(notebook([codeCell('a', 'x = 1')]));
  await host.open(shell.url);
  const link = await new HostSharing(host).createLink('editor');
  const ada = await Guest.open(browser);
  guests.push(ada);
  await ada.join(link, 'Ada');
  for (let i = 0; i < 3; i++) await ada.page.getByTestId('run-button').click();
  const refusals = ada.nb.toasts.filter({ hasText: 'The host has not allowed you to run cells' });
  await expect(refusals).toHaveCount(1);
  // A warning stays 10 s: long enough to read, not minutes over the notebook.
  await expect(refusals).toHaveCount(0, { timeout: 20_000 });
});

test('"ask me first" belongs to the link it was made with', async ({ notebook: host, browser }) => {
  test.setTimeout(60_000);
  shell = await startShell(notebook([codeCell('a', 'x = 1')]));
  await host.open(shell.url);
  const sharing = new HostSharing(host);
  const asking = await sharing.createLink('editor', { ask: true });
  const open = await sharing.createLink('editor', { ask: false });

  const ada = await Guest.open(browser);
  guests.push(ada);
  await ada.join(open, 'Ada');
  await expect(sharing.participant('Ada')).toHaveCount(1);

  const mallory = await Guest.open(browser);
  guests.push(mallory);
  await mallory.startJoining(asking, 'Mallory');
  await expect(mallory.page.getByTestId('join-progress-title')).toHaveText(
    'Waiting for the host to let you in…',
  );
  await expect(host.page.getByTestId('knock').filter({ hasText: 'Mallory' })).toBeVisible();
  await host.page.getByTestId('share-button').click();
  await expect(
    host.page.getByTestId('invite-row').filter({ hasText: 'asks you first' }),
  ).toHaveCount(1);
});
