// Node side of the sharing benches and the Chromium guest test: bundles page.ts with esbuild and
// serves it (and notebooks) from 127.0.0.1, launches Debian's Chromium, runs y-webrtc's own
// signaling server, and re-runs a bench inside scripts/netns-run (WebRTC needs a non-loopback
// interface; the private namespace gives one that no packet leaves).
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { readFileSync, readdirSync } from 'node:fs';
import { createServer } from 'node:http';
import { type AddressInfo, createServer as createNetServer } from 'node:net';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type Browser, type Page, chromium } from '@playwright/test';
import { build } from 'esbuild';
import { CHROMIUM_ARGS, CHROMIUM_PATH } from '../../chromium.config';
import type { PageApi } from './page';

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, '..', '..');

/** The tests' Chromium flags, and host candidates as IP addresses, not mDNS names. */
export const CHROMIUM_BENCH_ARGS = [
  ...CHROMIUM_ARGS,
  // A Node peer (node-datachannel) cannot resolve a browser's mDNS host candidates.
  '--disable-features=WebRtcHideLocalIpsWithMdns',
];

/**
 * If not yet inside the private network namespace, runs this same script there (with the same
 * Node flags) and exits with its status. Returns only when already inside.
 */
export function ensureNetns(): void {
  if (process.env.PAIRBOOK_NETNS === '1') return;
  const r = spawnSync(
    'bash',
    [
      join(root, 'scripts/netns-run'),
      process.execPath,
      ...process.execArgv,
      ...process.argv.slice(1),
    ],
    { stdio: 'inherit' },
  );
  process.exit(r.status ?? 1);
}

/** An HTTP server on 127.0.0.1 with the bench page at `/` and `files` at their paths. */
export async function startPageServer(files: Record<string, string | Uint8Array> = {}) {
  const bundle = await build({
    entryPoints: [join(here, 'page.ts')],
    bundle: true,
    format: 'esm',
    platform: 'browser',
    target: ['chrome120'],
    write: false,
    logLevel: 'warning',
  });
  const js = bundle.outputFiles[0]!.contents;
  const html =
    '<!doctype html><meta charset="utf-8"><script type="module" src="/page.js"></script>';
  const server = createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0]!;
    const body = path === '/' ? html : path === '/page.js' ? js : files[path];
    if (body === undefined) return void res.writeHead(404).end();
    const type =
      path === '/' ? 'text/html' : path.endsWith('.js') ? 'text/javascript' : 'application/json';
    res.writeHead(200, { 'content-type': type }).end(body);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
  return {
    url,
    /** Adds or replaces a served file. */
    put(path: string, body: string | Uint8Array) {
      files[path] = body;
    },
    close: () => new Promise<void>((r) => server.close(() => r())),
  };
}

/**
 * CPU time (user + system) so far of `browser`'s whole process tree (the browser, its renderers,
 * GPU and network service), ms, from /proc; 10 ms steps.
 */
export function chromiumCpuMs(browser: Browser): number {
  const root = browserPid.get(browser);
  if (root === undefined) return 0;
  const stats = new Map<number, { ppid: number; ticks: number }>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    let stat: string;
    try {
      stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
    } catch {
      continue; // the process ended meanwhile
    }
    // Fields after the command's closing parenthesis: state ppid … utime(14) stime(15).
    const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    stats.set(Number(entry), { ppid: Number(f[1]), ticks: Number(f[11]) + Number(f[12]) });
  }
  const inTree = (pid: number): boolean => {
    for (let p = pid, hops = 0; p > 1 && hops < 20; hops++) {
      if (p === root) return true;
      p = stats.get(p)?.ppid ?? 0;
    }
    return false;
  };
  let ticks = 0;
  for (const [pid, s] of stats) if (inTree(pid)) ticks += s.ticks;
  return ticks * 10; // USER_HZ is 100 on Linux
}

const browserPid = new WeakMap<Browser, number>();

/** Debian's Chromium, headless. */
export async function launchChromium(): Promise<Browser> {
  const before = new Set(readdirSync('/proc'));
  const browser = await chromium.launch({
    executablePath: CHROMIUM_PATH,
    args: CHROMIUM_BENCH_ARGS,
  });
  // Playwright does not tell the browser's pid: the new chromium process that is our child.
  for (const entry of readdirSync('/proc')) {
    if (before.has(entry) || !/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      if (ppid === process.pid && stat.includes('(chromium)'))
        browserPid.set(browser, Number(entry));
    } catch {
      // gone already
    }
  }
  return browser;
}

/**
 * A bench page in its own browser context (its own storage, so no BroadcastChannel reaches
 * another page), with `window.pb` ready.
 */
export async function openPage(browser: Browser, url: string): Promise<Page> {
  const context = await browser.newContext();
  const page = await context.newPage();
  page.on('pageerror', (e) => console.error(`page error: ${e.message}`));
  await page.goto(url);
  await page.waitForFunction(() => 'pb' in globalThis);
  return page;
}

/** Runs `f` with the page's PageApi (`f` is serialized: it may use only its arguments). */
export function inPage<A, R>(
  page: Page,
  f: (pb: PageApi, arg: A) => R | Promise<R>,
  arg?: A,
): Promise<R> {
  return page.evaluate(`(${f.toString()})(globalThis.pb, ${JSON.stringify(arg ?? null)})`);
}

async function freePort(): Promise<number> {
  const s = createNetServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  const { port } = s.address() as AddressInfo;
  await new Promise((r) => s.close(r));
  return port;
}

/**
 * y-webrtc's own signaling server (node_modules/y-webrtc/bin/server.js, as shipped). It listens
 * on every interface of PORT (it has no host option), so it is started only inside the private
 * namespace, where no interface reaches beyond the machine.
 */
export async function startYWebrtcSignaling(): Promise<{ url: string; stop: () => void }> {
  if (process.env.PAIRBOOK_NETNS !== '1') throw new Error('run inside scripts/netns-run');
  // The package's exports map hides bin/ and package.json: find it through its main entry.
  const main = createRequire(import.meta.url).resolve('y-webrtc');
  const script = join(
    main.slice(0, main.lastIndexOf('/node_modules/y-webrtc/') + 23),
    'bin/server.js',
  );
  const port = await freePort();
  const child: ChildProcess = spawn(process.execPath, [script], {
    env: { ...process.env, PORT: String(port) },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  await new Promise<void>((resolve, reject) => {
    child.once('exit', (code) => reject(new Error(`y-webrtc signaling exited (${code})`)));
    child.stdout?.on('data', (d: Buffer) => {
      if (d.toString().includes('Signaling server running')) resolve();
    });
  });
  return { url: `ws://127.0.0.1:${port}`, stop: () => child.kill() };
}

/** p50, p95, p99 (nearest rank), max and count of `values`, rounded to 0.01 ms. */
export function percentiles(values: number[]): {
  p50_ms: number;
  p95_ms: number;
  p99_ms: number;
  max_ms: number;
  n: number;
} {
  const s = [...values].sort((a, b) => a - b);
  const at = (q: number) => s[Math.min(s.length - 1, Math.max(0, Math.ceil(q * s.length) - 1))]!;
  const r = (v: number) => Math.round(v * 100) / 100;
  return {
    p50_ms: r(at(0.5)),
    p95_ms: r(at(0.95)),
    p99_ms: r(at(0.99)),
    max_ms: r(at(1)),
    n: s.length,
  };
}
