import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { type Shell, startShell } from './support/shell';
import { expect, test } from './support/test';
import {
  RED_PNG,
  codeCell,
  display,
  error,
  markdownCell,
  notebook,
  stream,
} from './support/notebooks';

let shell: Shell | null = null;
test.afterEach(async ({ page }) => {
  // Close the page first: a page left open would log its reconnect attempts as errors.
  await page.close();
  await shell?.stop();
  shell = null;
});

test('shows every cell of a notebook with its stream, error, PNG and HTML table outputs', async ({
  notebook: nb,
}) => {
  shell = await startShell(
    notebook([
      markdownCell(
        'intro',
        '# Results\n\nEuler: $e^{i\\pi} + 1 = 0$\n\n| a | b |\n|---|---|\n| 1 | 2 |\n',
      ),
      codeCell('printing', "print('hello')", [stream('hello\n\u001b[31mred words\u001b[0m\n')], 1),
      codeCell(
        'failing',
        '1/0',
        [
          error('ZeroDivisionError', 'division by zero', [
            '\u001b[0;31mZeroDivisionError\u001b[0m: division by zero',
          ]),
        ],
        2,
      ),
      codeCell(
        'plotting',
        'plot()',
        [display({ 'image/png': RED_PNG, 'text/plain': '<Figure>' })],
        3,
      ),
      codeCell(
        'table',
        'df',
        [
          display({
            'text/html':
              '<table class="dataframe"><thead><tr><th>x</th></tr></thead><tbody><tr><td>42</td></tr></tbody></table>',
            'text/plain': 'df',
          }),
        ],
        4,
      ),
    ]),
  );
  await nb.open(shell.url);
  await expect(nb.cells).toHaveCount(5);
  await expect(nb.page.getByTestId('notebook-name')).toHaveText('test.ipynb');

  const intro = nb.cell(0).getByTestId('markdown-rendered');
  await expect(intro.locator('h1')).toHaveText('Results');
  await expect(intro.locator('.katex')).toHaveCount(1);
  await expect(intro.locator('table td')).toHaveText(['1', '2']);

  await expect(nb.cell(1).getByTestId('cell-prompt')).toHaveText('[1]:');
  await expect(nb.cell(1).getByTestId('output-stream')).toContainText('hello');
  await expect(nb.cell(1).locator('.ansi-red-fg')).toHaveText('red words');

  await expect(nb.cell(2).getByTestId('output-error')).toContainText(
    'ZeroDivisionError: division by zero',
  );

  const img = nb.cell(3).getByTestId('output-image');
  await expect(img).toHaveAttribute('data-mime', 'image/png');
  expect(await img.evaluate((i: HTMLImageElement) => i.complete && i.naturalWidth)).toBe(4);

  await expect(nb.cell(4).getByTestId('output-html').locator('td')).toHaveText('42');
});

const REAL = join(
  import.meta.dirname,
  '../../../shared/fixtures/notebooks/real/04.01-Simple-Line-Plots.ipynb',
);

test('opens a real notebook with plots from the corpus and shows its images', async ({
  notebook: nb,
}) => {
  test.skip(!existsSync(REAL), `the real-notebook corpus is not on this machine (${REAL})`);
  shell = await startShell(REAL);
  await nb.open(shell.url);
  expect(await nb.cells.count()).toBeGreaterThan(20);
  await expect(nb.page.getByTestId('output-image').first()).toBeVisible();
});
