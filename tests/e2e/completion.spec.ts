// Kernel completion and inspection, as in JupyterLab: Tab after code completes from the host's
// kernel (a real ipykernel), Shift-Tab shows the signature; Tab at the start of a line, or after
// whitespace, indents; a viewer's or an editor's Tab sends nothing to the host.
import { type Shell, startShell } from './support/shell';
import { expect, test } from './support/test';
import { codeCell, notebook } from './support/notebooks';
import { Guest, HostSharing, closeGuests } from './support/sharing';
import type { NotebookPage } from './support/notebook-page';

let shell: Shell | null = null;
const guests: Guest[] = [];
test.afterEach(async ({ page }) => {
  await closeGuests(guests);
  // Close the page first: a page left open would log its reconnect attempts as errors.
  await page.close();
  await shell?.stop();
  shell = null;
});

/** Opens a served notebook of `cells` with a kernel, and waits until the kernel is idle. */
async function openWithKernel(nb: NotebookPage, cells: string[]): Promise<void> {
  shell = await startShell(notebook(cells.map((source, i) => codeCell(`c${i}`, source))), {
    kernel: true,
  });
  await nb.open(shell.url);
  await expect(nb.page.getByTestId('kernel-status')).toContainText('Idle', { timeout: 30_000 });
}

/** The part of the page the screenshots show (docs/screenshots/completion-list.png, ...). */
const SHOT = { x: 120, y: 60, width: 960, height: 400 };

/** The app's 'reply' events for completion or inspection requests, on one page. */
async function kernelReplies(nb: NotebookPage): Promise<unknown[]> {
  return (await nb.events()).filter(
    (e) => e.type === 'reply' && (e.request === 'complete' || e.request === 'inspect'),
  );
}

test('Tab completes from the kernel, Enter inserts, Shift-Tab shows the signature', async ({
  notebook: nb,
}, testInfo) => {
  test.setTimeout(60_000);
  await openWithKernel(nb, ['', '']);
  const list = nb.page.locator('.cm-tooltip-autocomplete');
  const options = list.locator('li[role="option"]');

  await nb.editCodeCell(0);
  await nb.page.keyboard.type('import o');
  await nb.page.keyboard.press('Tab');
  await expect(options.filter({ hasText: /^os$/ })).toHaveCount(1);
  await nb.page.screenshot({ path: testInfo.outputPath('completion-list.png'), clip: SHOT });
  // Tab and the arrows move through the list, as in JupyterLab; Enter inserts the chosen one.
  for (let i = 0; i < 50; i++) {
    if ((await list.locator('li[aria-selected]').textContent()) === 'os') break;
    await nb.page.keyboard.press('ArrowDown');
  }
  await nb.page.keyboard.press('Enter');
  await expect(list).toBeHidden();
  expect(await nb.editorText(0)).toBe('import os');
  await expect(nb.page.getByTestId('notebook')).toHaveAttribute('data-mode', 'edit');

  // Escape closes the list and stays in edit mode; a second Escape leaves it.
  await nb.page.keyboard.type('\nimport o');
  await nb.page.keyboard.press('Tab');
  await expect(list).toBeVisible();
  await nb.page.keyboard.press('Escape');
  await expect(list).toBeHidden();
  await expect(nb.page.getByTestId('notebook')).toHaveAttribute('data-mode', 'edit');

  // Shift-Tab after `print(` shows its signature at the caret; typing closes it.
  await nb.editCodeCell(1);
  await nb.page.keyboard.type('print(');
  await nb.page.keyboard.press('Shift+Tab');
  const tooltip = nb.page.getByTestId('inspection-tooltip');
  await expect(tooltip).toContainText('print(');
  await expect(tooltip).toContainText('sep=');
  expect(await tooltip.innerHTML()).not.toContain('\u001b');
  await nb.page.screenshot({ path: testInfo.outputPath('inspection-tooltip.png'), clip: SHOT });
  await nb.page.keyboard.type('1');
  await expect(tooltip).toBeHidden();
  await nb.page.keyboard.press('Shift+Tab');
  await expect(tooltip).toBeVisible();
  await nb.page.keyboard.press('Escape');
  await expect(tooltip).toBeHidden();
  await expect(nb.page.getByTestId('notebook')).toHaveAttribute('data-mode', 'edit');
  expect(await kernelReplies(nb)).toHaveLength(4);
});

