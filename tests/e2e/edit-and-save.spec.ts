import { type Shell, startShell } from './support/shell';
import { expect, test } from './support/test';
import { NotebookPage } from './support/notebook-page';
import { codeCell, markdownCell, notebook } from './support/notebooks';

let shell: Shell | null = null;
test.afterEach(async ({ page }) => {
  // Close the page first: a page left open would log its reconnect attempts as errors.
  await page.close();
  await shell?.stop();
  shell = null;
});

const start = () =>
  startShell(
    notebook([
      markdownCell('notes', '# Notes\n'),
      codeCell('sum', 'x = 1'),
      codeCell('other', 'y = 2'),
    ]),
  );

test('saves typed edits to a code cell and a markdown cell to disk with Ctrl-S', async ({
  notebook: nb,
}) => {
  shell = await start();
  await nb.open(shell.url);

  await nb.editCodeCell(1);
  await nb.page.keyboard.type('\nprint(x + 41)');
  await expect.poll(() => nb.editorText(1)).toBe('x = 1\nprint(x + 41)');

  await nb.editMarkdownCell(0);
  await nb.page.keyboard.type('\nEdited **by hand**.');
  await nb.page.keyboard.press('Shift+Enter');
  await expect(nb.cell(0).getByTestId('markdown-rendered').locator('strong')).toHaveText('by hand');

  const mark = await nb.eventCount();
  await nb.page.keyboard.press('ControlOrMeta+s');
  expect((await nb.reply('save', mark)).ok).toBe(true);
  await expect(nb.saveState).toHaveText('Saved');

  const saved = shell.readNotebook() as { cells: { id: string; source: string[] }[] };
  expect(saved.cells.map((c) => c.id)).toEqual(['notes', 'sum', 'other']);
  expect(saved.cells[0]?.source.join('')).toBe('# Notes\n\nEdited **by hand**.');
  expect(saved.cells[1]?.source).toEqual(['x = 1\n', 'print(x + 41)']);
});

test('indents a Python block by four spaces, as JupyterLab and PEP 8 do', async ({
  notebook: nb,
}) => {
  shell = await start();
  await nb.open(shell.url);
  await nb.editCodeCell(2);
  await nb.page.keyboard.press('End');
  await nb.page.keyboard.type('\nfor i in range(3):\nprint(i)');
  await expect.poll(() => nb.editorText(2)).toBe('y = 2\nfor i in range(3):\n    print(i)');
});

test('undoes only your own typing, never a collaborator’s', async ({ notebook: ada, browser }) => {
  shell = await start();
  await ada.open(shell.url);
  const context = await browser.newContext();
  const grace = new NotebookPage(await context.newPage());
  await grace.open(shell.url);

  await ada.editCodeCell(1);
  await ada.page.keyboard.type(' + 10');
  await expect.poll(() => grace.editorText(1)).toBe('x = 1 + 10');

  await grace.editCodeCell(1);
  await grace.page.keyboard.type('  # grace');
  await expect.poll(() => ada.editorText(1)).toBe('x = 1 + 10  # grace');

  await ada.editor(1).focus();
  await ada.page.keyboard.press('ControlOrMeta+z');
  await expect.poll(() => ada.editorText(1)).toBe('x = 1  # grace');
  await expect.poll(() => grace.editorText(1)).toBe('x = 1  # grace');
  await context.close();
});

test('inserts, deletes, retypes and restores cells with Jupyter’s command-mode keys', async ({
  notebook: nb,
}) => {
  shell = await start();
  await nb.open(shell.url);
  await nb.cell(1).getByTestId('cell-prompt').click();
  const keys = nb.page.keyboard;
  const types = () =>
    nb.cells.evaluateAll((cs) => cs.map((c) => (c as HTMLElement).dataset.cellType));

  await keys.press('b');
  await expect(nb.cells).toHaveCount(4);
  await keys.press('m');
  await expect.poll(types).toEqual(['markdown', 'code', 'markdown', 'code']);
  await keys.press('y');
  await keys.press('a');
  await expect(nb.cells).toHaveCount(5);
  await keys.press('d');
  await keys.press('d');
  await expect(nb.cells).toHaveCount(4);
  await keys.press('k');
  await keys.press('d');
  await keys.press('d');
  await expect(nb.cells).toHaveCount(3);
  const ids = () => nb.cells.evaluateAll((cs) => cs.map((c) => (c as HTMLElement).dataset.cellId));
  expect(await ids()).not.toContain('sum');
  await keys.press('z');
  await expect(nb.cells).toHaveCount(4);
  await expect(nb.cell(1)).toHaveAttribute('data-cell-id', 'sum');
});

test('says why a cell cannot run when the notebook has no kernel', async ({ notebook: nb }) => {
  shell = await start();
  await nb.open(shell.url);
  await nb.editCodeCell(1);
  const mark = await nb.eventCount();
  await nb.page.keyboard.press('Shift+Enter');
  const reply = await nb.reply('run', mark);
  expect(reply.ok).toBe(false);
  await expect(nb.toasts.last()).toContainText('no kernel is attached');
  await expect(nb.page.getByTestId('kernel-status')).toHaveText('No kernel');
  await expect(nb.cell(2)).toHaveAttribute('data-active', 'true');
});

test('finds text in every cell, including cells far below the viewport', async ({
  notebook: nb,
}) => {
  const cells = Array.from({ length: 300 }, (_, i) => codeCell(`c${i}`, `value_${i} = ${i}`));
  cells.push(codeCell('needle', 'needle_in_haystack = True'));
  shell = await startShell(notebook(cells));
  await nb.open(shell.url);
  await expect(nb.cells).toHaveCount(301);
  // Far cells show highlighted text, not a live editor.
  expect(await nb.page.getByTestId('cell-editor').count()).toBeLessThan(80);
  await nb.page.getByTestId('find-button').click();
  await nb.page.getByTestId('find-input').fill('needle_in');
  await expect(nb.page.getByTestId('find-count')).toHaveText('1 match');
  await nb.page.keyboard.press('Enter');
  await expect(nb.page.getByTestId('find-count')).toHaveText('1 of 1');
  await expect(nb.cell(300)).toHaveAttribute('data-active', 'true');
  await expect(nb.editor(300)).toBeVisible();
});
