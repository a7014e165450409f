// `npm run bench -- fanout`: what a class costs the host. One typist and N watching guests (1, 10,
// 25, 50), every one running the renderer's own GuestConnection + HubClient over real WebRTC data
// channels (node-datachannel) in Node processes: the host in a process of its own (its CPU and
// RSS are the host's alone), the typist in another, the watchers spread over a few more (5 by
// default, filled in turn). The typist appends a character to cell 0 every 30 ms and moves its
// cursor (presence) with it; each watcher stamps when each character reached its document, on the
// machine's shared clock (performance.timeOrigin + performance.now(): sub-millisecond, one clock
// for every process). Reported per N: a key's time until every watcher's document has it (the
// headline) and until each watcher's, p50 / p99; the host's CPU per key (every thread of its
// process, over the typing) and per key per watcher; its RSS per guest (after GC, over the host
// before anyone joined); its event loop's delay. Baseline in the same run, after ours, with the
// same processes and N: y-webrtc 10.3.0's full mesh (ywebrtc-node.ts; y-webrtc's own signaling
// server on 127.0.0.1), where it connects at all (30 s per round); past the first N where it falls
// behind (p99 over 2 s), only whether it connects. Runs inside scripts/netns-run (it re-runs
// itself there). Ends with one JSON line; ratio = our p99 / y-webrtc's at the largest N where
// every y-webrtc peer synced and got every key. Goals (issue 16): p99 under 50 ms at 50 guests, host CPU per
// key per guest under 0.05 ms, host RSS per guest under 2 MB.
import { type ChildProcess, fork } from 'node:child_process';
import { loadavg } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { FanoutHostCommand, FanoutHostReply } from './fanout/host-process';
import type { GuestCommand, GuestReply } from './fanout/guest-process';
import { generateNotebook } from './generate-notebook';
import { ensureNetns, percentiles, startYWebrtcSignaling } from './sharing-pages/pages';

ensureNetns();

const here = dirname(fileURLToPath(import.meta.url));
/** Watching guests per round, cumulative: `BENCH_GUESTS=1,10,25,50` (default). */
const ROUNDS = (process.env.BENCH_GUESTS ?? '1,10,25,50').split(',').map(Number);
/** Processes the watchers are spread over (the typist has one more of its own). */
const PROCESSES = Number(process.env.BENCH_GUEST_PROCESSES ?? 5);
const KEYS = Number(process.env.BENCH_KEYS ?? 200);
const WARMUP = 20;
/** Time between keystrokes: a fast typist. */
const INTERVAL_MS = 30;
/** A key that has not reached a watcher this long after typing ended counts as lost. */
const ARRIVAL_TIMEOUT_MS = 10_000;
/** The host's idle CPU is measured over this long before each round's typing. */
const IDLE_MS = 1500;
/** Time y-webrtc is given per round to connect every peer to every other one. */
const MESH_TIMEOUT_MS = Number(process.env.BENCH_MESH_TIMEOUT_MS ?? 30_000);
/**
 * A mesh whose p99 to every watcher is past this, or that lost keys, did not keep up: at larger N
 * only whether it connects is measured, without typing (that would take minutes of the
 * machine's two cores and tell nothing more).
 */
const COLLAPSED_P99_MS = 2000;
/** `BENCH_BASELINE=0`: Pairbook only. */
const BASELINE = process.env.BENCH_BASELINE !== '0';
/** A small notebook (10 cells, 20 KB): what is measured is the keystroke, not the first sync. */
const NOTEBOOK = generateNotebook(10, 20 * 1024);
const MB = 1024 * 1024;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const round2 = (v: number) => Math.round(v * 100) / 100;
const round4 = (v: number) => Math.round(v * 10000) / 10000;
const load = () => loadavg().map((l) => round2(l));

