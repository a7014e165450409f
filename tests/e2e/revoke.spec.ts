// Revoking a link with people still in by it (issue 12, item 6): People says which link each guest
// came in by, and Revoke asks whether to remove those still in by that link, naming them.
import type { Page } from '@playwright/test';
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

const twoCells = notebook([codeCell('a', 'x = 1'), codeCell('b', 'y = 2')]);

/** Opens the Share dialog and clicks Revoke on the link named `label`. */
async function revoke(page: Page, label: string): Promise<void> {
  await page.getByTestId('share-button').click();
  const row = page.getByTestId('invite-row').filter({ hasText: label });
  await expect(row).toHaveCount(1);
  await row.getByTestId('invite-revoke').click();
}

test('revoking a link names who joined with it, and removing them ends their session', async ({
  notebook: host,
  browser,
}) => {
  test.setTimeout(90_000);
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

  // People shows which link each guest came in by.
  await expect(sharing.participant('Ada').getByTestId('participant-via')).toHaveText(
    'via Editor link 1',
  );
  await expect(sharing.participant('Bob').getByTestId('participant-via')).toHaveText(
    'via Viewer link 1',
  );
  await host.page
    .getByTestId('participants')
    .screenshot({ path: test.info().outputPath('people.png') });

  await revoke(host.page, 'Editor link 1');
  const ask = host.page.getByTestId('revoke-guests');
  await expect(ask).toBeVisible();
  await expect(ask).toContainText('Also remove Ada, who joined with this link?');
  await expect(ask).not.toContainText('Bob');
  await host.page.screenshot({ path: test.info().outputPath('revoke-dialog.png') });
  await ask.getByTestId('revoke-guests-remove').click();
  await expect(ask).toBeHidden();

  // The link is revoked; Ada is out, told why, and keeps a read-only copy; Bob stays.
  await expect(
    host.page.getByTestId('invite-row').filter({ hasText: 'Editor link 1' }),
  ).toHaveAttribute('data-status', 'revoked');
  await expect(ada.page.getByTestId('session-ended')).toContainText(
    'The host removed you and revoked the link you joined with',
  );
  await expect(ada.page.getByTestId('my-role')).toHaveText('Read-only copy');
  await ada.page.screenshot({ path: test.info().outputPath('removed-guest.png') });
  // Her page drops the others when her session ends: that is not Bob leaving.
  await expect(ada.nb.toasts.filter({ hasText: 'Bob left' })).toHaveCount(0);
  await host.page.getByTestId('share-done').click();
  await expect(sharing.participant('Ada')).toHaveCount(0);
  await expect(host.toasts.filter({ hasText: 'Ada was removed' })).toBeVisible();
  await expect(sharing.participant('Bob')).toHaveCount(1);
  await expect(bob.page.getByTestId('session-ended')).toBeHidden();
});

test('keeping them only revokes the link; a link nobody joined with is revoked without asking', async ({
  notebook: host,
  browser,
}) => {
  test.setTimeout(90_000);
  shell = await startShell(twoCells);
  await host.open(shell.url);
  const sharing = new HostSharing(host);
  const link = await sharing.createLink('editor');
  await sharing.createLink('editor'); // Editor link 2, which nobody uses
  const ada = await Guest.open(browser);
  const grace = await Guest.open(browser);
  guests.push(ada, grace);
  await ada.join(link, 'Ada');
  await grace.join(link, 'Grace');
  await expect(sharing.participant('Grace').getByTestId('participant-via')).toHaveText(
    'via Editor link 1',
  );

  // Nobody is in by Editor link 2: Revoke revokes it at once.
  await revoke(host.page, 'Editor link 2');
  await expect(
    host.page.getByTestId('invite-row').filter({ hasText: 'Editor link 2' }),
  ).toHaveAttribute('data-status', 'revoked');
  await expect(host.page.getByTestId('revoke-guests')).toHaveCount(0);
  await host.page.getByTestId('share-done').click();

  await revoke(host.page, 'Editor link 1');
  const ask = host.page.getByTestId('revoke-guests');
  await expect(ask).toContainText('Also remove Ada and Grace, who joined with this link?');
  await ask.getByTestId('revoke-guests-keep').click();
  await expect(ask).toBeHidden();
  const revoked = host.page.getByTestId('invite-row').filter({ hasText: 'Editor link 1' });
  await expect(revoked).toHaveAttribute('data-status', 'revoked');
  await expect(revoked).toContainText('Ada and Grace still in');
  await host.page.screenshot({ path: test.info().outputPath('kept.png') });
  await host.page.getByTestId('share-done').click();

  // Both stay, with their role; People says their link was revoked; Ada still edits.
  await expect(sharing.participant('Ada').getByTestId('participant-via')).toHaveText(
    'via Editor link 1 (revoked)',
  );
  await expect(sharing.participant('Grace')).toHaveCount(1);
  await expect(host.toasts.filter({ hasText: 'Ada and Grace stay' })).toBeVisible();
  await ada.nb.editCodeCell(1);
  await ada.page.keyboard.type(' + 1');
  await expect.poll(() => host.editorText(1)).toBe('y = 2 + 1');
  await expect(ada.page.getByTestId('session-ended')).toBeHidden();
  await expect(grace.page.getByTestId('session-ended')).toBeHidden();
});
