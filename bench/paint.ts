// `npm run bench -- paint`: keystroke to painted remote editor. A person types into a cell's
// CodeMirror editor (real key events); the time until the character is painted in the same cell's
// editor in each of 1 and of 10 watching pages. Pairbook: every person is a browser guest on the
// renderer's real /join page (the whole app: GuestConnection, HubClient, NotebookView, the cell's
// y-codemirror.next editor), joined through the host's browser shell, whose hub runs in a Node
// process of its own. Baseline: y-webrtc 10.3.0's full mesh among pages showing the same cell in
// the renderer's same CodeMirror editor (y-codemirror.next). One Chromium, each page in its own
// browser context, inside scripts/netns-run (the bench re-runs itself there). Ends with one JSON
// line; ratio = Pairbook p99 / y-webrtc p99 with 10 watching pages.
import type { Browser, Page } from '@playwright/test';
import { build } from 'esbuild';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { codeCell, notebook } from '../tests/helpers/notebooks';
import { startHost } from './sharing-pages/host';
import type { PaintRecord } from './sharing-pages/paint-probe';
import {
  chromiumCpuMs,
  ensureNetns,
  inPage,
  launchChromium,
  openPage,
  percentiles,
  startPageServer,
  startYWebrtcSignaling,
} from './sharing-pages/pages';
import { explainStalls } from './sharing-pages/stalls';

ensureNetns();

/** Watching pages per round: `BENCH_WATCHERS=1,10` (default). */
const WATCHERS = (process.env.BENCH_WATCHERS ?? '1,10').split(',').map(Number);
/** Measured keys per round (`BENCH_KEYS`), after WARMUP keys. */
const KEYS = Number(process.env.BENCH_KEYS ?? 120);
const WARMUP = 20;
/**
 * Pause between keys (Playwright's keyboard.type delay; `BENCH_INTERVAL_MS`): 100 ms is a fast
 * typist (≈ 120 words a minute). The keystroke bench's 30 ms would have 11 full pages repaint 33
 * times a second, more than the 2 cores here can do for either side.
 */
const INTERVAL_MS = Number(process.env.BENCH_INTERVAL_MS ?? 100);
const NOTEBOOK = notebook([codeCell('c', ['x = 1\n', 'print(x)'])]);
/** The content element of a cell's editor, the same in the app and in the baseline page. */
const EDITOR = '[data-testid="cell-editor"]';
const JOIN_TIMEOUT_MS = 30_000;

const here = dirname(fileURLToPath(import.meta.url));

/** paint-probe.ts as a script that defines `globalThis.paintProbe` when evaluated. */
async function probeScript(): Promise<string> {
  const out = await build({
    entryPoints: [join(here, 'sharing-pages/paint-probe.ts')],
    bundle: true,
    format: 'iife',
    globalName: 'paintProbe',
    platform: 'browser',
    target: ['chrome120'],
    write: false,
    logLevel: 'warning',
  });
  // Playwright evaluates a string inside a function, so the IIFE's var is made global here;
  // evaluate is not subject to the app page's CSP, as a script tag would be.
  return `${out.outputFiles[0]!.text};globalThis.paintProbe = paintProbe;`;
}

/** A browser guest on the app's /join page, joined as `name`, its notebook on screen. */
async function joinPairbook(browser: Browser, link: string, name: string): Promise<Page> {
  const context = await browser.newContext();
  const page = await context.newPage();
  page.on('pageerror', (e) => console.error(`page error (${name}): ${e.message}`));
  const at = link.indexOf('#');
  await page.goto(`${link.slice(0, at)}?test=1${link.slice(at)}`);
  await page.getByTestId('join-name').fill(name);
  await page.getByTestId('join-submit').click();
  await page.waitForFunction(
    () => (globalThis as { __pairbookTest?: { ready: boolean } }).__pairbookTest?.ready === true,
    undefined,
    { timeout: JOIN_TIMEOUT_MS },
  );
  await page.locator(EDITOR).first().waitFor({ timeout: JOIN_TIMEOUT_MS });
  return page;
}

const record = (page: Page) => page.evaluate('globalThis.__paint') as Promise<PaintRecord>;

/** The typist types into its editor; per watcher, key → painted latencies. */
async function typeAndMeasure(browser: Browser, probe: string, typist: Page, watchers: Page[]) {
  for (const w of [typist, ...watchers]) await w.evaluate(probe);
  for (const w of watchers) {
    await w.evaluate(`paintProbe.installWatcherProbe(${JSON.stringify(EDITOR)})`);
  }
  await typist.locator(EDITOR).first().click();
  await typist.keyboard.press('Control+End');
  await typist.evaluate('paintProbe.installTypistProbe()');
  const count = WARMUP + KEYS;
  const text = Array.from({ length: count }, (_, i) => String.fromCharCode(97 + (i % 26)));
  const cpuBefore = chromiumCpuMs(browser);
  await typist.keyboard.type(text.join(''), { delay: INTERVAL_MS });
  const cpuMs = chromiumCpuMs(browser) - cpuBefore;
  const keys = (await record(typist)).times;
  if (keys.length !== count) throw new Error(`the typist's page saw ${keys.length} of ${count}`);
  const painted: number[][] = [];
  const inDom: number[][] = [];
  for (const w of watchers) {
    const end = Date.now() + 10_000;
    let got = await record(w);
    while (got.times.length < count) {
      if (Date.now() > end) throw new Error(`a watcher painted ${got.times.length} of ${count}`);
      await new Promise((r) => setTimeout(r, 50));
      got = await record(w);
    }
    painted.push(got.times);
    inDom.push(got.inDom);
  }
  const since = (arrivals: number[][]) =>
    arrivals.flatMap((a) => a.slice(WARMUP, count).map((t, i) => t - keys[WARMUP + i]!));
  const seconds = (keys[count - 1]! - keys[0]!) / 1000;
  return {
    keys,
    inDom,
    paint: percentiles(since(painted)),
    in_dom: percentiles(since(inDom)),
    keys_per_s: Math.round(((count - 1) / seconds) * 10) / 10,
    // All of Chromium's processes, per key; 2 cores give 2000 ms of CPU a second.
    chromium_cpu_ms_per_key: Math.round(cpuMs / count),
  };
}