/** A child process driven over IPC: `ask` sends a command and resolves with the reply of `type`. */
function child<C, R extends { type: string; message?: string }>(
  script: string,
  execArgv: string[] = [],
) {
  const proc: ChildProcess = fork(join(here, script), [], {
    execArgv: ['--import', 'tsx', ...execArgv],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const ask = <T extends R['type']>(command: C, type: T, timeoutMs = 120_000) =>
    new Promise<Extract<R, { type: T }>>((resolve, reject) => {
      const done = () => {
        clearTimeout(timer);
        proc.off('message', onMessage);
        proc.off('exit', onExit);
      };
      const timer = setTimeout(() => {
        done();
        reject(new Error(`${script}: no '${type}' within ${timeoutMs} ms`));
      }, timeoutMs);
      const onExit = (code: number | null) => {
        done();
        reject(new Error(`${script}: exited (${code}) before '${type}'`));
      };
      const onMessage = (m: R) => {
        if (m.type === 'failed') reject(new Error(`${script}: ${m.message}`));
        else if (m.type === type) resolve(m as Extract<R, { type: T }>);
        else return;
        done();
      };
      proc.on('message', onMessage);
      proc.once('exit', onExit);
      if (proc.connected) proc.send(command as object);
      else onExit(proc.exitCode);
    });
  proc.on('error', (e) => console.error(`${script}: ${e.message}`));
  const stop = async (command: C) => {
    if (proc.exitCode !== null || !proc.connected) return;
    proc.send(command as object);
    await new Promise((r) => {
      proc.once('exit', r);
      setTimeout(r, 10_000).unref();
    });
    proc.kill();
  };
  return { proc, ask, stop };
}

type Worker = ReturnType<typeof child<GuestCommand, GuestReply>>;
type Host = ReturnType<typeof child<FanoutHostCommand, FanoutHostReply>>;
const guestProcess = () => child<GuestCommand, GuestReply>('fanout/guest-process.ts');

/** Names of the guests to add to reach `n`, per worker process (filled in turn). */
function spread(from: number, to: number): string[][] {
  const names: string[][] = Array.from({ length: PROCESSES }, () => []);
  for (let i = from; i < to; i++) names[i % PROCESSES]!.push(`g${i}`);
  return names;
}

async function guestsCpuMs(processes: Worker[]): Promise<number> {
  const u = await Promise.all(processes.map((w) => w.ask({ type: 'usage' }, 'usage')));
  return u.reduce((s, x) => s + x.cpuMs, 0);
}

/**
 * One round: the watchers of `workers` watch, the typist types WARMUP + KEYS keys; each key's time
 * to every watcher. `host` (Pairbook) is measured over the typing, after an idle window.
 */
async function typeRound(typist: Worker, workers: Worker[], host: Host | null) {
  let idleMeasure: Extract<FanoutHostReply, { type: 'measured' }> | null = null;
  if (host) {
    await host.ask({ type: 'mark' }, 'marked');
    await sleep(IDLE_MS);
    idleMeasure = await host.ask({ type: 'measure' }, 'measured');
  }
  const marked = host ? await host.ask({ type: 'mark' }, 'marked') : null;
  const cpuBefore = await guestsCpuMs([typist, ...workers]);
  await Promise.all(workers.map((w) => w.ask({ type: 'watch' }, 'watching')));
  const keys = WARMUP + KEYS;
  const started = performance.now();
  const { stamps } = await typist.ask(
    { type: 'type', keys, intervalMs: INTERVAL_MS },
    'typed',
    keys * INTERVAL_MS + 60_000,
  );
  const typedMs = performance.now() - started;
  // Until every watcher has every key (or the timeout).
  let arrivals: number[][];
  const end = performance.now() + ARRIVAL_TIMEOUT_MS;
  for (;;) {
    const replies = await Promise.all(workers.map((w) => w.ask({ type: 'arrivals' }, 'arrivals')));
    arrivals = replies.flatMap((r) => r.arrivals);
    if (arrivals.every((a) => a.length >= keys) || performance.now() > end) break;
    await sleep(20);
  }
  const measured = host ? await host.ask({ type: 'measure' }, 'measured') : null;
  const guestsCpu = (await guestsCpuMs([typist, ...workers])) - cpuBefore;

  const perGuest: number[] = [];
  const toAll: number[] = [];
  let lost = 0;
  for (let k = WARMUP; k < keys; k++) {
    let last = 0;
    for (const a of arrivals) {
      const at = a[k];
      const ms = at === undefined ? ARRIVAL_TIMEOUT_MS : at - stamps[k]!;
      if (at === undefined) lost++;
      perGuest.push(ms);
      last = Math.max(last, ms);
    }
    toAll.push(last);
  }
  const n = arrivals.length;
  const result: Record<string, unknown> = {
    watchers: n,
    to_every_watcher: percentiles(toAll),
    to_each_watcher: percentiles(perGuest),
    keys_lost: lost,
    typing_rate_per_s: round2(keys / (typedMs / 1000)),
    guests_cpu_ms_per_key: round2(guestsCpu / keys),
  };
  if (measured && marked && idleMeasure) {
    const idlePerMs = idleMeasure.cpuMs / idleMeasure.wallMs;
    Object.assign(result, {
      host_cpu_ms_per_key: round2(measured.cpuMs / keys),
      host_cpu_ms_per_key_per_guest: round4(measured.cpuMs / keys / n),
      host_idle_cpu_ms_per_s: round2(idlePerMs * 1000),
      host_cpu_ms_per_key_over_idle: round2((measured.cpuMs - idlePerMs * measured.wallMs) / keys),
      host_rss_mb: round2(marked.rss / MB),
      host_rss_peak_mb: round2(measured.rssPeak / MB),
      host_heap_used_mb: round2(measured.heapUsed / MB),
      host_guests: measured.guests,
      host_loop_delay_p99_ms: measured.loopP99Ms,
      host_loop_delay_max_ms: measured.loopMaxMs,
      host_loop_delay_max_ms_idle: idleMeasure.loopMaxMs,
      host_waiting_for_a_core_ms_per_key: round2(measured.runQueueWaitMs / keys),
      host_dropped: measured.leaves,
    });
  }
  return result;
}

async function ours() {
  const host: Host = child<FanoutHostCommand, FanoutHostReply>(
    'fanout/host-process.ts',
    process.env.BENCH_HOST_PROFILE
      ? ['--expose-gc', '--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_HOST_PROFILE}`]
      : ['--expose-gc'],
  );
  const typist = guestProcess();
  const workers = Array.from({ length: PROCESSES }, guestProcess);
  const rounds: Record<string, Record<string, unknown>> = {};
  try {
    const ready = await host.ask({ type: 'start', notebook: NOTEBOOK }, 'ready');
    const rss0 = ready.rss;
    await typist.ask({ type: 'join-hub', link: ready.editor, names: ['Typist'] }, 'joined');
    let joined = 0;
    for (const n of ROUNDS) {
      const start = performance.now();
      const names = spread(joined, n);
      const joins = await Promise.all(
        workers.map((w, i) =>
          names[i]!.length
            ? w.ask({ type: 'join-hub', link: ready.viewer, names: names[i]! }, 'joined')
            : Promise.resolve({ ms: [] as number[] }),
        ),
      );
      joined = n;
      const joinsMs = performance.now() - start;
      const joinMs = joins.flatMap((j) => j.ms);
      const loadAt = load();
      const r = await typeRound(typist, workers, host);
      const rssMb = r.host_rss_mb as number;
      rounds[`guests_${n}`] = {
        ...r,
        host_rss_mb_per_guest: round2((rssMb - rss0 / MB) / (n + 1)),
        joins_ms: round2(joinsMs),
        join_p50_ms: percentiles(joinMs).p50_ms,
        load_average: loadAt,
      };
      console.error(`pairbook, ${n} watching: ${JSON.stringify(rounds[`guests_${n}`])}`);
    }
    const last = await host.ask({ type: 'measure' }, 'measured');
    return {
      rounds,
      host_rss_mb_before_guests: round2(rss0 / MB),
      runLoopMaxMs: last.runLoopMaxMs,
    };
  } finally {
    await Promise.all([typist, ...workers].map((w) => w.stop({ type: 'stop' })));
    await host.stop({ type: 'stop' });
  }
}

async function baseline() {
  const signaling = await startYWebrtcSignaling();
  const typist = guestProcess();
  const workers = Array.from({ length: PROCESSES }, guestProcess);
  const room = `bench-fanout-${Date.now()}`;
  const maxConns = Math.max(...ROUNDS) + 1;
  const rounds: Record<string, Record<string, unknown>> = {};
  const common = { type: 'join-ywebrtc' as const, signaling: signaling.url, room, maxConns };
  try {
    await typist.ask({ ...common, names: ['Typist'], notebook: NOTEBOOK }, 'joined');
    let length = (await typist.ask({ type: 'state' }, 'state')).lengths[0]!;
    let joined = 0;
    let collapsed: string | null = null;
    for (const n of ROUNDS) {
      const start = performance.now();
      const names = spread(joined, n);
      await Promise.all(
        workers.map((w, i) =>
          names[i]!.length ? w.ask({ ...common, names: names[i]! }, 'joined') : null,
        ),
      );
      joined = n;
      const active = workers.slice(0, Math.min(n, PROCESSES));
      // Until every peer is connected to every other one and holds the typist's text.
      let peers: number[] = [];
      let lengths: number[] = [];
      let closed = 0;
      let uncaught: string[] = [];
      const end = performance.now() + MESH_TIMEOUT_MS;
      for (;;) {
        const states = await Promise.all(
          [typist, ...active].map((w) => w.ask({ type: 'state' }, 'state')),
        );
        peers = states.flatMap((s) => s.peers);
        lengths = states.flatMap((s) => s.lengths);
        closed = states.reduce((s, x) => s + x.closed.reduce((a, b) => a + b, 0), 0);
        uncaught = states.flatMap((s) => s.uncaught);
        if (peers.every((p) => p >= n) && lengths.every((l) => l === length)) break;
        if (performance.now() > end) break;
        await sleep(100);
      }
      const fullMesh = peers.every((p) => p >= n);
      const synced = lengths.every((l) => l === length);
      const mesh = {
        full_mesh: fullMesh,
        mesh_ms: round2(performance.now() - start),
        peers_connected_min: Math.min(...peers),
        connections_closed: closed,
        // y-webrtc's own exceptions so far (see guest-process.ts), first 20 per process.
        uncaught_errors: uncaught.length,
        load_average: load(),
      };
      if (!synced) {
        rounds[`guests_${n}`] = {
          ...mesh,
          connected: false,
          synced_peers: lengths.filter((l) => l === length).length,
        };
        console.error(
          `y-webrtc, ${n} watching: did not connect ${JSON.stringify(rounds[`guests_${n}`])}`,
        );
        break;
      }
      if (collapsed) {
        // Whether it connects at all; typing into it would take minutes and tell nothing more.
        rounds[`guests_${n}`] = { ...mesh, connected: true, typing_not_run: collapsed };
        console.error(`y-webrtc, ${n} watching: ${JSON.stringify(rounds[`guests_${n}`])}`);
        continue;
      }
      const r = await typeRound(typist, workers, null);
      length += WARMUP + KEYS;
      rounds[`guests_${n}`] = { ...mesh, connected: true, ...r };
      console.error(`y-webrtc, ${n} watching: ${JSON.stringify(rounds[`guests_${n}`])}`);
      const p99 = (r.to_every_watcher as { p99_ms: number }).p99_ms;
      if (p99 > COLLAPSED_P99_MS || (r.keys_lost as number) > 0) {
        collapsed =
          `the mesh did not keep up with ${n} watching ` +
          `(p99 ${p99} ms, ${String(r.keys_lost)} keys lost)`;
      }
    }
    return rounds;
  } finally {
    await Promise.all([typist, ...workers].map((w) => w.stop({ type: 'stop' })));
    signaling.stop();
  }
}

async function main(): Promise<void> {
  const loadStart = load();
  const started = performance.now();
  const pb = await ours();
  const loadBetween = load();
  const theirs = BASELINE ? await baseline() : {};
  const loadEnd = load();

  type Round = { to_every_watcher: { p99_ms: number; p50_ms: number } };
  const largest = Math.max(...ROUNDS);
  const top = pb.rounds[`guests_${largest}`] as Round & {
    host_cpu_ms_per_key_per_guest: number;
    host_rss_mb_per_guest: number;
  };
  const comparable = ROUNDS.filter((n) => {
    const t = theirs[`guests_${n}`] as
      { connected?: boolean; full_mesh?: boolean; to_every_watcher?: unknown } | undefined;
    return t?.connected && t.full_mesh && t.to_every_watcher;
  });
  const at = comparable.at(-1);
  const ratio =
    at === undefined
      ? null
      : Number(
          (
            (pb.rounds[`guests_${at}`] as Round).to_every_watcher.p99_ms /
            (theirs[`guests_${at}`] as Round).to_every_watcher.p99_ms
          ).toPrecision(3),
        );
  const p99 = top.to_every_watcher.p99_ms;
  const cpu = top.host_cpu_ms_per_key_per_guest;
  const rss = top.host_rss_mb_per_guest;
  const result = {
    bench: 'fanout',
    pairbook: {
      measured:
        `1 typist + N watching guests (renderer's GuestConnection + HubClient, node-datachannel), ` +
        `host in its own process, guests in ${PROCESSES} processes + the typist's; ${KEYS} keys ` +
        `after ${WARMUP} warm-up, one every ${INTERVAL_MS} ms with a cursor move each; latency on ` +
        `performance.timeOrigin + performance.now() (one clock for all processes); ` +
        `to_every_watcher: until the last watcher's document has the key (headline)`,
      [`p99_ms_${largest}_guests`]: p99,
      host_cpu_ms_per_key_per_guest: cpu,
      host_rss_mb_per_guest: rss,
      host_loop_delay_max_ms_run: pb.runLoopMaxMs,
      goals: {
        [`p99_under_50_ms_at_${largest}`]: p99 < 50,
        host_cpu_per_key_per_guest_under_0_05_ms: cpu < 0.05,
        host_rss_per_guest_under_2_mb: rss < 2,
      },
      host_rss_mb_before_guests: pb.host_rss_mb_before_guests,
      ...pb.rounds,
    },
    baseline: {
      name:
        'y-webrtc 10.3.0 WebrtcProvider, full mesh (maxConns above N) of Node peers ' +
        '(node-datachannel via simple-peer wrtc), y-webrtc bin/server.js signaling on 127.0.0.1',
      ...theirs,
    },
    ratio,
    ratio_of:
      at === undefined
        ? 'none: y-webrtc never connected'
        : `p99 to every watcher, ${at} watching guests (the largest N where every y-webrtc peer ` +
          `synced and every key arrived; full mesh: ` +
          `${String((theirs[`guests_${at}`] as { full_mesh: boolean }).full_mesh)})`,
    load_average: { start: loadStart, after_pairbook: loadBetween, end: loadEnd },
    wall_s: Math.round((performance.now() - started) / 1000),
  };
  console.log(JSON.stringify(result));
}

main().then(
  () => process.exit(0),
  (e: unknown) => {
    console.error(e);
    process.exit(1);
  },
);
