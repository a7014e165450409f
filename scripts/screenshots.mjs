// Screenshots of the notebook view, light and dark, from the real app: starts the browser shell
// on a temp copy of a fixture notebook, opens it in Debian's Chromium and writes
// docs/screenshots/notebook-{light,dark}.png.
//   node scripts/screenshots.mjs [NOTEBOOK.ipynb]
import { chromium } from '@playwright/test';
import { spawn, spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
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
} finally {
  await browser.close();
  server.kill('SIGINT');
  await new Promise((r) => server.on('exit', r));
  rmSync(tmp, { recursive: true, force: true });
}
