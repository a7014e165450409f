// The host of the abuse bench, in a process of its own so that its RSS is the host's alone: a
// NotebookSession of the given notebook shared by a Hub with its embedded signaling server, and
// a viewer and an editor invite. It samples its RSS every 20 ms. Over Node's IPC channel:
// 'phase' collects garbage and starts a new peak from the RSS now; 'peak' reports it.
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { Hub } from '../../host/hub/hub';
import { NotebookSession } from '../../host/session/notebook-session';
import { tempDir, writeNotebook } from '../../tests/helpers/notebooks';

/** Commands from the bench. */
export type AbuseHostCommand =
  { type: 'start'; notebook: string } | { type: 'phase' } | { type: 'peak' } | { type: 'stop' };

/** Replies to the bench. */
export type AbuseHostReply =
  | {
      type: 'ready';
      /** The honest guests' links. */
      viewer: string;
      editor: string;
    }
  /** The attacker's own links, new each phase: joins on an invite whose guests are cut off for
   * abuse are spaced out, and one attack's cut-offs must not slow the next attack down. */
  | { type: 'phase'; rss: number; attackViewer: string; attackEditor: string }
  | {
      type: 'peak';
      rss: number;
      peak: number;
      /** Peaks of V8's heap in use and of memory outside it (buffers), over the phase. */
      heapPeak: number;
      externalPeak: number;
      guests: number;
      leaves: Record<string, number>;
      /** The host process's CPU time over the phase (user + system), ms. */
      cpuMs: number;
      /** Offers refused over the phase, by reason (the first 60 characters). */
      refused: Record<string, number>;
      /** Guests cut off for abuse over the phase, by bye code. */
      abuse: Record<string, number>;
      /** The host's event-loop delay over the phase, ms. */
      loopP99Ms: number;
      loopMaxMs: number;
    }
  | { type: 'failed'; message: string };

const send = (r: AbuseHostReply) => process.send?.(r);
let session: NotebookSession | null = null;
let hub: Hub | null = null;
let peak = 0;
let leaves: Record<string, number> = {};
let refused: Record<string, number> = {};
let abuse: Record<string, number> = {};
let cpuAtPhase = process.cpuUsage();
const loop = monitorEventLoopDelay({ resolution: 5 });
loop.enable();
let heapPeak = 0;
let externalPeak = 0;
setInterval(() => {
  const m = process.memoryUsage();
  peak = Math.max(peak, m.rss);
  heapPeak = Math.max(heapPeak, m.heapUsed);
  externalPeak = Math.max(externalPeak, m.external);
}, 20).unref();
const gc = (globalThis as { gc?: () => void }).gc ?? (() => {});

process.on('message', (m: AbuseHostCommand) => {
  void (async () => {
    try {
      if (m.type === 'start') {
        session = await NotebookSession.open(writeNotebook(m.notebook), {
          dataDir: tempDir(),
          autosaveDelayMs: 0,
        });
        hub = new Hub(session);
        await hub.start();
        hub.on('leave', (_g, reason) => {
          const key = reason.slice(0, 60);
          leaves[key] = (leaves[key] ?? 0) + 1;
        });
        hub.on('refused', (_w, reason) => {
          const key = reason.slice(0, 60);
          refused[key] = (refused[key] ?? 0) + 1;
        });
        hub.on('abuse', (_g, { code }) => (abuse[code] = (abuse[code] ?? 0) + 1));
        send({ type: 'ready', viewer: await link('viewer'), editor: await link('editor') });
      } else if (m.type === 'phase') {
        gc();
        await new Promise((r) => setTimeout(r, 200));
        gc();
        const rss = process.memoryUsage.rss();
        peak = rss;
        heapPeak = 0;
        externalPeak = 0;
        leaves = {};
        refused = {};
        abuse = {};
        cpuAtPhase = process.cpuUsage();
        loop.reset();
        send({
          type: 'phase',
          rss,
          attackViewer: await link('viewer'),
          attackEditor: await link('editor'),
        });
      } else if (m.type === 'peak') {
        const rss = process.memoryUsage.rss();
        send({
          type: 'peak',
          rss,
          peak: Math.max(peak, rss),
          heapPeak,
          externalPeak,
          guests: hub?.guests().length ?? 0,
          leaves,
          cpuMs: Math.round(cpuMs(process.cpuUsage(cpuAtPhase))),
          refused,
          abuse,
          loopP99Ms: Math.round(loop.percentile(99) / 1e4) / 100,
          loopMaxMs: Math.round(loop.max / 1e4) / 100,
        });
      } else if (m.type === 'stop') {
        await hub?.stop();
        await session?.close();
        process.exit(0);
      }
    } catch (e) {
      send({ type: 'failed', message: (e as Error).stack ?? String(e) });
    }
  })();
});

async function link(role: 'viewer' | 'editor'): Promise<string> {
  if (!hub) throw new Error('no hub yet');
  return (await hub.createInvite(role)).link;
}

function cpuMs(u: NodeJS.CpuUsage): number {
  return (u.user + u.system) / 1000;
}
