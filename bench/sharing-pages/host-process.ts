// The host of the sharing benches, in a Node process of its own as in the app (Electron's main
// process holds the session and the hub; Playwright's driver and the bench's bookkeeping live
// elsewhere): a NotebookSession with a Hub, or with the browser shell (which serves the guests'
// /join page and runs the hub through its SharingController). Started by host.ts over Node's
// IPC channel; while asked, it records when each document update arrived, event-loop stalls,
// garbage collections and slow journal writes, on the shared clock, to tell where a delay was.
import { syncBuiltinESMExports } from 'node:module';
import fs from 'node:fs';
import { PerformanceObserver, monitorEventLoopDelay, performance } from 'node:perf_hooks';
import { BrowserShellServer } from '../../host/browser-shell/browser-shell-server';
import { ensureRendererBundle } from '../../host/browser-shell/renderer-bundle';
import { Hub } from '../../host/hub/hub';
import { DataChannelTransport } from '../../host/hub/transports/data-channel-transport';
import { NotebookSession } from '../../host/session/notebook-session';
import type { HostCommand, HostReply, HostTrace } from './host';

/** Event-loop gaps longer than this are recorded, ms. */
const GAP_MS = 10;
/** Synchronous file-system calls longer than this are recorded, ms. */
const SLOW_IO_MS = 3;

const clock = () => performance.timeOrigin + performance.now();
const send = (reply: HostReply) => process.send?.(reply);

let session: NotebookSession | null = null;
let hub: Hub | null = null;
let shell: BrowserShellServer | null = null;
let trace: HostTrace | null = null;

// The journal's synchronous writes are where a busy disk would block the event loop.
const fsObject = fs as unknown as Record<string, (...a: unknown[]) => unknown>;
for (const name of ['writeSync', 'fdatasyncSync', 'openSync', 'closeSync']) {
  const original = fsObject[name]!;
  fsObject[name] = (...args: unknown[]) => {
    const start = clock();
    try {
      return original(...args);
    } finally {
      const ms = clock() - start;
      if (trace && ms > SLOW_IO_MS) trace.slowIo.push({ at: start, ms, call: name });
    }
  };
}
syncBuiltinESMExports();

// node-datachannel sends synchronously on the calling thread (SCTP, DTLS and the UDP send):
// time DataChannelTransport's pump, which makes those calls (the binding's own methods are
// read-only).
const transportProto = DataChannelTransport.prototype as unknown as { pump: () => void };
const pump = transportProto.pump;
transportProto.pump = function (this: unknown) {
  const start = clock();
  try {
    pump.call(this);
  } finally {
    if (trace) {
      const ms = clock() - start;
      trace.sends++;
      trace.sendMs += ms;
      trace.sendMaxMs = Math.max(trace.sendMaxMs, ms);
    }
  }
};

let last = clock();
setInterval(() => {
  const now = clock();
  if (trace && now - last > GAP_MS) trace.gaps.push({ at: last, ms: now - last });
  last = now;
}, 2);
let cpuAtStart = process.cpuUsage();

/** ns the event loop's thread has waited for a core, runnable but not running (schedstat). */
function runQueueWaitNs(): number {
  try {
    const fields = fs.readFileSync(`/proc/${process.pid}/task/${process.pid}/schedstat`, 'utf8');
    return Number(fields.split(' ')[1]);
  } catch {
    return 0; // a kernel without schedstats
  }
}
let waitAtStart = runQueueWaitNs();
const delay = monitorEventLoopDelay({ resolution: 1 });
new PerformanceObserver((list) => {
  for (const e of list.getEntries()) {
    const kind = (e as unknown as { detail?: { kind?: number } }).detail?.kind ?? 0;
    trace?.gcs.push({ at: performance.timeOrigin + e.startTime, ms: e.duration, kind });
  }
}).observe({ entryTypes: ['gc'] });

async function start(command: Extract<HostCommand, { type: 'start' }>): Promise<string> {
  session = await NotebookSession.open(command.notebookPath, { dataDir: command.dataDir });
  session.doc.on('update', () => trace?.updates.push(clock()));
  if (command.shell) {
    shell = new BrowserShellServer(session, { distDir: ensureRendererBundle(), version: 'bench' });
    await shell.start();
    const invite = await shell.sharing
      .api()
      .createInvite({ role: 'editor', expiresInMinutes: null });
    if (!invite.ok || !invite.value.webLink)
      throw new Error(`no invite: ${JSON.stringify(invite)}`);
    return invite.value.webLink;
  }
  hub = new Hub(session);
  await hub.start();
  return (await hub.createInvite('editor')).link;
}

async function stop(): Promise<void> {
  await shell?.stop();
  await hub?.stop();
  await session?.close();
}

process.on('message', (command: HostCommand) => {
  if (command.type === 'start') {
    start(command).then(
      (link) => send({ type: 'ready', link }),
      (e: unknown) => send({ type: 'failed', message: String((e as Error).stack ?? e) }),
    );
  } else if (command.type === 'trace-start') {
    trace = {
      updates: [],
      gaps: [],
      gcs: [],
      slowIo: [],
      loopDelayP99Ms: 0,
      loopDelayMaxMs: 0,
      cpuMs: 0,
      runQueueWaitMs: 0,
      sends: 0,
      sendMs: 0,
      sendMaxMs: 0,
    };
    cpuAtStart = process.cpuUsage();
    waitAtStart = runQueueWaitNs();
    delay.reset();
    delay.enable();
  } else if (command.type === 'trace-stop') {
    delay.disable();
    const t = trace as HostTrace;
    t.loopDelayP99Ms = delay.percentile(99) / 1e6;
    t.loopDelayMaxMs = delay.max / 1e6;
    const cpu = process.cpuUsage(cpuAtStart);
    t.cpuMs = (cpu.user + cpu.system) / 1000;
    t.runQueueWaitMs = (runQueueWaitNs() - waitAtStart) / 1e6;
    trace = null;
    send({ type: 'trace', trace: t });
  } else if (command.type === 'stop') {
    stop().finally(() => process.exit(0));
  }
});
