// Stale-output markers with three people (the host in the browser shell, two guests in their own
// browser contexts, over WebRTC inside scripts/netns-run) on a real ipykernel: an edit after a run
// dims the cell's outputs on every page with who changed it, a run clears it and marks the cell
// below that ran before the new code, and a restart marks every output as from the previous
// kernel.
import type { Browser, Locator } from '@playwright/test';
import { type Shell, startShell } from './support/shell';
import { expect, test } from './support/test';
import { codeCell, markdownCell, notebook } from './support/notebooks';
import { Guest, HostSharing, closeGuests } from './support/sharing';
import type { NotebookPage } from './support/notebook-page';

let shell: Shell | null = null;
const guests: Guest[] = [];

test.afterEach(async ({ page }) => {
  await closeGuests(guests);
  await page.close();
  await shell?.stop();
  shell = null;
});

const note = (nb: NotebookPage, i: number): Locator => nb.cell(i).getByTestId('stale-note');

const SALES = notebook([
  markdownCell('intro', '## Sales by region'),
  codeCell(
    'load',
    "import pandas as pd\nsales = pd.DataFrame({'region': ['north', 'south', 'east'], " +
      "'units': [120, 80, 95]})\nsales",
  ),
  codeCell('total', "total = sales['units'].sum()\nprint(f'{total} units')"),
  codeCell('top', "print(sales.sort_values('units').iloc[-1]['region'])"),
]);

/** The host with the notebook on a real kernel, Ada (editor) and Bob (runner) joined. */
async function threePeople(host: NotebookPage, browser: Browser): Promise<[Guest, Guest]> {
  shell = await startShell(SALES, { kernel: true });
  await host.open(shell.url);
  await expect(host.page.getByTestId('kernel-status')).toContainText('Idle', { timeout: 30_000 });
  const sharing = new HostSharing(host);
  const editorLink = await sharing.createLink('editor');
  const runnerLink = await sharing.createLink('runner');
  const ada = await Guest.open(browser);
  const bob = await Guest.open(browser);
  guests.push(ada, bob);
  await ada.join(editorLink, 'Ada');
  await bob.join(runnerLink, 'Bob');
  return [ada, bob];
}

/** Runs every code cell from the host: nothing is stale anywhere. */
async function runAll(host: NotebookPage, pages: NotebookPage[]): Promise<void> {
  for (const i of [1, 2, 3]) {
    await host.cell(i).getByTestId('cell-run-button').click();
    await expect(host.cell(i).getByTestId('cell-last-run')).toContainText('Ran in');
  }
  for (const nb of pages) {
    await expect(nb.cell(2).getByTestId('output-stream')).toHaveText('295 units');
    await expect(nb.page.locator('.cell.stale-outputs')).toHaveCount(0);
    for (const i of [1, 2, 3]) await expect(note(nb, i)).toBeHidden();
  }
}

/** The host restarts the kernel: every output is from the previous kernel, for everyone. */
async function restart(host: NotebookPage, pages: NotebookPage[]): Promise<void> {
  await host.page.getByTestId('restart-button').click();
  await host.page.getByTestId('confirm-restart-confirm').click();
  for (const nb of pages) {
    for (const i of [1, 2, 3]) {
      await expect(note(nb, i)).toHaveText('From the previous kernel');
      await expect(nb.cell(i)).toHaveAttribute('data-stale', 'kernel');
    }
    await expect(note(nb, 0)).toBeHidden();
  }
  await expect(host.page.getByTestId('kernel-status')).toContainText('Idle', { timeout: 30_000 });
}

/** The host's page as it is: whole, the notebook column (docs/screenshots/), and dark. */
async function screenshots(host: NotebookPage): Promise<void> {
  await host.page.screenshot({ path: test.info().outputPath('stale-kernel.png') });
  await host.page.screenshot({
    path: test.info().outputPath('stale-outputs.png'),
    clip: { x: 0, y: 60, width: 930, height: 690 },
  });
  const theme = (t: string) =>
    host.page.evaluate((value) => (document.documentElement.dataset.theme = value), t);
  await theme('dark');
  await host.page.screenshot({ path: test.info().outputPath('stale-outputs-dark.png') });
  await theme('light');
}

test('an edit after a run marks the outputs stale on every page, a run clears it, a restart marks them all', async ({
  notebook: host,
  browser,
}) => {
  test.setTimeout(120_000);
  const [ada, bob] = await threePeople(host, browser);
  const pages = [host, ada.nb, bob.nb];
  await runAll(host, pages);

  // Ada, an editor, changes a cell that ran: everyone sees its outputs are from before, by Ada.
  await ada.nb.editCodeCell(2);
  await ada.page.keyboard.type(' # in thousands');
  for (const nb of pages) {
    await expect(note(nb, 2)).toHaveText(/^Source changed since this ran — by Ada, just now$/);
    await expect(nb.cell(2)).toHaveClass(/stale-outputs/);
    await expect(nb.cell(2)).toHaveAttribute('data-stale', 'source');
    await expect(note(nb, 1)).toBeHidden();
    await expect(note(nb, 3)).toBeHidden();
  }
  await ada.nb.commandMode();
  await host.page.screenshot({ path: test.info().outputPath('stale-source.png') });

  // Bob runs it again: its marker goes away on every page, and the cell below, which ran
  // before this new code did, says so; running that one too clears it.
  await bob.nb.cell(2).getByTestId('cell-run-button').click();
  for (const nb of pages) {
    await expect(nb.cell(2).getByTestId('cell-last-run')).toContainText('by Bob');
    await expect(note(nb, 2)).toBeHidden();
    await expect(note(nb, 3)).toHaveText('Cell 3 above ran new code after this');
    await expect(nb.cell(3)).toHaveAttribute('data-stale', 'order');
    await expect(nb.page.locator('.cell.stale-outputs')).toHaveCount(1);
  }
  await host.cell(3).getByTestId('cell-run-button').click();
  for (const nb of pages) await expect(nb.page.locator('.cell.stale-outputs')).toHaveCount(0);

  await restart(host, pages);
  // An edit on top says both.
  await ada.nb.editCodeCell(3);
  await ada.page.keyboard.type(' ');
  await expect(note(host, 3)).toHaveText(
    'Source changed since this ran — by Ada, just now · from the previous kernel',
  );
  await screenshots(host);
  // Running a cell in the new kernel clears its marker only.
  await host.cell(1).getByTestId('cell-run-button').click();
  for (const nb of pages) {
    await expect(note(nb, 1)).toBeHidden();
    await expect(note(nb, 2)).toHaveText('From the previous kernel');
  }
});