test('Tab in the list types what the matches share and moves on, as in JupyterLab 4', async ({
  notebook: nb,
}) => {
  await openWithKernel(nb, ['value_one = 1\nvalue_two = 2', 'val']);
  await nb.cell(0).getByTestId('cell-run-button').click();
  await expect(nb.cell(0).getByTestId('cell-prompt')).toHaveText('[1]:');
  const list = nb.page.locator('.cm-tooltip-autocomplete');
  await nb.editCodeCell(1);
  await nb.page.keyboard.press('Tab');
  await expect(list.locator('li[role="option"]')).toHaveText(['value_one', 'value_two']);
  await expect(list.locator('li[aria-selected]')).toHaveText('value_one');
  await nb.page.keyboard.press('Tab');
  await expect.poll(() => nb.editorText(1)).toBe('value_');
  await expect(list.locator('li[aria-selected]')).toHaveText('value_two');
  await nb.page.keyboard.press('Shift+Tab');
  await expect(list.locator('li[aria-selected]')).toHaveText('value_one');
  await nb.page.keyboard.press('Enter');
  await expect.poll(() => nb.editorText(1)).toBe('value_one');
  // One match: Tab inserts it without a list.
  await nb.page.keyboard.type('\nvalue_t');
  await nb.page.keyboard.press('Tab');
  await expect.poll(() => nb.editorText(1)).toBe('value_one\nvalue_two');
  await expect(list).toBeHidden();
});

test('Tab at the start of a line or after whitespace indents, and asks nothing', async ({
  notebook: nb,
}) => {
  await openWithKernel(nb, ['if x:\n']);
  await nb.editCodeCell(0);
  await nb.page.keyboard.press('Tab');
  expect(await nb.editorText(0)).toBe('if x:\n    ');
  await nb.page.keyboard.press('Tab');
  await nb.page.keyboard.type('y');
  expect(await nb.editorText(0)).toBe('if x:\n        y');
  // Before `y`, only whitespace: Shift-Tab dedents.
  await nb.page.keyboard.press('ArrowLeft');
  await nb.page.keyboard.press('Shift+Tab');
  expect(await nb.editorText(0)).toBe('if x:\n    y');
  expect(await kernelReplies(nb)).toEqual([]);
});

test('without a kernel, Tab after code indents as before and asks nothing', async ({
  notebook: nb,
}) => {
  shell = await startShell(notebook([codeCell('c0', 'import o')]));
  await nb.open(shell.url);
  await nb.editCodeCell(0);
  await nb.page.keyboard.press('Tab');
  expect(await nb.editorText(0)).toBe('    import o');
  await nb.page.keyboard.press('Shift+Tab');
  expect(await nb.editorText(0)).toBe('import o');
  expect(await kernelReplies(nb)).toEqual([]);
});

test('while the kernel runs a cell, Tab waits without blocking typing; a late answer is dropped', async ({
  notebook: nb,
}) => {
  test.setTimeout(60_000);
  await openWithKernel(nb, [
    'import time\ntime.sleep(3)',
    'import o',
    'import time\ntime.sleep(7)',
  ]);
  const list = nb.page.locator('.cm-tooltip-autocomplete');
  // The answer comes after the run (Jupyter's shell queue); the text changed meanwhile: dropped.
  await nb.cell(0).getByTestId('cell-run-button').click();
  await expect(nb.cell(0).getByTestId('cell-prompt')).toHaveText('[*]:');
  await nb.editCodeCell(1);
  await nb.page.keyboard.press('Tab');
  // CodeMirror sends the request 50 ms after Tab, with the text as it is then: type after that.
  await nb.page.waitForTimeout(300);
  await nb.page.keyboard.type('s');
  expect(await nb.editorText(1)).toBe('import os');
  await expect.poll(() => kernelReplies(nb), { timeout: 15_000 }).toHaveLength(1);
  await nb.page.waitForTimeout(300);
  await expect(list).toBeHidden();
  expect(await nb.editorText(1)).toBe('import os');

  // A run longer than the wait (5 s): the list never shows, even when the answer comes.
  await nb.cell(2).getByTestId('cell-run-button').click();
  await expect(nb.cell(2).getByTestId('cell-prompt')).toHaveText('[*]:');
  await nb.editCodeCell(1);
  await nb.page.keyboard.press('Backspace');
  await nb.page.keyboard.press('Tab');
  await expect.poll(() => kernelReplies(nb), { timeout: 15_000 }).toHaveLength(2);
  await nb.page.waitForTimeout(300);
  await expect(list).toBeHidden();
  expect(await nb.editorText(1)).toBe('import o');
});

