// `npm run bench -- editor`: the notebook editor in Chromium through the browser shell. For a
// generated 1000-cell 5 MB notebook, the largest corpus notebook (when present) and a 10-cell one:
// time from navigation to an editable first screen (a live CodeMirror view), to a fully searchable
// document (the whole Y.Doc synced; find searches it, not the DOM), median typing latency (key
// down to the next frame painted) and JS heap. Baseline: typing in the 10-cell notebook.
import { chromium } from '@playwright/test';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { generateNotebook } from './generate-notebook';

const KEYS_TYPED = 40;
const LARGEST = resolve(
  import.meta.dirname,
  '../../shared/fixtures/notebooks/real/05.11-K-Means.ipynb',
);

interface Measure {
  cells: number;
  editable_ms: number;
  searchable_ms: number;
  typing_median_ms: number;
  typing_p95_ms: number;
  js_heap_mb: number;
}

async function serve(path: string, dataDir: string): Promise<{ url: string; stop: () => void }> {
  const child = spawn(process.execPath, ['bin/pairbook.mjs', 'serve', path, '--no-kernel'], {
    env: { ...process.env, PAIRBOOK_DATA_DIR: dataDir },
  });
  const url = await new Promise<string>((ok, fail) => {
    let out = '';
    child.stdout.on('data', (d) => {
      out += String(d);
      const m = /at (http:\/\/\S+)/.exec(out);
      if (m) ok(m[1] as string);
    });
    child.on('exit', (code) => fail(new Error(`pairbook serve exited with ${code}`)));
  });
  return { url, stop: () => child.kill('SIGINT') };
}

async function measure(path: string, dir: string): Promise<Measure> {
  const shell = await serve(path, join(dir, 'data'));
  const browser = await chromium.launch({
    executablePath: process.env.PAIRBOOK_CHROMIUM ?? '/usr/bin/chromium',
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--no-first-run'],
  });
  try {
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    await page.goto(`${shell.url}&test=1`);
    const editable = await page.waitForFunction(
      () => document.querySelector('[data-testid="cell-editor"]') && performance.now(),
      null,
      { polling: 'raf', timeout: 120_000 },
    );
    const editableMs = (await editable.jsonValue()) as number;
    const searchableMs = await page.evaluate(() => {
      const events = (
        window as unknown as { __pairbookTest: { events: { type: string; at: number }[] } }
      ).__pairbookTest.events;
      return events.find((e) => e.type === 'synced')?.at ?? NaN;
    });
    const cells = await page.getByTestId('cell').count();
    await page.getByTestId('cell-editor').first().click();
    await page.evaluate(() => {
      const w = window as unknown as { __latencies: number[] };
      w.__latencies = [];
      document.addEventListener(
        'keydown',
        (e) => {
          const t0 = e.timeStamp;
          requestAnimationFrame(() =>
            setTimeout(() => w.__latencies.push(performance.now() - t0), 0),
          );
        },
        true,
      );
    });
    for (let i = 0; i < KEYS_TYPED; i++) await page.keyboard.type(i % 10 === 9 ? ' ' : 'x');
    await page.waitForFunction(
      (n) => (window as unknown as { __latencies: number[] }).__latencies.length >= n,
      KEYS_TYPED,
    );
    const latencies = (
      await page.evaluate(() => (window as unknown as { __latencies: number[] }).__latencies)
    ).sort((a, b) => a - b);
    const cdp = await page.context().newCDPSession(page);
    await cdp.send('HeapProfiler.collectGarbage');
    await cdp.send('Performance.enable');
    const { metrics } = await cdp.send('Performance.getMetrics');
    const heap = metrics.find((m) => m.name === 'JSHeapUsedSize')?.value ?? NaN;
    const round = (n: number) => Math.round(n * 10) / 10;
    return {
      cells,
      editable_ms: round(editableMs),
      searchable_ms: round(searchableMs),
      typing_median_ms: round(latencies[Math.floor(latencies.length / 2)] ?? NaN),
      typing_p95_ms: round(latencies[Math.floor(latencies.length * 0.95)] ?? NaN),
      js_heap_mb: round(heap / 1024 / 1024),
    };
  } finally {
    await browser.close();
    shell.stop();
  }
}

const build = spawnSync(process.execPath, ['scripts/build-renderer.mjs', '--if-stale'], {
  stdio: 'inherit',
});
if (build.status !== 0) process.exit(1);
const dir = mkdtempSync(join(tmpdir(), 'pairbook-bench-editor-'));
try {
  const big = join(dir, 'generated-1000.ipynb');
  writeFileSync(big, generateNotebook(1000, 5 * 1024 * 1024));
  const small = join(dir, 'generated-10.ipynb');
  writeFileSync(small, generateNotebook(10, 50 * 1024));
  const generated = await measure(big, dir);
  console.error('generated 1000 cells, 5 MB:', generated);
  const largest = existsSync(LARGEST) ? await measure(LARGEST, dir) : null;
  if (largest) console.error('largest fixture (05.11-K-Means.ipynb):', largest);
  else console.error(`largest fixture absent (${LARGEST}); skipped`);
  const baseline = await measure(small, dir);
  console.error('10 cells:', baseline);
  console.log(
    JSON.stringify({
      bench: 'editor',
      pairbook: {
        generated_5mb_editable_ms: generated.editable_ms,
        generated_5mb_searchable_ms: generated.searchable_ms,
        generated_5mb_typing_median_ms: generated.typing_median_ms,
        generated_5mb_typing_p95_ms: generated.typing_p95_ms,
        generated_5mb_js_heap_mb: generated.js_heap_mb,
        ...(largest
          ? {
              largest_fixture_editable_ms: largest.editable_ms,
              largest_fixture_searchable_ms: largest.searchable_ms,
              largest_fixture_typing_median_ms: largest.typing_median_ms,
              largest_fixture_js_heap_mb: largest.js_heap_mb,
            }
          : {}),
      },
      baseline: {
        name: 'the same editor on a 10-cell notebook',
        editable_ms: baseline.editable_ms,
        typing_median_ms: baseline.typing_median_ms,
        js_heap_mb: baseline.js_heap_mb,
      },
      ratio: Math.round((generated.typing_median_ms / baseline.typing_median_ms) * 100) / 100,
    }),
  );
} finally {
  rmSync(dir, { recursive: true, force: true });
}
process.exit(0);
