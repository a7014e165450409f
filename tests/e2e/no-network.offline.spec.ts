// The "works with no network at all" test: run it inside a network namespace with loopback only,
//   PAIRBOOK_REQUIRE_NO_NETWORK=1 bash scripts/netns-run --no-network \
//     npx playwright test --project=no-network
// Where a network interface other than loopback exists it is skipped (or, with
// PAIRBOOK_REQUIRE_NO_NETWORK=1, fails): it never passes with a network.
import { networkInterfaces } from 'node:os';
import { type Shell, startShell } from './support/shell';
import { expect, test } from './support/test';
import { codeCell, notebook } from './support/notebooks';

let shell: Shell | null = null;
test.afterEach(async ({ page }) => {
  await page.close();
  await shell?.stop();
  shell = null;
});

test('opens, edits, runs and saves a notebook on a machine with no network at all', async ({
  notebook: nb,
}) => {
  test.setTimeout(60_000);
  const interfaces = Object.keys(networkInterfaces());
  const offline = interfaces.length === 1 && interfaces[0] === 'lo';
  const why = `network interfaces ${interfaces.join(', ')}: run inside scripts/netns-run --no-network`;
  if (process.env.PAIRBOOK_REQUIRE_NO_NETWORK === '1') expect(offline, why).toBe(true);
  test.skip(!offline, why);

  shell = await startShell(notebook([codeCell('offline', 'x = 20')]), { kernel: true });
  await nb.open(shell.url);
  await expect(nb.page.getByTestId('kernel-status')).toContainText('Idle', { timeout: 30_000 });

  await nb.editCodeCell(0);
  await nb.page.keyboard.type('\nprint(x + 22)');
  await expect.poll(() => nb.editorText(0)).toBe('x = 20\nprint(x + 22)');
  await nb.page.keyboard.press('Control+Enter');
  await expect(nb.cell(0).getByTestId('output-stream')).toHaveText('42');

  const mark = await nb.eventCount();
  await nb.page.keyboard.press('ControlOrMeta+s');
  expect((await nb.reply('save', mark)).ok).toBe(true);
  const saved = shell.readNotebook() as {
    cells: { source: string[]; outputs: { text: string[] }[] }[];
  };
  expect(saved.cells[0]?.source).toEqual(['x = 20\n', 'print(x + 22)']);
  expect(saved.cells[0]?.outputs[0]?.text).toEqual(['42\n']);
});