const COUNT_COMPLETIONS = [
  'k = get_ipython().kernel',
  'asked = []',
  'k.do_complete = (lambda f: lambda code, pos: asked.append(code) or f(code, pos))(k.do_complete)',
].join('\n');

test("a viewer's and an editor's Tab indent and send nothing to the host's kernel; a runner's completes", async ({
  notebook: host,
  browser,
}) => {
  test.setTimeout(90_000);
  await openWithKernel(host, [COUNT_COMPLETIONS, 'import o', 'print(len(asked))']);
  // The kernel counts the completion requests it is asked, whoever asks.
  await host.cell(0).getByTestId('cell-run-button').click();
  await expect(host.cell(0).getByTestId('cell-prompt')).toHaveText('[1]:');
  const sharing = new HostSharing(host);
  const viewerLink = await sharing.createLink('viewer');
  const editorLink = await sharing.createLink('editor');
  const viewer = await Guest.open(browser);
  const editor = await Guest.open(browser);
  guests.push(viewer, editor);
  await viewer.join(viewerLink, 'Vera');
  await editor.join(editorLink, 'Ed');

  await viewer.nb.editCodeCell(1);
  await viewer.page.keyboard.press('Tab');
  await viewer.page.keyboard.press('Shift+Tab');
  await editor.nb.editCodeCell(1);
  await editor.page.keyboard.press('Tab');
  await expect.poll(() => editor.nb.editorText(1)).toBe('    import o');
  await expect.poll(() => host.editorText(1)).toBe('    import o');
  await editor.page.keyboard.press('Shift+Tab');
  await expect.poll(() => host.editorText(1)).toBe('import o');
  await expect(editor.page.locator('.cm-tooltip-autocomplete')).toHaveCount(0);
  await expect(editor.page.getByTestId('inspection-tooltip')).toHaveCount(0);
  expect(await kernelReplies(viewer.nb)).toEqual([]);
  expect(await kernelReplies(editor.nb)).toEqual([]);

  // Asked nothing: the kernel's count is 0; the host's own Tab then counts 1.
  await host.cell(2).getByTestId('cell-run-button').click();
  await expect(host.cell(2).getByTestId('output-stream')).toHaveText('0');
  await host.editCodeCell(1);
  await host.page.keyboard.press('Tab');
  await expect(host.page.locator('.cm-tooltip-autocomplete')).toBeVisible();
  await host.page.keyboard.press('Escape');
  await host.cell(2).getByTestId('cell-run-button').click();
  await expect(host.cell(2).getByTestId('output-stream')).toHaveText('1');

  // A runner may: their Tab asks the host's kernel over WebRTC and shows them the list.
  const runner = await Guest.open(browser);
  guests.push(runner);
  await runner.join(await sharing.createLink('runner'), 'Rue');
  await runner.nb.editCodeCell(1);
  await runner.page.keyboard.press('Tab');
  await expect(runner.page.locator('.cm-tooltip-autocomplete li', { hasText: /^os$/ })).toHaveCount(
    1,
  );
  await runner.page.keyboard.press('Escape');
  expect(await runner.nb.editorText(1)).toBe('import o');
  await host.cell(2).getByTestId('cell-run-button').click();
  await expect(host.cell(2).getByTestId('output-stream')).toHaveText('2');

  // Made a viewer while the list is open: it closes, and Enter inserts nothing.
  await runner.page.keyboard.press('Tab');
  await expect(runner.page.locator('.cm-tooltip-autocomplete')).toBeVisible();
  await sharing.participant('Rue').getByTestId('participant-role').selectOption('viewer');
  await expect(runner.page.locator('.cm-tooltip-autocomplete')).toBeHidden();
  await runner.page.keyboard.press('Enter');
  expect(await runner.nb.editorText(1)).toBe('import o');
});
