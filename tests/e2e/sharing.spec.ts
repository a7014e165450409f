// Sharing as people do it: the host shares from the browser shell, guests join by link in their
// own browser contexts over WebRTC (inside scripts/netns-run), and everyone sees the others.
import { type Shell, startShell } from './support/shell';
import { expect, test } from './support/test';
import { codeCell, notebook, stream } from './support/notebooks';
import { Guest, HostSharing, closeGuests } from './support/sharing';

let shell: Shell | null = null;
const guests: Guest[] = [];

test.afterEach(async ({ page }) => {
  await closeGuests(guests);
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

test('an editor is told running is not allowed, and the host makes them a viewer live', async ({
  notebook: host,
  browser,
}) => {
  shell = await startShell(twoCells);
  await host.open(shell.url);
  const sharing = new HostSharing(host);
  const editorLink = await sharing.createLink('editor');
  const viewerLink = await sharing.createLink('viewer');
  const ada = await Guest.open(browser);
  const bob = await Guest.open(browser);
  guests.push(ada, bob);
  await ada.join(editorLink, 'Ada');
  await bob.join(viewerLink, 'Bob');

  // Bob, a viewer, has no Run at all and cannot type.
  await expect(bob.page.getByTestId('my-role')).toHaveText('Viewer');
  await expect(bob.page.getByTestId('run-button')).toBeHidden();
  await bob.nb.editCodeCell(1);
  await bob.page.keyboard.type('nope');
  expect(await bob.nb.editorText(1)).toBe('x = 1');

  // Ada, an editor, edits; her Run explains that the host has not allowed running.
  await expect(ada.page.getByTestId('my-role')).toHaveText('Editor');
  await ada.nb.editCodeCell(1);
  await ada.page.keyboard.type(' + 1');
  await expect.poll(() => host.editorText(1)).toBe('x = 1 + 1');
  await ada.page.getByTestId('run-button').click();
  await expect(ada.nb.toasts.last()).toContainText('The host has not allowed you to run cells');

  // The host makes Ada a viewer: it applies at once, and everyone is told.
  await sharing.participant('Ada').getByTestId('participant-role').selectOption('viewer');
  await expect(ada.page.getByTestId('my-role')).toHaveText('Viewer');
  await expect(ada.page.getByTestId('run-button')).toBeHidden();
  await expect(bob.nb.toasts.filter({ hasText: 'Ada is now a viewer' })).toBeVisible();
  await expect(host.toasts.filter({ hasText: 'Ada is now a viewer' })).toBeVisible();
  await ada.nb.editCodeCell(0);
  await ada.page.keyboard.type('nope');
  expect(await ada.nb.editorText(0)).toBe("print('hello from the host')");

  // And removes Bob, who is told why and keeps a read-only copy.
  await sharing.participant('Bob').getByTestId('participant-remove').click();
  await expect(bob.page.getByTestId('session-ended')).toContainText('The host removed you');
  await expect(sharing.participant('Bob')).toHaveCount(0);
});

test('a knock is shown to the host, who denies one guest and admits another', async ({
  notebook: host,
  browser,
}) => {
  shell = await startShell(twoCells);
  await host.open(shell.url);
  const sharing = new HostSharing(host);
  const link = await sharing.createLink('editor', { ask: true });
  const mallory = await Guest.open(browser);
  const ada = await Guest.open(browser);
  guests.push(mallory, ada);

  await mallory.startJoining(link, 'Mallory');
  await expect(mallory.page.getByTestId('join-progress-title')).toHaveText(
    'Waiting for the host to let you in…',
  );
  const knock = host.page.getByTestId('knock').filter({ hasText: 'Mallory' });
  await expect(knock).toContainText('Mallory wants to join as editor');
  // Before deciding, the host can ask Mallory to read her code aloud: both see the same one.
  const code = mallory.page.getByTestId('join-code-digits');
  await expect(code).toHaveText(/^\d{3} \d{3}$/);
  await expect(knock.getByTestId('verification-code-digits')).toHaveText(
    (await code.textContent()) ?? '',
  );
  await knock.getByTestId('knock-deny').click();
  await expect(mallory.page.getByTestId('join-progress-title')).toHaveText(
    'The host did not let you in',
  );
  await expect(host.page.getByTestId('knock')).toHaveCount(0);

  await ada.startJoining(link, 'Ada');
  await host.page
    .getByTestId('knock')
    .filter({ hasText: 'Ada' })
    .getByTestId('knock-admit')
    .click();
  await expect(ada.nb.cells).toHaveCount(2);
  await expect(sharing.participant('Ada')).toBeVisible();
});

test('when the host stops sharing, the guest keeps a read-only copy and can save it', async ({
  notebook: host,
  browser,
}) => {
  shell = await startShell(twoCells);
  await host.open(shell.url);
  const sharing = new HostSharing(host);
  const link = await sharing.createLink('editor');
  const ada = await Guest.open(browser);
  guests.push(ada);
  await ada.join(link, 'Ada');
  await ada.nb.editCodeCell(1);
  await ada.page.keyboard.type(' # mine');
  await expect.poll(() => host.editorText(1)).toBe('x = 1 # mine');

  await host.page.getByTestId('share-button').click();
  await host.page.getByTestId('stop-sharing').click();
  await host.page.getByTestId('share-done').click();
  await expect(ada.page.getByTestId('session-ended')).toContainText('The host stopped sharing');
  await expect(ada.page.getByTestId('my-role')).toHaveText('Read-only copy');
  await ada.nb.editCodeCell(1);
  await ada.page.keyboard.type('nope');
  expect(await ada.nb.editorText(1)).toBe('x = 1 # mine');

  const download = ada.page.waitForEvent('download');
  await ada.page.getByTestId('save-copy').click();
  const file = await (await download).path();
  const { readFileSync } = await import('node:fs');
  const saved = JSON.parse(readFileSync(file, 'utf8')) as { cells: { source: string[] }[] };
  expect(saved.cells.map((c) => c.source.join(''))).toEqual([
    "print('hello from the host')",
    'x = 1 # mine',
  ]);
});

test('a revoked link tells the guest why it cannot join', async ({ notebook: host, browser }) => {
  shell = await startShell(twoCells);
  await host.open(shell.url);
  const link = await new HostSharing(host).createLink('viewer');
  await host.page.getByTestId('share-button').click();
  const row = host.page.getByTestId('invite-row').first();
  await row.getByTestId('invite-revoke').click();
  await expect(row).toHaveAttribute('data-status', 'revoked');
  await host.page.getByTestId('share-done').click();

  const ada = await Guest.open(browser);
  guests.push(ada);
  await ada.startJoining(link, 'Ada');
  await expect(ada.page.getByTestId('join-progress-title')).toHaveText('This invite was revoked');
  await expect(ada.page.getByTestId('join-progress-detail')).toContainText('ask for a new link');
});

test('a guest moves an executed cell and the host keeps the move', async ({
  notebook: host,
  browser,
}) => {
  shell = await startShell(
    notebook([codeCell('ran', "print('old')", [stream('old\n')], 1), codeCell('next', 'y = 2')]),
  );
  await host.open(shell.url);
  const link = await new HostSharing(host).createLink('editor');
  const ada = await Guest.open(browser);
  guests.push(ada);
  await ada.join(link, 'Ada');
  await ada.nb.cell(0).getByTestId('cell-prompt').click();
  await ada.page.getByTestId('notebook').focus();
  await ada.page.keyboard.press('ControlOrMeta+Shift+ArrowDown');
  // Guests may not write outputs, so the moved copy carries none; the move itself is kept.
  await expect(host.cell(1)).toHaveAttribute('data-cell-id', 'ran');
  await expect(ada.nb.cell(1)).toHaveAttribute('data-cell-id', 'ran');
  await expect(ada.nb.toasts.filter({ hasText: 'not kept' })).toHaveCount(0);
});

test('a guest whose edit the host refuses starts over from the host copy and can save the old one', async ({
  notebook: host,
  browser,
}) => {
  shell = await startShell(twoCells);
  await host.open(shell.url);
  const link = await new HostSharing(host).createLink('editor');
  const ada = await Guest.open(browser);
  guests.push(ada);
  await ada.join(link, 'Ada');

  // What the UI never sends: an execution count written by a guest (only the kernel writes them).
  await ada.page.evaluate(() => {
    type YMap = { set(key: string, value: unknown): void };
    const doc = (
      window as unknown as {
        __pairbookTest: { doc: { getArray(n: string): { get(i: number): YMap } } };
      }
    ).__pairbookTest.doc;
    doc.getArray('cells').get(0).set('execution_count', 42);
  });
  const banner = ada.page.getByTestId('started-over');
  await expect(banner).toContainText('was not kept');
  await expect(ada.nb.cell(0).getByTestId('cell-prompt')).toHaveText('[ ]:');
  await expect(host.cell(0).getByTestId('cell-prompt')).toHaveText('[ ]:');

  // The fresh copy is connected: Ada's typing reaches the host again.
  await ada.nb.editCodeCell(1);
  await ada.page.keyboard.type(' # again');
  await expect.poll(() => host.editorText(1)).toBe('x = 1 # again');

  // Her old copy, with the refused count, can still be saved.
  const download = ada.page.waitForEvent('download');
  await banner.getByTestId('save-old-copy').click();
  const { readFileSync } = await import('node:fs');
  const old = JSON.parse(readFileSync(await (await download).path(), 'utf8')) as {
    cells: { execution_count: number | null }[];
  };
  expect(old.cells[0]?.execution_count).toBe(42);
});
