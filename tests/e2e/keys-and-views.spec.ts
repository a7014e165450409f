// What a JupyterLab user reaches for in the first minutes: 1–6 headings, Ctrl-M, Shift-L line
// numbers, collapsing headings, hiding a cell's input or outputs, highlighting by the kernel's
// language; and a viewer's Shift-Enter, which must not add a cell.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Shell, startShell } from './support/shell';
import { expect, test } from './support/test';
import { codeCell, markdownCell, notebook, stream } from './support/notebooks';
import type { JsonObject } from '../../protocol/python-json';
import { Guest, HostSharing, closeGuests } from './support/sharing';
import { NotebookPage } from './support/notebook-page';

let shell: Shell | null = null;
const guests: Guest[] = [];
// A kernel that says it is Julia: ipykernel with another language_info, as a kernelspec found
// through JUPYTER_PATH (the shell inherits this process's env).
const jupyterPath = mkdtempSync(join(tmpdir(), 'pairbook-kernels-'));
const previousJupyterPath = process.env.JUPYTER_PATH;
test.beforeAll(() => {
  const dir = join(jupyterPath, 'kernels', 'pairbook-julia-like');
  mkdirSync(dir, { recursive: true });
  writeFileSync(
    join(dir, 'julia_like.py'),
    [
      'from ipykernel.ipkernel import IPythonKernel',
      'from ipykernel.kernelapp import IPKernelApp',
      'class JuliaLike(IPythonKernel):',
      "    language_info = {**IPythonKernel.language_info, 'name': 'julia', 'file_extension': '.jl'}",
      'IPKernelApp.launch_instance(kernel_class=JuliaLike)',
    ].join('\n'),
  );
  writeFileSync(
    join(dir, 'kernel.json'),
    JSON.stringify({
      argv: ['/usr/bin/python3', join(dir, 'julia_like.py'), '-f', '{connection_file}'],
      display_name: 'Julia-like',
      language: 'julia',
    }),
  );
  process.env.JUPYTER_PATH = jupyterPath;
});
test.afterAll(() => {
  if (previousJupyterPath === undefined) delete process.env.JUPYTER_PATH;
  else process.env.JUPYTER_PATH = previousJupyterPath;
  rmSync(jupyterPath, { recursive: true, force: true });
});
test.afterEach(async ({ page }) => {
  await closeGuests(guests);
  // Close the page first: a page left open would log its reconnect attempts as errors.
  await page.close();
  await shell?.stop();
  shell = null;
});

type SavedCell = { id: string; cell_type: string; source: string[]; metadata: object };

test('1 to 6 make the selected cells markdown headings of that level, and Ctrl-M leaves edit mode', async ({
  notebook: nb,
}) => {
  shell = await startShell(
    notebook([
      codeCell('a', 'Results'),
      markdownCell('b', '## Old title\ntext'),
      codeCell('c', 'x'),
    ]),
  );
  await nb.open(shell.url);
  const types = () =>
    nb.cells.evaluateAll((cs) => cs.map((c) => (c as HTMLElement).dataset.cellType));

  await nb.cell(0).getByTestId('cell-prompt').click();
  await nb.page.keyboard.press('1');
  await expect.poll(types).toEqual(['markdown', 'markdown', 'code']);
  await expect(nb.cell(0).getByTestId('markdown-rendered').locator('h1')).toHaveText('Results');

  // An existing heading changes level; the rest of the cell stays.
  await nb.page.keyboard.press('j');
  await nb.page.keyboard.press('4');
  await expect(nb.cell(1).getByTestId('markdown-rendered').locator('h4')).toHaveText('Old title');

  // Ctrl-M in edit mode is Escape, as in JupyterLab; one undo step restores the level.
  await nb.editCodeCell(2);
  await nb.page.keyboard.press('Control+m');
  await expect(nb.page.getByTestId('notebook')).toHaveAttribute('data-mode', 'command');
  await expect.poll(() => nb.editorText(2)).toBe('x');
  await nb.page.keyboard.press('k');
  await nb.page.keyboard.press('z');
  await expect(nb.cell(1).getByTestId('markdown-rendered').locator('h2')).toHaveText('Old title');

  const mark = await nb.eventCount();
  await nb.page.keyboard.press('ControlOrMeta+s');
  expect((await nb.reply('save', mark)).ok).toBe(true);
  const saved = shell.readNotebook() as { cells: SavedCell[] };
  expect(saved.cells.map((c) => [c.cell_type, c.source.join('')])).toEqual([
    ['markdown', '# Results'],
    ['markdown', '## Old title\ntext'],
    ['code', 'x'],
  ]);
});

