// Three people in one session (the host in the browser shell, two guests in their own browser
// contexts, over WebRTC inside scripts/netns-run): verification codes, following, who is running
// what, and the progress a guest sees while a large notebook arrives.
import type { Locator } from '@playwright/test';
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

/** True when `cell` is at least partly inside the notebook's scrolled viewport. */
const inView = (cell: Locator) =>
  cell.evaluate((el) => {
    const box = el.getBoundingClientRect();
    const port = (
      document.querySelector('[data-testid="notebook-scroll"]') as HTMLElement
    ).getBoundingClientRect();
    return box.bottom > port.top && box.top < port.bottom;
  });

test('three people read the same codes, follow each other without chasing, and see who runs what', async ({
  notebook: host,
  browser,
}) => {
  test.setTimeout(90_000);
  const cells = [
    codeCell('slow', 'import time\ntime.sleep(3)\nprint("done")'),
    ...Array.from({ length: 39 }, (_, i) => codeCell(`c${i + 1}`, `x${i + 1} = ${i + 1}`)),
  ];
  shell = await startShell(notebook(cells), { kernel: true });
  await host.open(shell.url);
  const sharing = new HostSharing(host);
  const runnerLink = await sharing.createLink('runner');
  const viewerLink = await sharing.createLink('viewer');
  const ada = await Guest.open(browser);
  const bob = await Guest.open(browser);
  guests.push(ada, bob);
  await ada.join(runnerLink, 'Ada');
  await bob.join(viewerLink, 'Bob');
  await expect(host.page.getByTestId('participant')).toHaveCount(3);

  // Each guest's code is the one the host sees beside their name.
  for (const g of [ada, bob]) {
    const mine = g.page
      .getByTestId('participant')
      .filter({ hasText: '(you)' })
      .getByTestId('verification-code-digits');
    await expect(mine).toHaveText(/^\d{3} \d{3}$/);
    const name = g === ada ? 'Ada' : 'Bob';
    await expect(sharing.participant(name).getByTestId('verification-code-digits')).toHaveText(
      (await mine.textContent()) ?? '',
    );
  }

  // Bob follows Ada: the cell she goes to comes into his view.
  await bob.nb.editCodeCell(0);
  await ada.nb.editCodeCell(34);
  await expect(bob.nb.cell(34)).not.toBeInViewport();
  await bob.page
    .getByTestId('participant')
    .filter({ hasText: 'Ada' })
    .getByTestId('participant-follow')
    .click();
  await expect(bob.page.getByTestId('follow-banner')).toContainText('Following Ada');
  await expect.poll(() => inView(bob.nb.cell(34))).toBe(true);
  await ada.nb.editCodeCell(20);
  await expect.poll(() => inView(bob.nb.cell(20))).toBe(true);

  // Ada follows Bob back. Following moves only the follower's view, never where they are, so
  // neither chases the other: both stay in their own cells.
  await ada.page
    .getByTestId('participant')
    .filter({ hasText: 'Bob' })
    .getByTestId('participant-follow')
    .click();
  await expect.poll(() => inView(ada.nb.cell(0))).toBe(true);
  await expect(sharing.participant('Ada').getByTestId('participant-cell')).toHaveText('cell 21');
  await expect(sharing.participant('Bob').getByTestId('participant-cell')).toHaveText('cell 1');
  await expect(bob.page.getByTestId('follow-banner')).toBeVisible();
  await expect(ada.page.getByTestId('follow-banner')).toBeVisible();

  // Bob scrolls: he has taken over, and is told following stopped.
  await bob.page.getByTestId('notebook-scroll').hover();
  await bob.page.mouse.wheel(0, 400);
  await expect(bob.page.getByTestId('follow-banner')).toBeHidden();
  await expect(bob.nb.toasts.filter({ hasText: 'Stopped following: you scrolled' })).toBeVisible();
  await ada.page.getByTestId('follow-stop').click();
  await expect(ada.page.getByTestId('follow-banner')).toBeHidden();

  // Ada runs the slow first cell: everyone's list says she is running cell 1 (her own row too,
  // matched by the peer id the hub gave her), until it ends.
  await expect(ada.page.getByTestId('kernel-status')).toContainText('Idle', { timeout: 30_000 });
  await ada.nb.cell(0).scrollIntoViewIfNeeded();
  await ada.nb.cell(0).getByTestId('cell-run-button').click();
  for (const page of [host.page, bob.page, ada.page]) {
    await expect(
      page.getByTestId('participant').filter({ hasText: 'Ada' }).getByTestId('participant-running'),
    ).toHaveText('running cell 1');
  }
  await expect(host.cell(0).getByTestId('output-stream')).toHaveText('done', { timeout: 15_000 });
  await expect(sharing.participant('Ada').getByTestId('participant-running')).toBeHidden();
});

test('a guest sees how much of a large notebook has arrived while it syncs', async ({
  notebook: host,
  browser,
}) => {
  const big = Array.from({ length: 8 }, (_, i) => codeCell(`big${i}`, `# ${'x'.repeat(400_000)}`));
  shell = await startShell(notebook(big));
  await host.open(shell.url);
  const link = await new HostSharing(host).createLink('viewer');
  const ada = await Guest.open(browser);
  guests.push(ada);
  await ada.join(link, 'Ada');
  const progress = (await ada.nb.events()).filter((e) => e.type === 'sync-progress');
  expect(progress.length).toBeGreaterThan(0);
  const last = progress.at(-1) as unknown as { received: number; total: number };
  expect(last.total).toBeGreaterThan(3_000_000);
  expect(last.received).toBeLessThanOrEqual(last.total);
  await expect(ada.nb.cells).toHaveCount(8);

  // Leaving the page ends the connection there and then: the host's list drops Ada at once, not
  // when the link times out (12.7 s). Closing the tab tries the same (the page closes its
  // connection on pagehide), but the packet can die with the tab's process: about half the time
  // on a busy machine, so only leaving is asserted.
  await expect(host.page.getByTestId('participant')).toHaveCount(2);
  await ada.page.goto('about:blank');
  await expect(host.page.getByTestId('participant')).toHaveCount(1, { timeout: 8000 });
});
