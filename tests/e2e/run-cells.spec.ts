import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
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

test('interrupts a sleeping cell from the toolbar, and restarts the kernel once asked', async ({
  notebook: nb,
}) => {
  test.setTimeout(60_000);
  shell = await startShell(
    notebook([
      codeCell('set', 'x = 42'),
      codeCell('sleepy', "import time\nprint('sleeping', flush=True)\ntime.sleep(60)"),
      codeCell('show', 'print(x)'),
    ]),
    { kernel: true },
  );
  await nb.open(shell.url);
  const status = nb.page.getByTestId('kernel-status');
  await expect(status).toContainText('Idle', { timeout: 30_000 });
  await nb.cell(0).getByTestId('cell-run-button').click();
  await expect(nb.cell(0).getByTestId('cell-prompt')).toHaveText('[1]:');

  await nb.cell(1).getByTestId('cell-run-button').click();
  await expect(nb.cell(1).getByTestId('output-stream')).toHaveText('sleeping');
  await expect(nb.cell(1).getByTestId('cell-prompt')).toHaveText('[*]:');
  await expect(nb.cell(1).getByTestId('cell-last-run')).toContainText('Running for');
  await expect(status).toContainText('Busy');
  await nb.page.getByTestId('interrupt-button').click();
  await expect(nb.cell(1).getByTestId('output-error')).toContainText('KeyboardInterrupt');
  await expect(status).toContainText('Idle');

  // Restart asks first; Cancel keeps the kernel and its variables.
  await nb.page.getByTestId('restart-button').click();
  const dialog = nb.page.getByTestId('confirm-restart');
  await expect(dialog).toContainText('All variables are lost');
  await expect(nb.page.getByTestId('confirm-restart-cancel')).toBeFocused();
  await nb.page.screenshot({ path: test.info().outputPath('confirm-restart.png') });
  await nb.page.getByTestId('confirm-restart-cancel').click();
  await expect(dialog).toHaveCount(0);
  await nb.cell(2).getByTestId('cell-run-button').click();
  await expect(nb.cell(2).getByTestId('output-stream')).toHaveText('42');

  await nb.page.getByTestId('restart-button').click();
  const mark = await nb.eventCount();
  await nb.page.getByTestId('confirm-restart-confirm').click();
  expect((await nb.reply('restart', mark)).ok).toBe(true);
  await expect(status).toContainText('Idle');
  await nb.cell(2).getByTestId('cell-run-button').click();
  await expect(nb.cell(2).getByTestId('output-error')).toContainText('NameError');
  await expect(nb.cell(2).getByTestId('cell-prompt')).toHaveText('[1]:');
});

test('offers to interrupt again or restart when a cell ignores the interrupt', async ({
  notebook: nb,
}) => {
  test.setTimeout(60_000);
  shell = await startShell(
    notebook([
      codeCell(
        'stubborn',
        'import signal, time\nsignal.signal(signal.SIGINT, signal.SIG_IGN)\n' +
          "print('ignoring interrupts', flush=True)\ntime.sleep(120)",
      ),
    ]),
    { kernel: true },
  );
  await nb.open(shell.url);
  await expect(nb.page.getByTestId('kernel-status')).toContainText('Idle', { timeout: 30_000 });
  await nb.cell(0).getByTestId('cell-run-button').click();
  await expect(nb.cell(0).getByTestId('output-stream')).toHaveText('ignoring interrupts');
  await nb.page.getByTestId('interrupt-button').click();

  const toast = nb.page.getByTestId('toast').filter({ hasText: 'still running' });
  await expect(toast).toContainText('Cell 1 is still running after the interrupt', {
    timeout: 15_000,
  });
  await expect(nb.cell(0).getByTestId('cell-prompt')).toHaveText('[*]:');
  await nb.page.screenshot({ path: test.info().outputPath('still-running.png') });
  await toast.getByTestId('restart-instead').click();
  const mark = await nb.eventCount();
  await nb.page.getByTestId('confirm-restart-confirm').click();
  expect((await nb.reply('restart', mark)).ok).toBe(true);
  await expect(nb.cell(0).getByTestId('output-stream').last()).toContainText('did not finish');
  await expect(nb.cell(0).getByTestId('cell-prompt')).not.toHaveText('[*]:');
  await expect(toast).toHaveCount(0);
});

test('a queued cell edited since says its run is of the code as it was asked', async ({
  notebook: nb,
}) => {
  test.setTimeout(60_000);
  const gate = join(mkdtempSync(join(tmpdir(), 'pairbook-gate-')), 'open');
  shell = await startShell(
    notebook([
      codeCell(
        'gate',
        `import os, time\nwhile not os.path.exists(${JSON.stringify(gate)}): time.sleep(0.02)`,
      ),
      codeCell('target', "print('as asked')"),
    ]),
    { kernel: true },
  );
  await nb.open(shell.url);
  await expect(nb.page.getByTestId('kernel-status')).toContainText('Idle', { timeout: 30_000 });
  await nb.cell(0).getByTestId('cell-run-button').click();
  await nb.cell(1).getByTestId('cell-run-button').click();
  const footer = nb.cell(1).getByTestId('cell-last-run');
  await expect(footer).toContainText('Queued');
  await expect(footer).not.toContainText('edited since');
  await nb.cell(1).locator('.cm-content').click();
  await nb.page.keyboard.press('End');
  await nb.page.keyboard.type('  # edited');
  await expect(footer).toContainText('runs the code as it was when asked; edited since');
  await nb.page.screenshot({ path: test.info().outputPath('earlier-version.png') });
  writeFileSync(gate, '');
  await expect(nb.cell(1).getByTestId('output-stream')).toHaveText('as asked');
  await expect(footer).not.toContainText('edited since');
});

test('a run on a dead kernel is refused with the reason and offers a restart', async ({
  notebook: nb,
}) => {
  test.setTimeout(60_000);
  shell = await startShell(
    notebook([
      codeCell('die', 'import os, signal\nos.kill(os.getpid(), signal.SIGKILL)'),
      codeCell('hello', "print('back')"),
    ]),
    { kernel: true },
  );
  await nb.open(shell.url);
  await expect(nb.page.getByTestId('kernel-status')).toContainText('Idle', { timeout: 30_000 });
  await nb.cell(0).getByTestId('cell-run-button').click();
  await expect(nb.page.getByTestId('kernel-status')).toContainText('Dead', { timeout: 20_000 });
  const mark = await nb.eventCount();
  await nb.cell(1).getByTestId('cell-run-button').click();
  const refused = await nb.reply('run', mark);
  expect(refused).toMatchObject({ ok: false, code: 'kernel-dead' });
  const toast = nb.page.getByTestId('toast').filter({ hasText: 'the kernel died' });
  await expect(toast).toContainText('Cannot run: the kernel died — restart it to run cells');
  await toast.getByTestId('restart-dead').click();
  const restarting = await nb.eventCount();
  await nb.page.getByTestId('confirm-restart-confirm').click();
  expect((await nb.reply('restart', restarting)).ok).toBe(true);
  await expect(nb.page.getByTestId('kernel-status')).toContainText('Idle', { timeout: 30_000 });
  await nb.cell(1).getByTestId('cell-run-button').click();
  await expect(nb.cell(1).getByTestId('output-stream')).toHaveText('back');
});