test('a viewer’s Shift-Enter on the last cell adds no cell, not even on their own page', async ({
  notebook: host,
  browser,
}) => {
  shell = await startShell(notebook([codeCell('a', 'a = 1'), codeCell('b', 'b = 2')]));
  await host.open(shell.url);
  const viewerLink = await new HostSharing(host).createLink('viewer');
  const bob = await Guest.open(browser);
  guests.push(bob);
  await bob.join(viewerLink, 'Bob');
  await expect(bob.page.getByTestId('my-role')).toHaveText(/viewer/i);

  await bob.nb.cell(1).getByTestId('cell-prompt').click();
  await bob.page.keyboard.press('Shift+Enter');
  await expect(bob.nb.toasts.last()).toContainText('viewer');
  await bob.nb.editor(1).click();
  await bob.page.keyboard.press('Shift+Enter');
  await expect(bob.page.getByTestId('notebook')).toHaveAttribute('data-mode', 'command');
  await expect(bob.nb.cell(1)).toHaveAttribute('data-active', 'true');
  await expect(bob.nb.cells).toHaveCount(2);
  await expect(host.cells).toHaveCount(2);
  const ids = await bob.nb.cells.evaluateAll((cs) =>
    cs.map((c) => (c as HTMLElement).dataset.cellId),
  );
  expect(ids).toEqual(['a', 'b']);

  // Hiding an input is a view of the notebook: a viewer may, on their own page only.
  await bob.nb.cell(0).getByTestId('input-collapser').click();
  await expect(bob.nb.cell(0).getByTestId('input-hidden')).toHaveText(/a = 1/);
  await expect(host.cell(0).locator('.cell-input')).toBeVisible();
  await expect(host.cell(0).getByTestId('input-hidden')).toBeHidden();
});

test('Shift-L shows line numbers in every cell of this page only, and the page remembers it', async ({
  notebook: nb,
  browser,
}) => {
  shell = await startShell(
    notebook([codeCell('a', 'a = 1\nb = 2'), markdownCell('m', '# Title'), codeCell('c', 'c = 3')]),
  );
  await nb.open(shell.url);
  const other = await browser.newContext();
  const grace = new NotebookPage(await other.newPage());
  await grace.open(shell.url);
  const numbers = (page: NotebookPage, i: number) =>
    page.cell(i).locator('.cm-lineNumbers .cm-gutterElement:not([style*="visibility"])');

  await expect(nb.editor(0)).toBeVisible();
  await expect(nb.cell(0).locator('.cm-lineNumbers')).toHaveCount(0);
  await nb.cell(0).getByTestId('cell-prompt').click();
  await nb.page.keyboard.press('Shift+l');
  await expect(numbers(nb, 0)).toHaveText(['1', '2']);
  await expect(numbers(nb, 2)).toHaveText(['1']);
  // A markdown cell being edited shows them too.
  await nb.editMarkdownCell(1);
  await expect(numbers(nb, 1)).toHaveText(['1']);
  await nb.commandMode();
  await nb.page.screenshot({ path: '/tmp/pw-keys-line-numbers.png' });

  // Not shared: another page of the same notebook shows none.
  await expect(grace.editor(0)).toBeVisible();
  await expect(grace.cell(0).locator('.cm-lineNumbers')).toHaveCount(0);
  await other.close();

  // Kept across a reload, and Shift-L again hides them.
  await nb.open(shell.url);
  await expect(numbers(nb, 0)).toHaveText(['1', '2']);
  await nb.cell(0).getByTestId('cell-prompt').click();
  await nb.page.keyboard.press('Shift+l');
  await expect(nb.cell(0).locator('.cm-lineNumbers')).toHaveCount(0);
});

