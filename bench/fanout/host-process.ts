// The host of the fanout bench, in a Node process of its own as in the app (so its CPU time and
// RSS are the host's alone; the guests run in other processes): a NotebookSession with the app's
// autosave, shared by a Hub with its embedded signaling server; a viewer invite for the class and
// an editor invite for the typist. Over Node's IPC channel: 'mark' collects garbage and starts a
// window (CPU, RSS peak, event-loop delay); 'measure' ends it. The event loop's largest delay is
// also kept over the whole run (joins and first syncs included).
import { readFileSync } from 'node:fs';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { Hub } from '../../host/hub/hub';
import { NotebookSession } from '../../host/session/notebook-session';
import { tempDir, writeNotebook } from '../../tests/helpers/notebooks';

/** Commands from the bench. */
export type FanoutHostCommand =
  { type: 'start'; notebook: string } | { type: 'mark' } | { type: 'measure' } | { type: 'stop' };

/** Replies to the bench. */
export type FanoutHostReply =
  | { type: 'ready'; viewer: string; editor: string; rss: number }
  /** RSS after garbage collection, at the window's start. */
  | { type: 'marked'; rss: number; guests: number }
  | {
      type: 'measured';
      /** CPU time (user + system, every thread: node-datachannel's too) over the window, ms. */
      cpuMs: number;
      wallMs: number;
      rss: number;
      rssPeak: number;
      heapUsed: number;
      guests: number;
      /** Event-loop delay over the window, and its largest over the whole run, ms. */
      loopP99Ms: number;
      loopMaxMs: number;
      runLoopMaxMs: number;
      /**
       * Time the event loop's thread was runnable but waiting for a core over the window, ms
       * (/proc schedstat; 0 on a kernel without it): the machine's share of any delay.
       */
      runQueueWaitMs: number;
      /** Guests that left during the window, by reason. */
      leaves: Record<string, number>;
    }
  | { type: 'failed'; message: string };

const send = (r: FanoutHostReply) => process.send?.(r);
const gc = (globalThis as { gc?: () => void }).gc ?? (() => {});
const ms = (ns: number) => Math.round(ns / 1e4) / 100;

let session: NotebookSession | null = null;
let hub: Hub | null = null;
const inWindow = monitorEventLoopDelay({ resolution: 5 });
const run = monitorEventLoopDelay({ resolution: 5 });
inWindow.enable();
run.enable();
let cpuAtMark = process.cpuUsage();
let waitAtMark = runQueueWaitNs();
let wallAtMark = performance.now();
let rssPeak = 0;
let leaves: Record<string, number> = {};
setInterval(() => (rssPeak = Math.max(rssPeak, process.memoryUsage.rss())), 20).unref();

/** ns the event loop's thread has waited for a core, runnable but not running (schedstat). */
function runQueueWaitNs(): number {
  try {
    const fields = readFileSync(`/proc/${process.pid}/task/${process.pid}/schedstat`, 'utf8');
    return Number(fields.split(' ')[1]);
  } catch {
    return 0;
  }
}

async function handle(m: FanoutHostCommand): Promise<FanoutHostReply | null> {
  switch (m.type) {
    case 'start': {
      session = await NotebookSession.open(writeNotebook(m.notebook), { dataDir: tempDir() });
      hub = new Hub(session);
      await hub.start();
      hub.on('leave', (_g, reason) => {
        const key = reason.slice(0, 60);
        leaves[key] = (leaves[key] ?? 0) + 1;
      });
      const viewer = (await hub.createInvite('viewer')).link;
      const editor = (await hub.createInvite('editor')).link;
      gc();
      return { type: 'ready', viewer, editor, rss: process.memoryUsage.rss() };
    }
    case 'mark': {
      gc();
      await new Promise((r) => setTimeout(r, 100));
      gc();
      const rss = process.memoryUsage.rss();
      rssPeak = rss;
      leaves = {};
      inWindow.reset();
      cpuAtMark = process.cpuUsage();
      waitAtMark = runQueueWaitNs();
      wallAtMark = performance.now();
      return { type: 'marked', rss, guests: hub?.guests().length ?? 0 };
    }
    case 'measure': {
      const cpu = process.cpuUsage(cpuAtMark);
      const rss = process.memoryUsage.rss();
      return {
        type: 'measured',
        cpuMs: (cpu.user + cpu.system) / 1000,
        wallMs: performance.now() - wallAtMark,
        rss,
        rssPeak: Math.max(rssPeak, rss),
        heapUsed: process.memoryUsage().heapUsed,
        guests: hub?.guests().length ?? 0,
        loopP99Ms: ms(inWindow.percentile(99)),
        loopMaxMs: ms(inWindow.max),
        runLoopMaxMs: ms(run.max),
        runQueueWaitMs: (runQueueWaitNs() - waitAtMark) / 1e6,
        leaves,
      };
    }
    case 'stop':
      await hub?.stop();
      await session?.close();
      // Let a CPU profile (--cpu-prof) be written on the way out.
      process.exit(0);
  }
}

process.on('message', (m: FanoutHostCommand) => {
  handle(m).then(
    (reply) => reply && send(reply),
    (e: unknown) => send({ type: 'failed', message: String((e as Error).stack ?? e) }),
  );
});
