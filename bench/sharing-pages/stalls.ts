// Where a slow keystroke lost its time, from the typist's send times, each watcher's arrival
// times and the host's trace: before the host's document had it (the typist's page, the network,
// or the host's event loop on the way in), on the way out to every watcher at once (the host), or
// on the way to only some watchers (their pages, or Chromium's shared network service).
import type { HostTrace } from './host';

/** A keystroke latency (typist → watcher) past which a key counts as slow, ms. */
export const SLOW_KEY_MS = 25;

/** What slowed the slow keys, and what the host process did meanwhile. */
export interface StallReport {
  /** Keys whose slowest watcher took longer than SLOW_KEY_MS. */
  slowKeys: number;
  /** …of which the host's document got the key more than SLOW_KEY_MS/2 late. */
  lateAtHost: number;
  /** …of which every watcher got it late although the host had it in time (the relay). */
  lateFromHostToAll: number;
  /** …of which the host was in time and only some watchers late. */
  lateAtSomeWatchers: number;
  /** Host event-loop gaps over 10 ms while typing: count and the longest, ms. */
  hostGaps: number;
  hostLongestGapMs: number;
  /** Host garbage collections of 10 ms or more while typing, and the longest, ms. */
  hostLongGcs: number;
  hostLongestGcMs: number;
  /** Host synchronous file-system calls over 3 ms while typing, and the longest, ms. */
  hostSlowIo: number;
  hostLongestIoMs: number;
  hostLoopDelayP99Ms: number;
  /** Host CPU time per key (all threads), ms. */
  hostCpuMsPerKey: number;
  /** Time per key the host's event loop was ready to run but waited for a core, ms. */
  hostRunQueueWaitMsPerKey: number;
  /** Data-channel sends per key, their mean and longest time on the host's event loop, ms. */
  hostSendsPerKey: number;
  hostSendMeanMs: number;
  hostSendMaxMs: number;
}

const r1 = (v: number) => Math.round(v * 10) / 10;

/**
 * Classifies the keys `from` on: `sent[k]` the typist's time of key k, `arrived[w][k]` watcher
 * w's, `trace.updates[k]` the host's (one document update per key, as the typist sends them).
 */
export function explainStalls(
  sent: number[],
  arrived: number[][],
  trace: HostTrace,
  from: number,
): StallReport {
  const half = SLOW_KEY_MS / 2;
  let slowKeys = 0;
  let lateAtHost = 0;
  let lateFromHostToAll = 0;
  let lateAtSomeWatchers = 0;
  for (let k = from; k < sent.length; k++) {
    const times = arrived.map((a) => a[k]! - sent[k]!);
    if (Math.max(...times) <= SLOW_KEY_MS) continue;
    slowKeys++;
    const atHost = (trace.updates[k] ?? Infinity) - sent[k]!;
    if (atHost > half) lateAtHost++;
    else if (Math.min(...times) - atHost > half) lateFromHostToAll++;
    else lateAtSomeWatchers++;
  }
  const start = sent[from] ?? 0;
  const during = <T extends { at: number }>(xs: T[]) => xs.filter((x) => x.at >= start);
  const longest = (xs: { ms: number }[]) => r1(Math.max(0, ...xs.map((x) => x.ms)));
  const gaps = during(trace.gaps);
  const gcs = during(trace.gcs).filter((g) => g.ms >= 10);
  const io = during(trace.slowIo);
  return {
    slowKeys,
    lateAtHost,
    lateFromHostToAll,
    lateAtSomeWatchers,
    hostGaps: gaps.length,
    hostLongestGapMs: longest(gaps),
    hostLongGcs: gcs.length,
    hostLongestGcMs: longest(gcs),
    hostSlowIo: io.length,
    hostLongestIoMs: longest(io),
    hostLoopDelayP99Ms: r1(trace.loopDelayP99Ms),
    hostCpuMsPerKey: Math.round((trace.cpuMs / sent.length) * 100) / 100,
    hostRunQueueWaitMsPerKey: Math.round((trace.runQueueWaitMs / sent.length) * 100) / 100,
    hostSendsPerKey: r1(trace.sends / sent.length),
    hostSendMeanMs: Math.round((trace.sendMs / Math.max(1, trace.sends)) * 1000) / 1000,
    hostSendMaxMs: r1(trace.sendMaxMs),
  };
}