test('hides a cell’s input or outputs with the bar beside them, in JupyterLab’s metadata keys, for everyone', async ({
  notebook: nb,
  browser,
}) => {
  const meta = (cell: JsonObject, metadata: JsonObject) => ({ ...cell, metadata });
  shell = await startShell(
    notebook([
      meta(codeCell('a', 'secret = 42\nprint(secret)', [stream('42\n')], 1), {
        jupyter: { source_hidden: true },
      }),
      meta(codeCell('b', 'print("b")', [stream('b\n'), stream('more\n')], 2), { collapsed: true }),
      meta(codeCell('c', 'print("c")', [stream('c\n')], 3), { jupyter: { outputs_hidden: true } }),
      codeCell('d', 'print("d")', [stream('d\n')], 4),
    ]),
  );
  await nb.open(shell.url);
  const other = await browser.newContext();
  const grace = new NotebookPage(await other.newPage());
  await grace.open(shell.url);

  // Loaded as the file says: JupyterLab's keys, `collapsed` and `jupyter.outputs_hidden` alike.
  for (const page of [nb, grace]) {
    await expect(page.cell(0).getByTestId('input-hidden')).toHaveText(/…\s+secret = 42$/);
    await expect(page.cell(0).locator('.cell-input')).toBeHidden();
    await expect(page.cell(0).getByTestId('output-stream')).toHaveText('42');
    await expect(page.cell(1).getByTestId('outputs-hidden')).toHaveText(/2 outputs hidden/);
    await expect(page.cell(1).getByTestId('output-stream').first()).toBeHidden();
    await expect(page.cell(2).getByTestId('outputs-hidden')).toBeVisible();
    await expect(page.cell(3).getByTestId('output-stream')).toBeVisible();
  }
  await nb.cell(0).getByTestId('cell-prompt').click();
  await nb.page.screenshot({ path: '/tmp/pw-keys-hidden-parts.png' });

  // "…" shows the input; the bar beside the outputs hides them; another page follows.
  await nb.cell(0).getByTestId('input-hidden').click();
  await expect(nb.cell(0).locator('.cell-input')).toBeVisible();
  await nb.cell(1).getByTestId('outputs-hidden').click();
  await expect(nb.cell(1).getByTestId('output-stream')).toHaveText(['b', 'more']);
  await nb.cell(3).getByTestId('output-collapser').click();
  await expect(nb.cell(3).getByTestId('outputs-hidden')).toHaveText(/1 output hidden/);
  await nb.cell(3).getByTestId('input-collapser').click();
  await expect(nb.cell(3).getByTestId('input-hidden')).toBeVisible();
  await expect(grace.cell(0).locator('.cell-input')).toBeVisible();
  await expect(grace.cell(1).getByTestId('output-stream')).toHaveText(['b', 'more']);
  await expect(grace.cell(3).getByTestId('outputs-hidden')).toBeVisible();
  await expect(grace.cell(3).getByTestId('input-hidden')).toHaveText(/print\("d"\)/);
  await other.close();

  // Enter edits a hidden input, showing it, as in JupyterLab.
  await nb.page.keyboard.press('Enter');
  await expect(nb.editor(3)).toBeFocused();
  await expect(nb.cell(3).getByTestId('input-hidden')).toBeHidden();
  await nb.commandMode();
  await nb.cell(3).getByTestId('input-collapser').click();

  const mark = await nb.eventCount();
  await nb.page.keyboard.press('ControlOrMeta+s');
  expect((await nb.reply('save', mark)).ok).toBe(true);
  const saved = shell.readNotebook() as { cells: SavedCell[] };
  expect(saved.cells.map((c) => c.metadata)).toEqual([
    {},
    {},
    { jupyter: { outputs_hidden: true } },
    { collapsed: true, jupyter: { outputs_hidden: true, source_hidden: true } },
  ]);

  // Loaded back as saved.
  await nb.open(shell.url);
  await expect(nb.cell(3).getByTestId('input-hidden')).toBeVisible();
  await expect(nb.cell(3).getByTestId('outputs-hidden')).toBeVisible();
  await expect(nb.cell(0).locator('.cell-input')).toBeVisible();
});

