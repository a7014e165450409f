// `npm run bench -- complete`: a completion's round trip, from the guest asking to the list in its
// hands, through Pairbook's host (a runner's HubClient over a real WebRTC data channel to the hub,
// the session, the host's ipykernel over ZeroMQ) against JupyterLab's path (@jupyterlab/services'
// requestComplete over the WebSocket of Debian's jupyter_server to its ipykernel), in one run
// inside scripts/netns-run (the bench re-runs itself there). Both ask the same queries, in turn;
// drawing the list is the same CodeMirror work either way and is not timed. Ends with one JSON
// line; headline p50, ratio = ours / JupyterLab's. Goal (issue 14): ratio ≤ 1.0.
import { KernelManager, ServerConnection } from '@jupyterlab/services';
import { startLocalKernel } from '../host/session/kernel-choice';
import { startJupyterServer } from '../tests/helpers/jupyter-server';
import { sampleNotebook } from '../tests/helpers/notebooks';
import { ensureNetns, percentiles } from './sharing-pages/pages';

ensureNetns();
// Only inside the namespace: the harness refuses to load outside it.
const { joinGuest, startHost } = await import('../tests/integration/hub/harness');

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 200);
const WARMUP = 20;
/** What is typed before Tab: a module name, an attribute, a builtin, a name the kernel defined. */
const QUERIES = ['import o', 'os.pa', 'pri', 'collections.Ord', 'bench_va'];
const SETUP = 'import os, collections\nbench_value = 1';
/**
 * Between one Tab and the next: a quick typist's pace (the host allows a guest 10 requests a
 * second), the same for both.
 */
const INTERVAL_MS = 150;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

type Ask = (code: string) => Promise<string[]>;

/** Each side's round trips, the two asked in turn (so a busy moment of the machine hits both). */
async function timed(sides: Ask[]): Promise<number[][]> {
  const times: number[][] = sides.map(() => []);
  for (let i = 0; i < WARMUP + ROUNDS; i++) {
    const code = QUERIES[i % QUERIES.length] as string;
    for (const [s, ask] of sides.entries()) {
      const t0 = performance.now();
      const matches = await ask(code);
      const ms = performance.now() - t0;
      if (matches.length === 0) throw new Error(`no completions for ${JSON.stringify(code)}`);
      if (i >= WARMUP) times[s]!.push(ms);
      await sleep(INTERVAL_MS);
    }
  }
  return times;
}

/** A runner of a Pairbook host with its kernel, asking through the hub over WebRTC. */
async function pairbook(): Promise<{ ask: Ask; close: () => Promise<void> }> {
  const host = await startHost(sampleNotebook());
  await startLocalKernel(host.session);
  await host.session.execution?.kernel.execute(SETUP);
  const { link } = await host.hub.createInvite('runner', null);
  const guest = await joinGuest(link, { name: 'Rita' });
  return {
    ask: async (code) => {
      const reply = await guest.client.request({ type: 'complete', code, cursor: code.length });
      if (!reply.ok) throw new Error(`complete refused: ${reply.code}: ${reply.message}`);
      return reply.result?.kind === 'completions' ? reply.result.matches : [];
    },
    close: async () => {
      guest.client.destroy();
      guest.connection.destroy();
      await host.close();
    },
  };
}

/** JupyterLab's client of a kernel on jupyter_server. */
async function jupyterLab(): Promise<{ ask: Ask; close: () => Promise<void> }> {
  const server = await startJupyterServer();
  const manager = new KernelManager({
    serverSettings: ServerConnection.makeSettings({ baseUrl: server.baseUrl, token: server.token }),
  });
  await manager.ready;
  const kernel = await manager.startNew({ name: 'python3' });
  await kernel.requestExecute({ code: SETUP }).done;
  return {
    ask: async (code) => {
      const reply = await kernel.requestComplete({ code, cursor_pos: code.length });
      return reply.content.status === 'ok' ? reply.content.matches : [];
    },
    close: async () => {
      await kernel.shutdown();
      manager.dispose();
      await server.stop();
    },
  };
}

const sides = [await pairbook(), await jupyterLab()];
const [oursTimes, theirsTimes] = await timed(sides.map((s) => s.ask));
for (const side of sides) await side.close();
const ours = percentiles(oursTimes!);
const theirs = percentiles(theirsTimes!);
console.log(`pairbook: ${JSON.stringify(ours)}`);
console.log(`jupyterlab: ${JSON.stringify(theirs)}`);
console.log(
  JSON.stringify({
    bench: 'complete',
    pairbook: { complete_p50_ms: ours.p50_ms, complete_p99_ms: ours.p99_ms, ...ours },
    baseline: {
      name: 'JupyterLab: @jupyterlab/services requestComplete via jupyter_server',
      complete_p50_ms: theirs.p50_ms,
      complete_p99_ms: theirs.p99_ms,
      ...theirs,
    },
    ratio: Math.round((ours.p50_ms / theirs.p50_ms) * 100) / 100,
  }),
);
process.exit(0);
