// Screenshots of the notebook view, light and dark, from the real app: starts the browser shell
// on a temp copy of a fixture notebook, opens it in Debian's Chromium and writes
// docs/screenshots/notebook-{light,dark}.png; then, sharing over WebRTC inside the private network
// namespace (it re-runs itself in scripts/netns-run): share-dialog.png, join-dialog.png,
// three-person-session.png and follow-and-code.png.
//   node scripts/screenshots.mjs [NOTEBOOK.ipynb]
import { chromium } from '@playwright/test';
import { spawn, spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
// WebRTC needs a non-loopback interface: the namespace helper gives one that nothing leaves.
if (process.env.PAIRBOOK_NETNS !== '1') {
  const r = spawnSync(
    'bash',
    [
      join(root, 'scripts/netns-run'),
      process.execPath,
      fileURLToPath(import.meta.url),
      ...process.argv.slice(2),
    ],
    { stdio: 'inherit' },
  );
  process.exit(r.status ?? 1);
}
const fixture =
  process.argv[2] ??
  resolve(root, '../shared/fixtures/notebooks/real/04.01-Simple-Line-Plots.ipynb');
if (!existsSync(fixture)) {
  console.error(
    `screenshots: ${fixture} not found — pass a notebook: node scripts/screenshots.mjs FILE`,
  );
  process.exit(2);
}
const outDir = join(root, 'docs/screenshots');
mkdirSync(outDir, { recursive: true });

const build = spawnSync(
  process.execPath,
  [join(root, 'scripts/build-renderer.mjs'), '--if-stale'],
  {
    stdio: 'inherit',
  },
);
if (build.status !== 0) process.exit(1);

const tmp = mkdtempSync(join(tmpdir(), 'pairbook-shots-'));
const copy = join(tmp, basename(fixture));
copyFileSync(fixture, copy);
const server = spawn(
  process.execPath,
  [join(root, 'bin/pairbook.mjs'), 'serve', copy, '--no-kernel'],
  { cwd: root, env: { ...process.env, PAIRBOOK_DATA_DIR: join(tmp, 'data') } },
);
server.stderr.pipe(process.stderr);
const url = await new Promise((resolveUrl, reject) => {
  let out = '';
  server.stdout.on('data', (d) => {
    out += d;
    const m = /at (http:\/\/\S+)/.exec(out);
    if (m) resolveUrl(m[1]);
  });
  server.on('exit', (code) => reject(new Error(`pairbook serve exited with ${code}`)));
});

const browser = await chromium.launch({
  executablePath: process.env.PAIRBOOK_CHROMIUM ?? '/usr/bin/chromium',
  args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--no-first-run'],
});
try {
  for (const theme of ['light', 'dark']) {
    const page = await browser.newPage({
      viewport: { width: 1280, height: 860 },
      colorScheme: theme,
      deviceScaleFactor: 1,
    });
    await page.goto(`${url}&test=1`);
    await page.waitForFunction(() => window.__pairbookTest?.ready === true);
    // Show a code cell with its plot, selected: the second cell with an image output, after the
    // markdown cell that introduces it.
    // Cells far from the viewport are not built yet: scroll until the second plot is.
    await page.waitForFunction(() => {
      const image = document.querySelectorAll('[data-testid="output-image"]')[1];
      if (image) return true;
      document.querySelector('.notebook-scroll')?.scrollBy(0, 400);
      return false;
    });
    const index = await page.evaluate(() => {
      const image = document.querySelectorAll('[data-testid="output-image"]')[1];
      return [...document.querySelectorAll('[data-testid="cell"]')].findIndex((c) =>
        c.contains(image ?? null),
      );
    });
    await page.getByTestId('cell').nth(Math.max(0, index)).getByTestId('cell-prompt').click();
    await page.evaluate(() => document.fonts.ready);
    await page.evaluate(() =>
      Promise.all(
        [...document.images].filter((i) => !i.complete).map((i) => i.decode().catch(() => {})),
      ),
    );
    await page.evaluate(() => {
      const active = document.querySelector('.cell.active');
      const intro = active?.previousElementSibling ?? active;
      intro?.scrollIntoView({ block: 'start' });
      document.querySelector('.notebook-scroll')?.scrollBy(0, -12);
    });
    const file = join(outDir, `notebook-${theme}.png`);
    await page.screenshot({ path: file });
    console.log(`screenshots: ${file} (${Math.round(statSync(file).size / 1024)} kB)`);
    await page.close();
  }
  await sharingShots(browser, url);
} finally {
  await browser.close();
  server.kill('SIGINT');
  await new Promise((r) => server.on('exit', r));
  rmSync(tmp, { recursive: true, force: true });
}

/** Saves `page` as docs/screenshots/NAME.png. */
async function shot(page, name, options = {}) {
  await page.evaluate(() => document.fonts.ready);
  const file = join(outDir, `${name}.png`);
  await page.screenshot({ path: file, ...options });
  console.log(`screenshots: ${file} (${Math.round(statSync(file).size / 1024)} kB)`);
}

/** A page of its own (own storage) for a person called `name`. */
async function person(browser, name) {
  const context = await browser.newContext({
    viewport: { width: 1280, height: 860 },
    colorScheme: 'light',
    deviceScaleFactor: 1,
  });
  await context.addInitScript((n) => localStorage.setItem('pairbook:name', n), name);
  return context.newPage();
}

/** The Share dialog, the Join dialog and a session of three (from the host's window). */
async function sharingShots(browser, url) {
  const host = await person(browser, 'Grace');
  await host.goto(`${url}&test=1`);
  await host.waitForFunction(() => window.__pairbookTest?.ready === true);
  await host.getByTestId('share-button').click();
  const dialog = host.getByTestId('share-dialog');
  const createLink = async (role) => {
    const field = dialog.getByTestId('share-link');
    const before = (await field.isVisible()) ? await field.inputValue() : '';
    await dialog.getByTestId(`share-role-${role}`).click();
    await dialog.getByTestId('share-create').click();
    await host.waitForFunction((b) => {
      const v = document.querySelector('[data-testid="share-link"]')?.value;
      return v && v !== b;
    }, before);
    return field.inputValue();
  };
  await createLink('viewer');
  const editorLink = await createLink('editor');
  const runnerLink = await createLink('runner');
  await shot(host, 'share-dialog');
  await dialog.getByTestId('share-done').click();

  const guest = async (name, link) => {
    const page = await person(browser, name);
    const at = link.indexOf('#');
    await page.goto(`${link.slice(0, at)}?test=1${link.slice(at)}`);
    await page.getByTestId('join-dialog').waitFor();
    return page;
  };
  const ada = await guest('Ada', runnerLink);
  await ada.evaluate(() => {
    const field = document.querySelector('[data-testid="join-link"]');
    if (field) field.scrollTop = 0;
  });
  await shot(ada, 'join-dialog');
  await ada.getByTestId('join-submit').click();
  await ada.waitForFunction(() => window.__pairbookTest?.ready === true);
  const linus = await guest('Linus', editorLink);
  await linus.getByTestId('join-submit').click();
  await linus.waitForFunction(() => window.__pairbookTest?.ready === true);

  // Each puts their cursor in a different code cell near the top.
  const codeCells = async (page) => {
    const n = await page.getByTestId('cell').count();
    const out = [];
    for (let i = 0; i < n && out.length < 3; i++) {
      if ((await page.getByTestId('cell').nth(i).getAttribute('class'))?.includes('cell-code')) {
        out.push(i);
      }
    }
    return out;
  };
  const [c0 = 1, c1 = 2] = await codeCells(host);
  const typeIn = async (page, index, text, key = 'Control+End') => {
    const cell = page.getByTestId('cell').nth(index);
    await cell.scrollIntoViewIfNeeded();
    await cell.locator('.cell-input').click();
    await cell.getByTestId('cell-editor').click();
    await page.keyboard.press(key);
    await page.keyboard.type(text);
  };
  await typeIn(host, c0, '\n# tidy the axes');
  await typeIn(ada, c1, '\n# try a log scale');
  // Linus joins the host's cell, at its top: two people in one cell, each with their cursor.
  await typeIn(linus, c0, '# label this\n', 'Control+Home');
  await host.waitForFunction(() => document.querySelectorAll('.cm-ySelectionInfo').length >= 2);
  await host.evaluate((i) => {
    document.querySelectorAll('[data-testid="cell"]')[i]?.scrollIntoView({ block: 'start' });
    document.querySelector('.notebook-scroll')?.scrollBy(0, -60);
  }, c0);
  await host.waitForTimeout(300); // the participants list repaints on the next frame
  await host.evaluate(() => document.querySelectorAll('.toast').forEach((t) => t.remove()));
  await shot(host, 'three-person-session');

  // Linus follows Ada: her cell stays in his view; his code is beside his name.
  await linus
    .getByTestId('participant')
    .filter({ hasText: 'Ada' })
    .getByTestId('participant-follow')
    .click();
  await linus.getByTestId('follow-banner').waitFor();
  await linus.waitForTimeout(300);
  await linus.evaluate(() => document.querySelectorAll('.toast').forEach((t) => t.remove()));
  await shot(linus, 'follow-and-code');
  for (const p of [ada, linus, host]) await p.context().close();
}
