import { type Shell, startShell } from './support/shell';
import { expect, test } from './support/test';
import { codeCell, notebook, stream } from './support/notebooks';

let shell: Shell | null = null;
test.afterEach(async ({ page }) => {
  // Close the page first: a page left open would log its reconnect attempts as errors.
  await page.close();
  await shell?.stop();
  shell = null;
});

const start = () =>
  startShell(notebook([codeCell('a', 'a = 1'), codeCell('b', 'b = 2'), codeCell('c', 'c = 3')]));

test('moves a cell by dragging its handle and saves the new order', async ({ notebook: nb }) => {
  shell = await start();
  await nb.open(shell.url);
  const ids = () => nb.cells.evaluateAll((cs) => cs.map((c) => (c as HTMLElement).dataset.cellId));
  const third = nb.cell(2);
  const box = await third.boundingBox();
  await nb.cell(0).hover();
  await nb
    .cell(0)
    .getByTestId('cell-drag-handle')
    .dragTo(third, {
      targetPosition: { x: 200, y: (box?.height ?? 40) - 4 },
    });
  await expect.poll(ids).toEqual(['b', 'c', 'a']);
  await expect(nb.cell(2)).toHaveAttribute('data-active', 'true');

  const mark = await nb.eventCount();
  await nb.page.keyboard.press('ControlOrMeta+s');
  expect((await nb.reply('save', mark)).ok).toBe(true);
  const saved = shell.readNotebook() as { cells: { id: string; source: string[] }[] };
  expect(saved.cells.map((c) => c.id)).toEqual(['b', 'c', 'a']);
  expect(saved.cells[2]?.source).toEqual(['a = 1']);
});

test('merges cells with Shift-M and splits one at the cursor with Ctrl-Shift-minus', async ({
  notebook: nb,
}) => {
  shell = await start();
  await nb.open(shell.url);
  await nb.cell(0).getByTestId('cell-prompt').click();
  await nb.page.keyboard.press('Shift+m');
  await expect(nb.cells).toHaveCount(2);
  await nb.editCodeCell(0);
  expect(await nb.editorText(0)).toBe('a = 1\nb = 2');

  // Cursor after "a = 1": the rest moves to a new cell below, which takes the focus.
  await nb.page.keyboard.press('ControlOrMeta+Home');
  await nb.page.keyboard.press('End');
  await nb.page.keyboard.press('ControlOrMeta+Shift+Minus');
  await expect(nb.cells).toHaveCount(3);
  await expect.poll(() => nb.editorText(0)).toBe('a = 1');
  await expect.poll(() => nb.editorText(1)).toBe('b = 2');
  await expect(nb.editor(1)).toBeFocused();

  // Both are one undo step each, like any structural edit.
  await nb.commandMode();
  await nb.page.keyboard.press('z');
  await expect(nb.cells).toHaveCount(2);
});

test('switches between light and dark and keeps the choice on reload', async ({ notebook: nb }) => {
  shell = await start();
  await nb.open(shell.url);
  const theme = () => nb.page.evaluate(() => document.documentElement.dataset.theme);
  const before = await theme();
  const after = before === 'dark' ? 'light' : 'dark';
  await nb.page.getByTestId('toggle-theme-button').click();
  await expect.poll(theme).toBe(after);
  const background = await nb.page.evaluate(() => getComputedStyle(document.body).backgroundColor);
  expect(background).toBe(after === 'dark' ? 'rgb(20, 22, 27)' : 'rgb(246, 247, 249)');
  await nb.open(shell.url);
  await expect.poll(theme).toBe(after);
});

test('keeps a 2000-cell notebook light: only cells near the viewport are built', async ({
  notebook: nb,
}) => {
  const cells = Array.from({ length: 2000 }, (_, i) =>
    codeCell(`c${i}`, `value_${i} = ${i}\nprint(value_${i})`, [stream(`${i}\n`)], i + 1),
  );
  shell = await startShell(notebook(cells));
  await nb.open(shell.url);
  await expect(nb.cells).toHaveCount(2000);
  const built = () => nb.page.locator('.cell.materialized').count();
  expect(await built()).toBeLessThan(80);
  expect(await nb.page.getByTestId('cell-editor').count()).toBeLessThan(80);

  // Jump to the end: the last cells are built with their outputs, the first ones dropped (all but
  // the active cell, which stays built).
  await nb.page.getByTestId('notebook-scroll').evaluate((s) => (s.scrollTop = s.scrollHeight));
  await expect(nb.cell(1999).getByTestId('output-stream')).toHaveText('1999');
  await expect(nb.cell(1999).getByTestId('cell-editor')).toBeVisible();
  await expect(nb.cell(1)).not.toHaveClass(/materialized/);
  await expect(nb.cell(0)).toHaveClass(/materialized/);
  expect(await built()).toBeLessThan(120);

  // Typing there lands in that cell's source.
  await nb.editCodeCell(1999);
  await nb.page.keyboard.type('  # last');
  await expect.poll(() => nb.editorText(1999)).toBe('value_1999 = 1999\nprint(value_1999)  # last');
});
