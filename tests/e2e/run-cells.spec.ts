import { type Shell, startShell } from './support/shell';
import { expect, test } from './support/test';
import { codeCell, notebook } from './support/notebooks';

let shell: Shell | null = null;
test.afterEach(async ({ page }) => {
  // Close the page first: a page left open would log its reconnect attempts as errors.
  await page.close();
  await shell?.stop();
  shell = null;
});

test('runs cells on a real ipykernel and shows their stream, error, plot and table', async ({
  notebook: nb,
}) => {
  test.setTimeout(60_000);
  shell = await startShell(
    notebook([
      codeCell('hello', "print('hello from the kernel')"),
      codeCell('fail', '1/0'),
      codeCell(
        'plot',
        '%matplotlib inline\nimport matplotlib.pyplot as plt\n' +
          'plt.figure(figsize=(2, 2))\nplt.plot([1, 3, 2])\nplt.show()',
      ),
      codeCell('table', "import pandas as pd\npd.DataFrame({'x': [1, 2], 'y': [3, 4]})"),
    ]),
    { kernel: true },
  );
  await nb.open(shell.url);
  await expect(nb.page.getByTestId('kernel-status')).toContainText('Idle', { timeout: 30_000 });

  await nb.cell(0).getByTestId('cell-prompt').click();
  await nb.page.getByTestId('notebook').focus();
  for (let i = 0; i < 4; i++) await nb.page.keyboard.press('Shift+Enter');

  await expect(nb.cell(0).getByTestId('output-stream')).toHaveText('hello from the kernel');
  await expect(nb.cell(0).getByTestId('cell-prompt')).toHaveText('[1]:');
  await expect(nb.cell(1).getByTestId('output-error')).toContainText('ZeroDivisionError');
  // The queue stops at the error, as Jupyter does: run the rest again.
  await nb.cell(2).getByTestId('cell-prompt').click();
  await nb.page.keyboard.press('Shift+Enter');
  await nb.page.keyboard.press('Shift+Enter');
  await expect(nb.cell(2).getByTestId('output-image')).toHaveAttribute('data-mime', 'image/png', {
    timeout: 20_000,
  });
  await expect(nb.cell(3).getByTestId('output-html').locator('tbody tr')).toHaveCount(2);
  await expect(nb.cell(3).getByTestId('cell-last-run')).toContainText('by');
});

test('asks the person who ran a cell for input() and sends their answer to the kernel', async ({
  notebook: nb,
}) => {
  shell = await startShell(
    notebook([codeCell('ask', "name = input('Your name: ')\nprint('hi', name)")]),
    { kernel: true },
  );
  await nb.open(shell.url);
  await expect(nb.page.getByTestId('kernel-status')).toContainText('Idle', { timeout: 30_000 });
  await nb.cell(0).getByTestId('cell-run-button').click();
  const prompt = nb.page.getByTestId('input-prompt');
  await expect(prompt).toContainText('Your name:');
  await nb.page.getByTestId('input-prompt-field').fill('Ada');
  await nb.page.getByTestId('input-prompt-field').press('Enter');
  // The exchange stays in the outputs for everyone, as in JupyterLab, then the kernel's print.
  await expect(nb.cell(0).getByTestId('output-stream').first()).toContainText('Your name: Ada');
  await expect(nb.cell(0).getByTestId('output-stream').last()).toContainText('hi Ada');
  await expect(prompt).toHaveCount(0);
});
