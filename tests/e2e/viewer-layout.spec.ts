// A viewer, and a guest keeping a read-only copy, read the notebook as wide as an editor does:
// markdown and outputs fill the cell's column, not a sliver of it.
import { type Shell, startShell } from './support/shell';
import { expect, test } from './support/test';
import { codeCell, display, markdownCell, notebook, stream } from './support/notebooks';
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

const PROSE =
  'A paragraph long enough to wrap over several lines in a normal notebook column, so that a ' +
  'squeezed column shows as one word per line and a normal one as a few long lines of text.';

const nb = notebook([
  markdownCell('intro', `# Results\n\n${PROSE}\n`),
  codeCell('run', 'print(text)', [stream(`${PROSE}\n`)], 1),
  codeCell(
    'table',
    'df',
    [display({ 'text/html': `<p data-testid="html-para">${PROSE}</p>`, 'text/plain': 'x' })],
    2,
  ),
]);

/** Rendered widths of the markdown cell, the stream output and the HTML output, in px. */
async function widths(page: NotebookPage) {
  await expect(page.cell(2).getByTestId('output-html')).toBeVisible();
  const box = async (locator: ReturnType<NotebookPage['cell']>) =>
    Math.round((await locator.boundingBox())?.width ?? 0);
  return {
    markdown: await box(page.cell(0).getByTestId('markdown-rendered')),
    stream: await box(page.cell(1).getByTestId('output-stream')),
    html: await box(page.cell(2).getByTestId('output-html')),
  };
}

test('a viewer and a read-only copy show markdown and outputs as wide as an editor sees them', async ({
  notebook: host,
  browser,
}) => {
  shell = await startShell(nb);
  await host.open(shell.url);
  const sharing = new HostSharing(host);
  const editorLink = await sharing.createLink('editor');
  const viewerLink = await sharing.createLink('viewer');
  const ada = await Guest.open(browser);
  const bob = await Guest.open(browser);
  guests.push(ada, bob);
  await ada.join(editorLink, 'Ada');
  await bob.join(viewerLink, 'Bob');
  await expect(bob.page.getByTestId('my-role')).toHaveText(/viewer/i);

  const editor = await widths(ada.nb);
  expect(editor.markdown).toBeGreaterThan(400);
  expect(editor.stream).toBeGreaterThan(400);
  expect(editor.html).toBeGreaterThan(400);
  await bob.page.screenshot({ path: test.info().outputPath('viewer.png') });
  expect(await widths(bob.nb)).toEqual(editor);

  // The host stops sharing: Ada keeps a read-only copy, laid out as before.
  await host.page.getByTestId('share-button').click();
  await host.page.getByTestId('stop-sharing').click();
  await host.page.getByTestId('share-done').click();
  await expect(ada.page.getByTestId('my-role')).toHaveText('Read-only copy');
  expect(await widths(ada.nb)).toEqual(editor);
});