test('collapses the section under a heading with ← and the caret, for everyone; → expands it', async ({
  notebook: host,
  browser,
}) => {
  shell = await startShell(
    notebook([
      markdownCell('intro', '# Intro'),
      codeCell('i1', 'i = 1'),
      markdownCell('part', '## Part'),
      codeCell('p1', 'p = 1'),
      markdownCell('next', 'Next\n===='),
      codeCell('n1', 'n = 1'),
    ]),
  );
  await host.open(shell.url);
  const ids = ['intro', 'i1', 'part', 'p1', 'next', 'n1'];
  const shown = (page: NotebookPage) =>
    page.cells.evaluateAll((cs) =>
      cs
        .filter((c) => (c as HTMLElement).offsetParent)
        .map((c) => (c as HTMLElement).dataset.cellId),
    );
  const viewerLink = await new HostSharing(host).createLink('viewer');
  const bob = await Guest.open(browser);
  guests.push(bob);
  await bob.join(viewerLink, 'Bob');

  await host.cell(0).click({ position: { x: 400, y: 10 } });
  await host.page.keyboard.press('ArrowLeft');
  await expect.poll(() => shown(host)).toEqual(['intro', 'next', 'n1']);
  await expect(host.cell(0).getByTestId('hidden-cells')).toHaveText('3 cells hidden');
  await expect(host.cell(0).getByTestId('heading-toggle')).toHaveAttribute(
    'aria-expanded',
    'false',
  );
  await host.page.screenshot({ path: '/tmp/pw-keys-collapsed-heading.png' });
  // A guest sees the section collapsed too.
  await expect.poll(() => shown(bob.nb)).toEqual(['intro', 'next', 'n1']);

  // ↓ skips the hidden cells; → on a heading that is not collapsed goes to the next heading.
  await host.page.keyboard.press('ArrowDown');
  await expect(host.cell(4)).toHaveAttribute('data-active', 'true');
  await host.page.keyboard.press('ArrowLeft');
  await expect.poll(() => shown(host)).toEqual(['intro', 'next']);
  await host.page.keyboard.press('ArrowRight');
  await expect.poll(() => shown(host)).toEqual(['intro', 'next', 'n1']);

  // A viewer's caret changes their own page only.
  await bob.nb.cell(0).getByTestId('heading-toggle').click();
  await expect.poll(() => shown(bob.nb)).toEqual(ids);
  await expect.poll(() => shown(host)).toEqual(['intro', 'next', 'n1']);

  // The caret expands; "N cells hidden" too; the nested heading keeps its own state.
  await host.cell(0).click({ position: { x: 400, y: 10 } });
  await host.page.keyboard.press('j');
  await expect(host.cell(4)).toHaveAttribute('data-active', 'true');
  await host.cell(0).getByTestId('hidden-cells').click();
  await expect.poll(() => shown(host)).toEqual(ids);
  await host.cell(2).click({ position: { x: 400, y: 10 } });
  await host.page.keyboard.press('ArrowLeft');
  await expect.poll(() => shown(host)).toEqual(['intro', 'i1', 'part', 'next', 'n1']);
  await host.cell(0).getByTestId('heading-toggle').click();
  await expect.poll(() => shown(host)).toEqual(['intro', 'next', 'n1']);

  // Saved in JupyterLab 4's key, and loaded back collapsed.
  const mark = await host.eventCount();
  await host.page.keyboard.press('ControlOrMeta+s');
  expect((await host.reply('save', mark)).ok).toBe(true);
  const saved = shell.readNotebook() as { cells: SavedCell[] };
  expect(saved.cells.map((c) => c.metadata)).toEqual([
    { 'jp-MarkdownHeadingCollapsed': true },
    {},
    { 'jp-MarkdownHeadingCollapsed': true },
    {},
    {},
    {},
  ]);
  await host.open(shell.url);
  await expect.poll(() => shown(host)).toEqual(['intro', 'next', 'n1']);
  // Expanding the outer heading shows the inner one still collapsed.
  await host.cell(0).getByTestId('heading-toggle').click();
  await expect.poll(() => shown(host)).toEqual(['intro', 'i1', 'part', 'next', 'n1']);

  // B on a collapsed heading adds a cell in its section, which opens to show it.
  await host.cell(2).click({ position: { x: 400, y: 10 } });
  await host.page.keyboard.press('b');
  await expect(host.cells).toHaveCount(7);
  await expect(host.cell(3)).toHaveAttribute('data-active', 'true');
  await expect.poll(async () => (await shown(host)).length).toBe(7);
});

