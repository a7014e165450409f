// Cells copied through the system clipboard: between two notebooks served by two shells (two
// origins, as two Pairbook windows are), and plain text that is not cells.
import { NotebookPage } from './support/notebook-page';
import { Guest, HostSharing, closeGuests } from './support/sharing';
import { codeCell, markdownCell, notebook, stream } from './support/notebooks';
import { type Shell, startShell } from './support/shell';
import { expect, test } from './support/test';

const shells: Shell[] = [];
const guests: Guest[] = [];
test.beforeEach(async ({ context }) => {
  await context.grantPermissions(['clipboard-read', 'clipboard-write']);
});
test.afterEach(async ({ context }) => {
  await closeGuests(guests);
  // Close the pages first: a page left open would log its reconnect attempts as errors.
  for (const p of context.pages()) await p.close();
  for (const s of shells.splice(0)) await s.stop();
});

type SavedCell = { id: string; cell_type: string; source: string[]; outputs?: unknown[] };

test('copies two cells in one notebook and pastes them into another, which saves them', async ({
  notebook: ada,
  context,
}) => {
  const from = await startShell(
    notebook([
      codeCell('load', 'data = [1, 2, 3]\nprint(sum(data))', [stream('6\n')], 4),
      markdownCell('why', '## Why sum'),
      codeCell('left', 'x = 1'),
    ]),
    { name: 'from.ipynb' },
  );
  const to = await startShell(notebook([codeCell('first', 'y = 2')]), { name: 'to.ipynb' });
  shells.push(from, to);
  await ada.open(from.url);
  const other = new NotebookPage(await context.newPage());
  const otherErrors: string[] = [];
  other.page.on('pageerror', (e) => otherErrors.push(e.message));
  await other.open(to.url);

  // C copies cells 0 and 1 (Shift-J extends the selection); V pastes them below in the other page.
  await ada.page.bringToFront();
  await ada.cell(0).getByTestId('cell-prompt').click();
  await ada.page.keyboard.press('Shift+j');
  await ada.page.keyboard.press('c');
  await other.page.bringToFront();
  await other.cell(0).getByTestId('cell-prompt').click();
  await other.page.keyboard.press('v');
  await expect(other.cells).toHaveCount(3);
  await expect(other.cell(1).getByTestId('output-stream')).toHaveText('6');
  await expect(other.cell(2).getByTestId('markdown-rendered')).toHaveText('Why sum');

  // Ctrl-X cuts the last cell; Ctrl-V pastes it at the end of the other notebook.
  await ada.page.bringToFront();
  await ada.cell(2).getByTestId('cell-prompt').click();
  await ada.page.keyboard.press('ControlOrMeta+x');
  await expect(ada.cells).toHaveCount(2);
  await other.page.bringToFront();
  // The last pasted cell is the active one, so Ctrl-V pastes below it.
  await expect(other.cell(2)).toHaveAttribute('data-active', 'true');
  await other.page.keyboard.press('ControlOrMeta+v');
  await expect(other.cells).toHaveCount(4);

  const mark = await other.eventCount();
  await other.page.keyboard.press('ControlOrMeta+s');
  expect((await other.reply('save', mark)).ok).toBe(true);
  const saved = to.readNotebook().cells as SavedCell[];
  expect(saved.map((c) => c.source.join(''))).toEqual([
    'y = 2',
    'data = [1, 2, 3]\nprint(sum(data))',
    '## Why sum',
    'x = 1',
  ]);
  expect(saved[1]).toMatchObject({ execution_count: 4, outputs: [stream('6\n')] });
  // Pasted cells are new cells: fresh ids, none taken from the notebook they came from.
  const ids = saved.map((c) => c.id);
  expect(new Set(ids).size).toBe(4);
  expect(ids.filter((id) => ['load', 'why', 'left'].includes(id))).toEqual([]);
  expect(otherErrors).toEqual([]);
});

test('says the clipboard holds text, not cells, when plain text is pasted', async ({
  notebook: nb,
}) => {
  const shell = await startShell(notebook([codeCell('only', 'z = 3')]));
  shells.push(shell);
  await nb.open(shell.url);
  await nb.page.evaluate(() => navigator.clipboard.writeText('print("not a cell")'));
  await nb.cell(0).getByTestId('cell-prompt').click();

  const told = async () =>
    (await nb.events()).filter(
      (e) => e.type === 'toast' && String(e.message).includes('not notebook cells'),
    ).length;
  await nb.page.keyboard.press('ControlOrMeta+v');
  await expect(nb.toasts.last()).toContainText('The clipboard holds text, not notebook cells');
  await nb.page.keyboard.press('v');
  // Told again, in the same toast rather than a second one.
  await expect.poll(told).toBe(2);
  await expect(nb.toasts).toHaveCount(1);
  await expect(nb.toasts.last()).toContainText('press Enter to edit the cell first');
  await expect(nb.cells).toHaveCount(1);
});

test("a guest's pasted copy of an executed cell is kept by the host, without the outputs", async ({
  notebook: host,
  browser,
}) => {
  const shell = await startShell(
    notebook([codeCell('ran', "print('old')", [stream('old\n')], 1), codeCell('next', 'y = 2')]),
  );
  shells.push(shell);
  await host.open(shell.url);
  const link = await new HostSharing(host).createLink('editor');
  const ada = await Guest.open(browser);
  guests.push(ada);
  await ada.context.grantPermissions(['clipboard-read', 'clipboard-write']);
  await ada.join(link, 'Ada');
  await ada.nb.cell(0).getByTestId('cell-prompt').click();
  await ada.page.keyboard.press('c');
  await ada.page.keyboard.press('v');
  // Outputs come only from the host's kernel: the guest's copy carries none, and the hub keeps it.
  await expect(host.cells).toHaveCount(3);
  await expect(host.cell(1).getByTestId('cell-placeholder')).toHaveText("print('old')");
  await expect(host.cell(1).getByTestId('cell-outputs')).toBeHidden();
  await expect(host.cell(0).getByTestId('output-stream')).toHaveText('old');
  await expect(ada.nb.toasts.filter({ hasText: 'not kept' })).toHaveCount(0);
});
