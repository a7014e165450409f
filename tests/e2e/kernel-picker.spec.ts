import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type JupyterServer, startJupyterServer } from '../helpers/jupyter-server';
import type { NotebookPage } from './support/notebook-page';
import { type Shell, startShell } from './support/shell';
import { expect, test } from './support/test';
import { codeCell, notebook } from './support/notebooks';
import { Guest, HostSharing } from './support/sharing';

let shell: Shell | null = null;
let serverToStop: JupyterServer | null = null;
const guests: Guest[] = [];
// A second kernelspec, found through JUPYTER_PATH (the shell inherits this process's env): the
// same ipykernel, told apart by an environment variable its kernel.json sets.
const jupyterPath = mkdtempSync(join(tmpdir(), 'pairbook-kernels-'));
const previousJupyterPath = process.env.JUPYTER_PATH;

test.beforeAll(() => {
  mkdirSync(join(jupyterPath, 'kernels', 'pairbook-other'), { recursive: true });
  writeFileSync(
    join(jupyterPath, 'kernels', 'pairbook-other', 'kernel.json'),
    JSON.stringify({
      argv: ['/usr/bin/python3', '-m', 'ipykernel_launcher', '-f', '{connection_file}'],
      display_name: 'Other Python',
      language: 'python',
      env: { PAIRBOOK_KERNEL: 'the other kernel' },
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
  for (const g of guests.splice(0)) await g.close();
  // Close the page first: a page left open would log its reconnect attempts as errors.
  await page.close();
  await shell?.stop();
  shell = null;
  await serverToStop?.stop();
  serverToStop = null;
});

test('picks a kernel from the toolbar with the keyboard, runs a cell on it and saves the choice', async ({
  notebook: nb,
}) => {
  test.setTimeout(60_000);
  shell = await startShell(
    notebook([codeCell('which', "import os\nprint(os.environ.get('PAIRBOOK_KERNEL'))")]),
  );
  await nb.open(shell.url);
  await expect(nb.kernelPicker).toHaveText('No kernel — choose one');

  await nb.kernelPicker.focus();
  await nb.page.keyboard.press('ArrowDown');
  await expect(nb.kernelChoices).toHaveText([/Other Python/, /Python 3 \(ipykernel\)/]);
  await expect(nb.kernelChoices.first()).toBeFocused();
  await expect(
    nb.kernelChoices.filter({ has: nb.page.locator('[aria-checked="true"]') }),
  ).toHaveCount(0);
  await nb.page.screenshot({ path: test.info().outputPath('kernel-menu.png') });
  const mark = await nb.eventCount();
  await nb.page.keyboard.press('Enter');
  expect((await nb.reply('change-kernel', mark)).ok).toBe(true);
  await expect(nb.kernelPicker).toHaveText('Other Python · Idle', { timeout: 30_000 });
  await expect(nb.kernelPicker).toBeFocused();
  await nb.page.screenshot({ path: test.info().outputPath('kernel-idle.png') });

  await nb.cell(0).getByTestId('cell-run-button').click();
  await expect(nb.cell(0).getByTestId('output-stream')).toHaveText('the other kernel');

  await nb.kernelPicker.click();
  await expect(nb.kernelChoices.and(nb.page.locator('[aria-checked="true"]'))).toHaveText(
    /Other Python/,
  );
  await nb.page.keyboard.press('Escape');
  await expect(nb.page.getByTestId('kernel-menu')).toBeHidden();

  const saved = await nb.eventCount();
  await nb.page.keyboard.press('ControlOrMeta+s');
  expect((await nb.reply('save', saved)).ok).toBe(true);
  const metadata = shell.readNotebook().metadata as Record<string, unknown>;
  expect(metadata.kernelspec).toEqual({
    display_name: 'Other Python',
    language: 'python',
    name: 'pairbook-other',
  });
  expect(metadata.language_info).toMatchObject({ name: 'python' });
});

test('an editor sees the kernel but cannot change it, and is told why', async ({
  notebook: host,
  browser,
}) => {
  shell = await startShell(notebook([codeCell('a', 'x = 1')]));
  await host.open(shell.url);
  const link = await new HostSharing(host).createLink('editor');
  const ada = await Guest.open(browser);
  guests.push(ada);
  await ada.join(link, 'Ada');
  const picker = ada.nb.kernelPicker;
  await expect(picker).toBeDisabled();
  await expect(picker).toHaveText('No kernel');
  await expect(picker).toHaveAttribute(
    'title',
    /You are an editor: ask the host for the runner role to change the kernel/,
  );
  await ada.page.screenshot({ path: test.info().outputPath('kernel-picker-editor.png') });
});

// A notebook whose one cell prints the process its kernel runs under.
const whoRuns = notebook([codeCell('who', "import os\nprint('kernel parent', os.getppid())")]);

/** Starts a Jupyter server for this test (stopped after it). */
async function startServer(): Promise<{ server: JupyterServer; where: string; link: string }> {
  const started = await startJupyterServer();
  serverToStop = started;
  return {
    server: started,
    where: new URL(started.baseUrl).host,
    link: `${started.baseUrl}lab?token=${started.token}`,
  };
}

/** Runs whoRuns' cell and expects its kernel to be a child of process `pid`. */
async function expectRunUnder(nb: NotebookPage, pid: number): Promise<void> {
  await nb.cell(0).getByTestId('cell-run-button').click();
  await expect(nb.cell(0).getByTestId('output-stream')).toHaveText(`kernel parent ${pid}\n`);
}

test("runs cells on a Jupyter server's kernel, and the toolbar says where it runs", async ({
  notebook: nb,
}) => {
  test.setTimeout(90_000);
  const { server, where, link } = await startServer();
  shell = await startShell(whoRuns, { kernel: true, jupyterServer: link });
  await nb.open(shell.url);
  await expect(nb.kernelPicker).toHaveText(`Python 3 (ipykernel) on ${where} · Idle`, {
    timeout: 30_000,
  });
  expect(await server.kernelIds()).toHaveLength(1);
  await expectRunUnder(nb, server.pid);

  await nb.kernelPicker.click();
  await expect(nb.page.getByTestId('kernel-menu-title')).toHaveText(`Change kernel · on ${where}`);
  await expect(nb.kernelChoices.and(nb.page.locator('[aria-checked="true"]'))).toHaveText(
    /Python 3 \(ipykernel\)/,
  );
  await nb.page.screenshot({ path: test.info().outputPath('jupyter-server-kernel.png') });
  await nb.page.keyboard.press('Escape');
});

test('the host moves the kernel to a Jupyter server from the menu, and back to this computer', async ({
  notebook: nb,
}) => {
  test.setTimeout(90_000);
  const { server, where, link } = await startServer();
  shell = await startShell(whoRuns, { kernel: true });
  await nb.open(shell.url);
  await expect(nb.kernelPicker).toHaveText('Python 3 (ipykernel) · Idle', { timeout: 30_000 });

  await nb.kernelPicker.click();
  await nb.page.getByTestId('kernel-connect-server').click();
  const dialog = nb.page.getByTestId('jupyter-server-dialog');
  await expect(dialog).toBeVisible();
  await dialog.getByTestId('jupyter-server-url').fill(server.baseUrl);
  await dialog.getByTestId('jupyter-server-token').fill('not-the-token');
  await dialog.getByTestId('jupyter-server-connect').click();
  await expect(dialog.getByTestId('jupyter-server-error')).toHaveText(
    /could not list the kernels of the Jupyter server at .*check the URL, the token/,
  );
  await expect(nb.kernelPicker).toHaveText('Python 3 (ipykernel) · Idle');
  await nb.page.screenshot({ path: test.info().outputPath('jupyter-server-dialog.png') });

  await dialog.getByTestId('jupyter-server-token').fill('');
  await dialog.getByTestId('jupyter-server-url').fill(link);
  await dialog.getByTestId('jupyter-server-connect').click();
  await expect(dialog).toBeHidden({ timeout: 30_000 });
  await expect(nb.kernelPicker).toHaveText(`Python 3 (ipykernel) on ${where} · Idle`);
  await expectRunUnder(nb, server.pid);

  await nb.kernelPicker.click();
  await expect(nb.page.getByTestId('kernel-connect-server')).toHaveText(
    'Connect to another Jupyter server…',
  );
  await nb.page.screenshot({ path: test.info().outputPath('kernel-menu-server.png') });
  await nb.page.getByTestId('kernel-use-local').click();
  await expect(nb.kernelPicker).toHaveText('Python 3 (ipykernel) · Idle', { timeout: 30_000 });
  await expect.poll(() => server.kernelIds()).toEqual([]);

  // The server is offered again, without its token.
  await nb.kernelPicker.click();
  await nb.page.getByTestId('kernel-connect-server').click();
  await expect(dialog.getByTestId('jupyter-server-url')).toHaveValue(`${server.baseUrl}lab`);
  await expect(dialog.getByTestId('jupyter-server-token')).toBeFocused();
  expect(JSON.stringify(await nb.page.evaluate(() => ({ ...localStorage })))).not.toContain(
    server.token,
  );
});