test('highlights code cells in the kernel’s language, and switches when the kernel changes', async ({
  notebook: nb,
  browser,
}) => {
  const r = notebook([
    codeCell('a', 'add <- function(x) x + 1L  # add one\nadd(TRUE)'),
    codeCell('b', 'x = "text"'),
  ]);
  r.metadata = {
    kernelspec: { display_name: 'R', language: 'R', name: 'ir' },
    language_info: { name: 'R' },
  };
  shell = await startShell(r);
  await nb.open(shell.url);
  const other = await browser.newContext();
  const grace = new NotebookPage(await other.newPage());
  await grace.open(shell.url);
  const language = (page: NotebookPage) => page.page.getByTestId('notebook');

  for (const page of [nb, grace]) {
    await expect(language(page)).toHaveAttribute('data-language', 'r');
    await expect(page.editor(0).locator('.tok-comment')).toHaveText('# add one');
    await expect(page.editor(0).locator('.tok-keyword')).toHaveText('function');
    await expect(page.editor(0).locator('.tok-atom')).toHaveText('TRUE');
  }

  // A kernel change writes kernelspec and language_info (host/session/notebook-kernel.ts): written
  // here as the host writes them, every page follows.
  const setKernel = (language: string) =>
    nb.page.evaluate((language) => {
      type YMap = { set(k: string, v: unknown): void; get(k: string): YMap };
      const doc = (
        window as unknown as {
          __pairbookTest: { doc: { getMap(n: string): YMap; transact(f: () => void): void } };
        }
      ).__pairbookTest.doc;
      const metadata = doc.getMap('meta').get('metadata');
      doc.transact(() => {
        metadata.set('kernelspec', { display_name: language, language, name: language });
        metadata.set('language_info', { name: language });
      });
    }, language);
  await setKernel('julia');
  for (const page of [nb, grace]) {
    await expect(language(page)).toHaveAttribute('data-language', 'julia');
    await expect(page.editor(0).locator('.tok-keyword')).toHaveText('function');
    await expect(page.editor(0).locator('.tok-atom')).toHaveCount(0);
    await expect(page.editor(1).locator('.tok-string')).toHaveText('"text"');
  }
  await setKernel('javascript');
  await expect(language(grace)).toHaveAttribute('data-language', 'javascript');
  await expect(grace.editor(0).locator('.tok-comment')).toHaveCount(0);
  // A language without a mode is plain text; Python is Python.
  await setKernel('bash');
  for (const page of [nb, grace]) {
    await expect(language(page)).toHaveAttribute('data-language', 'text');
    await expect(page.editor(1).locator('[class*="tok-"]')).toHaveCount(0);
  }
  await setKernel('python');
  await expect(language(grace)).toHaveAttribute('data-language', 'python');
  await expect(grace.editor(1).locator('.tok-string')).toHaveText('"text"');
  await expect(grace.editor(0).locator('.tok-comment')).toHaveText('# add one');
  await other.close();
});

test('switches the highlighting when the host picks a kernel of another language', async ({
  notebook: nb,
}) => {
  test.setTimeout(60_000);
  shell = await startShell(notebook([codeCell('a', 'f(x) = x + 1  # one more\nf(true)')]));
  await nb.open(shell.url);
  const language = nb.page.getByTestId('notebook');
  await expect(language).toHaveAttribute('data-language', 'python');
  await expect(nb.editor(0).locator('.tok-atom')).toHaveCount(0);

  await nb.kernelPicker.click();
  const mark = await nb.eventCount();
  await nb.kernelChoices.filter({ hasText: 'Julia-like' }).click();
  expect((await nb.reply('change-kernel', mark)).ok).toBe(true);
  await expect(nb.kernelPicker).toHaveText('Julia-like · Idle', { timeout: 30_000 });
  // The kernel said "julia" in its kernel_info: the host wrote it into language_info.
  await expect(language).toHaveAttribute('data-language', 'julia');
  await expect(nb.editor(0).locator('.tok-atom')).toHaveText('true');
  await expect(nb.editor(0).locator('.tok-comment')).toHaveText('# one more');
});
