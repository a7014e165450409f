// `npm run bench -- kernel`: execute round trip of `pass`, side by side with Debian's
// jupyter_client (bench/kernel_baseline.py) in the same run. Headline: a client's run request
// through the NotebookSession until that client's replica shows the run finished (outputs and
// counts in the shared document); also the bare ZmqKernel. Ends with one JSON line.
import { execFile } from 'node:child_process';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import type { ExecuteOptions, Kernel } from '../kernel-bridge/kernel';
import { findKernelSpec } from '../kernel-bridge/kernelspecs';
import { ZmqKernel } from '../kernel-bridge/zmq/zmq-kernel';
import { startLocalKernel } from '../host/session/kernel-choice';
import { NotebookSession } from '../host/session/notebook-session';
import { RUNTIME, runtimeOf, type CellRun } from '../protocol/runtime-state';
import type * as Y from 'yjs';
import { connectClient } from '../tests/helpers/session-client';
import { codeCell, notebook, tempDir, writeNotebook } from '../tests/helpers/notebooks';

/** Client run request → the client's replica shows the run ended, through a NotebookSession. */
async function measureSessionRoundTrips(iterations: number, warmup: number): Promise<number[]> {
  const path = writeNotebook(notebook([codeCell('c', ['pass'])]));
  const session = await NotebookSession.open(path, { dataDir: tempDir(), autosaveDelayMs: 0 });
  let client: ReturnType<typeof connectClient> | null = null;
  try {
    await startLocalKernel(session);
    client = connectClient(session, 'bench');
    await client.until((d) => d.getArray('cells').length === 1);
    const ended = (d: Y.Doc) =>
      (runtimeOf(d).get(RUNTIME.lastRuns) as Y.Map<CellRun> | undefined)?.get('c')?.endedAt ?? 0;
    const times: number[] = [];
    for (let i = 0; i < warmup + iterations; i++) {
      const before = ended(client.doc);
      const t0 = performance.now();
      void client.request({ type: 'run', cellIds: ['c'] });
      await client.until((d) => ended(d) > before);
      if (i >= warmup) times.push(performance.now() - t0);
      // endedAt has millisecond resolution: make the next run's end distinguishable.
      while (Date.now() <= ended(client.doc)) await new Promise((r) => setTimeout(r, 1));
    }
    return times;
  } finally {
    // The client's awareness ticks every few seconds until destroyed: it would keep the bench
    // process alive after its JSON line.
    client?.client.destroy();
    await session.close();
  }
}

/** Round trips after warm-up, in milliseconds. */
export interface RoundTrips {
  /** request sent → execute_reply and idle status both received (execute() resolved). */
  roundTripMs: number[];
  /** request sent → idle status received. */
  idleMs: number[];
}

/**
 * Runs `code` `warmup` times unmeasured, then `iterations` times measured, one at a time.
 * `onIopub` sees every IOPub message of the measured runs (e.g. to write outputs to a document,
 * inside the measured time).
 */
export async function measureRoundTrips(
  kernel: Kernel,
  options: {
    code?: string;
    iterations: number;
    warmup: number;
    onIopub?: ExecuteOptions['onIopub'];
  },
): Promise<RoundTrips> {
  const code = options.code ?? 'pass';
  const result: RoundTrips = { roundTripMs: [], idleMs: [] };
  for (let i = 0; i < options.warmup + options.iterations; i++) {
    let idleAt = 0;
    const t0 = performance.now();
    await kernel.execute(code, {
      onIopub: (msg) => {
        options.onIopub?.(msg);
        if (msg.header.msg_type === 'status' && msg.content.execution_state === 'idle')
          idleAt = performance.now();
      },
    });
    const t1 = performance.now();
    if (i < options.warmup) continue;
    result.roundTripMs.push(t1 - t0);
    result.idleMs.push(idleAt - t0);
  }
  return result;
}

/** p50, p95 and mean of `values`, rounded to microseconds. */
export function summarize(values: number[]): { p50_ms: number; p95_ms: number; mean_ms: number } {
  const sorted = [...values].sort((a, b) => a - b);
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;
  const round = (v: number) => Math.round(v * 1000) / 1000;
  const mean = values.reduce((a, b) => a + b, 0) / values.length;
  return { p50_ms: round(at(0.5)), p95_ms: round(at(0.95)), mean_ms: round(mean) };
}

async function main(): Promise<void> {
  const iterations = Number(process.env.BENCH_ITERATIONS ?? 300);
  const warmup = Number(process.env.BENCH_WARMUP ?? 50);
  const kernel = new ZmqKernel(await findKernelSpec('python3'));
  await kernel.start();
  let ours: RoundTrips;
  try {
    ours = await measureRoundTrips(kernel, { iterations, warmup });
  } finally {
    await kernel.shutdown();
  }
  const throughSession = await measureSessionRoundTrips(iterations, warmup);
  const script = fileURLToPath(new URL('./kernel_baseline.py', import.meta.url));
  const { stdout } = await promisify(execFile)('/usr/bin/python3', [
    script,
    String(iterations),
    String(warmup),
  ]);
  const theirs = JSON.parse(stdout.trim().split('\n').at(-1)!) as {
    name: string;
    round_trip_ms: number[];
    idle_ms: number[];
  };
  const pairbook = {
    ...summarize(throughSession),
    measured: 'client run request → outputs and run end in the client replica, via NotebookSession',
    bare_kernel: { ...summarize(ours.roundTripMs), idle: summarize(ours.idleMs) },
    iterations,
    warmup,
  };
  const baseline = {
    name: theirs.name,
    ...summarize(theirs.round_trip_ms),
    idle: summarize(theirs.idle_ms),
    iterations,
    warmup,
  };
  const ratio = Math.round((pairbook.p50_ms / baseline.p50_ms) * 1000) / 1000;
  console.log(JSON.stringify({ bench: 'kernel', pairbook, baseline, ratio }));
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) await main();
