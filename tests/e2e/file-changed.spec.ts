import { readFileSync, writeFileSync } from 'node:fs';
import { type Shell, startShell } from './support/shell';
import { expect, test } from './support/test';
import { codeCell, notebook } from './support/notebooks';
import { jupyterText } from './support/notebooks';

let shell: Shell | null = null;
test.afterEach(async ({ page }) => {
  // Close the page first: a page left open would log its reconnect attempts as errors.
  await page.close();
  await shell?.stop();
  shell = null;
});

test('asks the host what to do when the file changed on disk: overwrite it, or load it for everyone', async ({
  notebook: nb,
}) => {
  shell = await startShell(notebook([codeCell('a', 'x = 1')]));
  const path = shell.path;
  await nb.open(shell.url);

  // Someone else's editor writes the file; then this person edits and saves.
  writeFileSync(path, jupyterText(notebook([codeCell('a', 'x = 2  # theirs')])));
  await nb.editCodeCell(0);
  await nb.page.keyboard.type('  # mine');
  await nb.page.keyboard.press('ControlOrMeta+s');
  const dialog = nb.fileChangedDialog;
  await expect(dialog).toBeVisible();
  await expect(dialog.getByRole('heading')).toHaveText(
    'test.ipynb changed on disk since Pairbook read it',
  );
  await expect(dialog.getByTestId('file-changed-reload')).toContainText(
    'Replaces everything edited since the last save, for everyone',
  );
  await expect(nb.saveState).toHaveText('Save failed');
  await nb.page.screenshot({ path: test.info().outputPath('file-changed-dialog.png') });

  await dialog.getByTestId('file-changed-overwrite').click();
  await expect(nb.saveState).toHaveText('Saved');
  expect(readFileSync(path, 'utf8')).toContain('"x = 1  # mine"');
  await expect(nb.cell(0)).toContainText('x = 1  # mine');

  // Again, and this time the file on disk wins, for everyone.
  const theirs = jupyterText(notebook([codeCell('a', 'x = 3  # theirs again')]));
  writeFileSync(path, theirs);
  await nb.editCodeCell(0);
  await nb.page.keyboard.type('  # lost');
  await nb.page.keyboard.press('ControlOrMeta+s');
  await expect(dialog).toBeVisible();
  const mark = await nb.eventCount();
  await dialog.getByTestId('file-changed-reload').click();
  expect((await nb.reply('reload', mark)).ok).toBe(true);
  await expect(dialog).toBeHidden();
  await expect(nb.cell(0)).toContainText('x = 3  # theirs again');
  await expect(nb.cell(0)).not.toContainText('# lost');
  await expect(nb.saveState).toHaveText('Saved');
  await expect(nb.toasts.last()).toContainText('Loaded test.ipynb from disk');
  expect(readFileSync(path, 'utf8')).toBe(theirs);
});
