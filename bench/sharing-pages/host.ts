// The bench's handle on the host process (host-process.ts): starts it with a notebook, gets the
// invite link, and reads back what it traced while the guests typed.
import { type ChildProcess, fork } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { tempDir, writeNotebook } from '../../tests/helpers/notebooks';
import type { JsonObject } from '../../protocol/python-json';

const here = dirname(fileURLToPath(import.meta.url));

/** What the host process recorded between traceStart and traceStop; times on the shared clock. */
export interface HostTrace {
  /** When each document update reached the host's Y.Doc. */
  updates: number[];
  /** Event-loop gaps longer than 10 ms. */
  gaps: { at: number; ms: number }[];
  /** Garbage collections (kind: perf_hooks' NODE_PERFORMANCE_GC_* flag). */
  gcs: { at: number; ms: number; kind: number }[];
  /** Synchronous file-system calls longer than 3 ms (the journal's). */
  slowIo: { at: number; ms: number; call: string }[];
  /** perf_hooks.monitorEventLoopDelay over the traced time, ms. */
  loopDelayP99Ms: number;
  loopDelayMaxMs: number;
  /** CPU time of the host process (user + system, all threads), ms. */
  cpuMs: number;
  /** Time the event loop's thread was runnable but waited for a core (/proc schedstat), ms. */
  runQueueWaitMs: number;
  /** Data-channel sends (node-datachannel's sendMessageBinary, on the event loop): count, ms. */
  sends: number;
  sendMs: number;
  sendMaxMs: number;
}

/** Messages to the host process. */
export type HostCommand =
  | { type: 'start'; notebookPath: string; dataDir: string; shell: boolean }
  | { type: 'trace-start' }
  | { type: 'trace-stop' }
  | { type: 'stop' };

/** Messages from the host process. */
export type HostReply =
  | { type: 'ready'; link: string }
  | { type: 'failed'; message: string }
  | { type: 'trace'; trace: HostTrace };

/** A running host process. */
export interface BenchHost {
  /** The editor invite: `pairbook://` (hub only) or the browser shell's `http://…/join#…`. */
  link: string;
  traceStart(): void;
  traceStop(): Promise<HostTrace>;
  stop(): Promise<void>;
}

/**
 * Starts a host process for `notebook` (autosave on with the app's delay, as in real use);
 * `shell`: serve the renderer's /join page too and give its web link.
 */
export async function startHost(notebook: JsonObject, shell: boolean): Promise<BenchHost> {
  const child: ChildProcess = fork(join(here, 'host-process.ts'), [], {
    // BENCH_HOST_PROF=DIR: a CPU profile of the host process in DIR (node --cpu-prof).
    execArgv: [
      '--import',
      'tsx',
      ...(process.env.BENCH_HOST_PROF
        ? ['--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_HOST_PROF}`]
        : []),
    ],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const next = <T extends HostReply['type']>(type: T) =>
    new Promise<Extract<HostReply, { type: T }>>((resolve, reject) => {
      const onMessage = (m: HostReply) => {
        if (m.type === 'failed') reject(new Error(`bench host: ${m.message}`));
        else if (m.type === type) resolve(m as Extract<HostReply, { type: T }>);
        else return;
        child.off('message', onMessage);
        child.off('exit', onExit);
      };
      const onExit = (code: number | null) => reject(new Error(`bench host exited (${code})`));
      child.on('message', onMessage);
      child.once('exit', onExit);
    });
  const command = (c: HostCommand) => child.send(c);
  const ready = next('ready');
  command({ type: 'start', notebookPath: writeNotebook(notebook), dataDir: tempDir(), shell });
  const { link } = await ready;
  const exited = new Promise<void>((r) => child.once('exit', () => r()));
  return {
    link,
    traceStart: () => command({ type: 'trace-start' }),
    async traceStop() {
      const reply = next('trace');
      command({ type: 'trace-stop' });
      return (await reply).trace;
    },
    async stop() {
      if (child.exitCode !== null) return;
      command({ type: 'stop' });
      await exited;
    },
  };
}
