// `npm run bench -- startup`: how long `pairbook check` on a real notebook takes from the shell,
// start to exit, through bin/pairbook.mjs and the bundle in dist/cli (built first if stale), with
// its CPU time and peak memory. Baseline, in the same run: `node -e ''`, Node starting and doing
// nothing. Also measured for comparison: `pairbook --help`, and `check` started the way it was
// before the bundle (host/cli/main.ts through tsx's loader). Runs are interleaved; figures are
// medians, and the fastest run (the least disturbed on a busy machine). `BENCH_RUNS` (default 15)
// runs of each after 2 warm-ups, then up to 9 under GNU time for CPU and memory;
// `BENCH_NOTEBOOK` picks the notebook.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join, resolve } from 'node:path';

const ROOT = resolve(import.meta.dirname, '..');
const RUNS = Number(process.env.BENCH_RUNS ?? 15);
const WARMUP = 2;
const NOTEBOOK =
  process.env.BENCH_NOTEBOOK ??
  [
    resolve(ROOT, '../shared/fixtures/notebooks/real/04.01-Simple-Line-Plots.ipynb'),
    join(ROOT, 'tests/corpus/fixtures/executed.ipynb'),
  ].find((p) => existsSync(p))!;
const TIME = ['/usr/bin/time'].find((p) => existsSync(p)) ?? null;

const built = spawnSync(process.execPath, [join(ROOT, 'scripts/build-cli.mjs'), '--if-stale'], {
  stdio: 'inherit',
});
if (built.status !== 0) process.exit(1);

// The start path before the bundle: bin/pairbook.mjs as it was, registering tsx's loader.
const tsxBin = join(mkdtempSync(join(tmpdir(), 'pairbook-bench-startup-')), 'pairbook-tsx.mjs');
writeFileSync(
  tsxBin,
  [
    `import { register } from ${JSON.stringify(join(ROOT, 'node_modules/tsx/dist/esm/api/index.mjs'))};`,
    'register();',
    `const { main } = await import(${JSON.stringify(join(ROOT, 'host/cli/main.ts'))});`,
    'process.exit(await main(process.argv.slice(2)));',
  ].join('\n'),
);

const BIN = join(ROOT, 'bin/pairbook.mjs');
const COMMANDS = {
  baseline: ['-e', ''],
  check: [BIN, 'check', NOTEBOOK],
  help: [BIN, '--help'],
  check_via_tsx: [tsxBin, 'check', NOTEBOOK],
} satisfies Record<string, string[]>;
type Name = keyof typeof COMMANDS;

/** Wall time of one run, start to exit, in ms. */
function timeOnce(args: string[]): number {
  const t0 = performance.now();
  const r = spawnSync(process.execPath, args, { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
  const ms = performance.now() - t0;
  if (r.status !== 0) {
    throw new Error(`node ${args.join(' ')} exited with ${r.status}:\n${r.stdout}${r.stderr}`);
  }
  return ms;
}

/**
 * Peak resident memory (MB) and CPU time (user + system, ms) of one run, from GNU time; null
 * without /usr/bin/time. CPU time hardly depends on how busy the machine is; wall time does.
 */
function resourcesOnce(args: string[]): { mb: number; cpuMs: number } | null {
  if (!TIME) return null;
  const r = spawnSync(TIME, ['-f', '%M %U %S', process.execPath, ...args], {
    cwd: ROOT,
    encoding: 'utf8',
  });
  const [kb, user, sys] = (r.stderr.trim().split('\n').at(-1) ?? '').split(' ').map(Number);
  if (!Number.isFinite(kb) || !Number.isFinite(user) || !Number.isFinite(sys)) return null;
  return { mb: kb! / 1024, cpuMs: (user! + sys!) * 1000 };
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

const round = (x: number | null, digits = 1) =>
  x === null ? null : Math.round(x * 10 ** digits) / 10 ** digits;

const names = Object.keys(COMMANDS) as Name[];
const lists = () =>
  Object.fromEntries(names.map((n) => [n, [] as number[]])) as Record<Name, number[]>;
const times = lists();
const rss = lists();
const cpu = lists();
for (let i = 0; i < WARMUP + RUNS; i++) {
  for (const name of names) {
    const ms = timeOnce(COMMANDS[name]);
    if (i >= WARMUP) times[name].push(ms);
  }
}
for (let i = 0; i < Math.min(RUNS, 9); i++) {
  for (const name of names) {
    const r = resourcesOnce(COMMANDS[name]);
    if (r) {
      rss[name].push(r.mb);
      cpu[name].push(r.cpuMs);
    }
  }
}
const ms = (n: Name) => round(median(times[n]))!;
const minMs = (n: Name) => round(Math.min(...times[n]))!;
const mb = (n: Name) => (rss[n].length ? round(median(rss[n])) : null);
const cpuMs = (n: Name) => (cpu[n].length ? round(median(cpu[n]), 0) : null);

console.log(`notebook: ${basename(NOTEBOOK)}; ${RUNS} runs each (median), interleaved`);
for (const name of names) {
  const max = round(Math.max(...times[name]));
  console.log(
    `  ${name.padEnd(14)} ${ms(name)} ms (min ${minMs(name)}, max ${max})` +
      (mb(name) === null ? '' : `, CPU ${cpuMs(name)} ms, peak RSS ${mb(name)} MB`),
  );
}
console.log(
  JSON.stringify({
    bench: 'startup',
    pairbook: {
      check_ms: ms('check'),
      check_min_ms: minMs('check'),
      check_cpu_ms: cpuMs('check'),
      check_peak_rss_mb: mb('check'),
      help_ms: ms('help'),
      check_via_tsx_ms: ms('check_via_tsx'),
      check_via_tsx_cpu_ms: cpuMs('check_via_tsx'),
      check_via_tsx_peak_rss_mb: mb('check_via_tsx'),
      notebook: basename(NOTEBOOK),
    },
    baseline: {
      name: "node -e ''",
      ms: ms('baseline'),
      min_ms: minMs('baseline'),
      cpu_ms: cpuMs('baseline'),
      peak_rss_mb: mb('baseline'),
    },
    ratio: round(ms('check') / ms('baseline'), 2),
  }),
);