async function ours(browser: Browser, probe: string, watchers: number) {
  const host = await startHost(NOTEBOOK, true);
  const opened: Page[] = [];
  try {
    for (let i = 0; i <= watchers; i++)
      opened.push(await joinPairbook(browser, host.link, `g${i}`));
    host.traceStart();
    const r = await typeAndMeasure(browser, probe, opened[0]!, opened.slice(1));
    const trace = await host.traceStop();
    return {
      ...r.paint,
      in_dom: r.in_dom,
      keys_per_s: r.keys_per_s,
      chromium_cpu_ms_per_key: r.chromium_cpu_ms_per_key,
      // Classified by when the character reached each page's DOM: the relay, not the page's frame.
      stalls: explainStalls(r.keys, r.inDom, trace, WARMUP),
    };
  } finally {
    for (const p of opened) await p.context().close();
    await host.stop();
  }
}

type Pages = Awaited<ReturnType<typeof startPageServer>>;

async function baseline(
  browser: Browser,
  probe: string,
  pages: Pages,
  signaling: string,
  watchers: number,
) {
  const room = `bench-paint-${watchers}-${Date.now()}`;
  const opened: Page[] = [];
  try {
    for (let i = 0; i <= watchers; i++) {
      const page = await openPage(browser, pages.url);
      opened.push(page);
      await inPage(page, (pb, a) => pb.joinYWebrtc(a.room, a.signaling, 1, a.nb), {
        room,
        signaling,
        nb: i === 0 ? '/paint.json' : undefined,
      });
    }
    const end = Date.now() + JOIN_TIMEOUT_MS;
    for (const [i, p] of opened.entries()) {
      if ((await inPage(p, (pb, ms) => pb.reached(ms), JOIN_TIMEOUT_MS)) === null) {
        throw new Error('a y-webrtc page never synced');
      }
      while ((await inPage(p, (pb) => pb.webrtcPeers())) < watchers) {
        if (Date.now() > end) throw new Error('the y-webrtc mesh never completed');
        await new Promise((r) => setTimeout(r, 50));
      }
      await inPage(p, (pb, name) => pb.mountEditor(name), `g${i}`);
    }
    const r = await typeAndMeasure(browser, probe, opened[0]!, opened.slice(1));
    return {
      ...r.paint,
      in_dom: r.in_dom,
      keys_per_s: r.keys_per_s,
      chromium_cpu_ms_per_key: r.chromium_cpu_ms_per_key,
    };
  } finally {
    for (const p of opened) await p.context().close();
  }
}

async function main(): Promise<void> {
  const probe = await probeScript();
  const pages = await startPageServer({ '/paint.json': JSON.stringify(NOTEBOOK) });
  const signaling = await startYWebrtcSignaling();
  const browser = await launchChromium();
  const pairbook: Record<string, Awaited<ReturnType<typeof ours>>> = {};
  const theirs: Record<string, Awaited<ReturnType<typeof baseline>>> = {};
  try {
    for (const n of WATCHERS) {
      pairbook[`watchers_${n}`] = await ours(browser, probe, n);
      console.error(`${n} watching: pairbook ${JSON.stringify(pairbook[`watchers_${n}`])}`);
      theirs[`watchers_${n}`] = await baseline(browser, probe, pages, signaling.url, n);
      console.error(`${n} watching: y-webrtc ${JSON.stringify(theirs[`watchers_${n}`])}`);
    }
  } finally {
    await browser.close();
    signaling.stop();
    await pages.close();
  }
  const ratio = (k: string, q: 'p50_ms' | 'p99_ms') =>
    Math.round((pairbook[k]![q] / theirs[k]![q]) * 100) / 100;
  const ratios = Object.fromEntries(
    Object.keys(pairbook).map((k) => [k, { p50: ratio(k, 'p50_ms'), p99: ratio(k, 'p99_ms') }]),
  );
  console.log(
    JSON.stringify({
      bench: 'paint',
      pairbook: {
        measured:
          `keydown in the typist's editor → the character painted in each watching page's ` +
          `editor (next frame after it reached the DOM), ${KEYS} keys after ${WARMUP} warm-up, ` +
          `${INTERVAL_MS} ms apart; guests on the app's /join page, the hub in its own Node process`,
        ...pairbook,
      },
      baseline: {
        name: "y-webrtc 10.3.0 WebrtcProvider, full mesh, the renderer's y-codemirror.next editor",
        ...theirs,
      },
      ratio: ratios.watchers_10?.p99 ?? null,
      ratio_of: 'p99 with 10 watching pages',
      ratios,
    }),
  );
  process.exit(0);
}

await main();
