// `npm run bench -- reach`: sharing across NATs, direct versus through a TURN relay, in one run,
// in the simulated internet of the NAT traversal tests (tests/helpers/sim-internet.ts; root,
// nftables and coturn). A host in Node behind one NAT shares a ~1 MB notebook; two guests
// (node-datachannel, the renderer's GuestConnection and HubClient) behind another join: join time
// (link opened → whole notebook), then keystroke latency from one guest to the other through
// the host, p50/p99. Direct: both NATs port-preserving (STUN). Relayed: the guests' NAT
// port-randomizing, so only TURN connects. The same machine runs both, so the relay costs only
// its own hops (the kernel here has no netem: no added delay). Ends with one JSON line; ratio =
// relayed / direct keystroke p99 (goal: 1.3 at most).
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { coturnMissing, startCoturn } from '../tests/helpers/coturn';
import {
  type SimInternet,
  VARIANTS,
  simInternetMissing,
  startSimInternet,
} from '../tests/helpers/sim-internet';
import { type Path, simPeer } from '../tests/integration/hub/sim-peer';
import { generateNotebook } from './generate-notebook';
import { percentiles } from './sharing-pages/pages';

const KEYS = Number(process.env.BENCH_KEYS ?? 200);
const WARMUP = 20;
/** Time between keystrokes: a fast typist. */
const INTERVAL_MS = 30;
const NOTEBOOK = generateNotebook(100, 1_000_000);
const SIGNALING_PORT = 4444;

const missing = simInternetMissing() ?? coturnMissing();
if (missing) {
  console.error(`bench reach: ${missing}`);
  process.exit(1);
}
// The host's and guests' processes run inside the simulated internet's namespaces.
process.env.PAIRBOOK_NETNS = '1';

const yWebrtcServer = (() => {
  const main = createRequire(import.meta.url).resolve('y-webrtc');
  return join(main.slice(0, main.lastIndexOf('/node_modules/y-webrtc/') + 23), 'bin/server.js');
})();

interface Round {
  join_ms: number;
  keystroke: ReturnType<typeof percentiles>;
  pairs: { typist: Path | null; watcher: Path | null; host: Path | null };
}

async function round(variant: keyof typeof VARIANTS): Promise<Round> {
  const sim: SimInternet = await startSimInternet(VARIANTS[variant]);
  try {
    const host = simPeer(sim, 'host', 'host');
    const typist = simPeer(sim, 'guest', 'guest');
    const watcher = simPeer(sim, 'guest', 'guest');
    const coturn = await startCoturn(sim);
    const signaling = sim.spawn('public', process.execPath, [yWebrtcServer], {
      env: { ...process.env, PORT: String(SIGNALING_PORT) },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    await new Promise<void>((resolve) =>
      signaling.stdout?.on('data', (d: Buffer) => {
        if (d.toString().includes('Signaling server running')) resolve();
      }),
    );
    const { link } = await host.call<{ link: string }>('start', {
      signaling: `ws://${sim.addresses.public}:${SIGNALING_PORT}`,
      ice: {
        stun: [`stun:${coturn.address}`],
        turn: { urls: [`turn:${coturn.address}?transport=udp`], secret: coturn.secret },
      },
      notebook: NOTEBOOK,
    });
    const { ms } = await typist.call<{ ms: number }>('join', { link });
    await watcher.call('join', { link });
    await watcher.call('watch');
    await typist.call('typeTimed', { count: KEYS + WARMUP, intervalMs: INTERVAL_MS });
    const sent = await typist.call<number[]>('times');
    const end = Date.now() + 10_000;
    let seen = await watcher.call<number[]>('times');
    while (seen.length < sent.length && Date.now() < end) {
      await new Promise((r) => setTimeout(r, 50));
      seen = await watcher.call<number[]>('times');
    }
    if (seen.length < sent.length) throw new Error(`${variant}: keystrokes lost`);
    const latencies = sent.slice(WARMUP).map((t, i) => (seen[i + WARMUP] as number) - t);
    const pairs = {
      typist: await typist.call<Path | null>('path'),
      watcher: await watcher.call<Path | null>('path'),
      host: await host.call<Path | null>('path'),
    };
    for (const p of [typist, watcher, host]) p.kill();
    await coturn.stop();
    return { join_ms: Math.round(ms), keystroke: percentiles(latencies), pairs };
  } finally {
    await sim.stop();
  }
}

const relayedPair = (p: Path | null) => p?.local === 'relay' || p?.remote === 'relay';
const direct = await round('cone');
const relayed = await round('guest-symmetric');
if (relayedPair(direct.pairs.typist) || !relayedPair(relayed.pairs.typist)) {
  console.error(
    'bench reach: the rounds did not take the paths meant',
    direct.pairs,
    relayed.pairs,
  );
  process.exit(1);
}
console.error(
  `direct:  join ${direct.join_ms} ms, keystroke p50 ${direct.keystroke.p50_ms} ms, ` +
    `p99 ${direct.keystroke.p99_ms} ms (${JSON.stringify(direct.pairs.typist)})\n` +
    `relayed: join ${relayed.join_ms} ms, keystroke p50 ${relayed.keystroke.p50_ms} ms, ` +
    `p99 ${relayed.keystroke.p99_ms} ms (${JSON.stringify(relayed.pairs.typist)})`,
);
console.log(
  JSON.stringify({
    bench: 'reach',
    pairbook: {
      direct_join_ms: direct.join_ms,
      relayed_join_ms: relayed.join_ms,
      direct_keystroke_p50_ms: direct.keystroke.p50_ms,
      direct_keystroke_p99_ms: direct.keystroke.p99_ms,
      relayed_keystroke_p50_ms: relayed.keystroke.p50_ms,
      relayed_keystroke_p99_ms: relayed.keystroke.p99_ms,
      keys: KEYS,
      notebook_bytes: NOTEBOOK.length,
      direct_pairs: direct.pairs,
      relayed_pairs: relayed.pairs,
    },
    baseline: { name: 'direct connection, same run', keystroke_p99_ms: direct.keystroke.p99_ms },
    ratio: Math.round((relayed.keystroke.p99_ms / direct.keystroke.p99_ms) * 100) / 100,
  }),
);
