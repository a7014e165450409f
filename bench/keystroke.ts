// `npm run bench -- keystroke`: propagation latency of a keystroke from a typing guest to 1 and to
// 10 watching guests, through the host's hub (star), side by side with y-webrtc's WebrtcProvider
// (direct mesh) with the same pages, in one run inside scripts/netns-run (the bench re-runs
// itself there); also payload bytes per keystroke on the wire, and where slow keys lost their
// time (the host runs in a process of its own and traces itself: sharing-pages/stalls.ts). Every guest is a Chromium page
// (its own browser context) in one Chromium. Ends with one JSON line.
import type { Browser, Page } from '@playwright/test';
import { codeCell, notebook } from '../tests/helpers/notebooks';
import { startHost } from './sharing-pages/host';
import {
  ensureNetns,
  inPage,
  launchChromium,
  openPage,
  percentiles,
  startPageServer,
  startYWebrtcSignaling,
} from './sharing-pages/pages';
import { explainStalls } from './sharing-pages/stalls';

ensureNetns();

/** Watching guests per round: `BENCH_WATCHERS=1,10` (default). */
const WATCHERS = (process.env.BENCH_WATCHERS ?? '1,10').split(',').map(Number);
const KEYS = Number(process.env.BENCH_KEYS ?? 200);
const WARMUP = 20;
/** Time between keystrokes: a fast typist. */
const INTERVAL_MS = 30;
const NOTEBOOK = notebook([codeCell('c', ['x = 1\n', 'print(x)'])]);

type Pages = Awaited<ReturnType<typeof startPageServer>>;

/** Typist types; returns latencies (every watcher × measured key) and bytes on the wire. */
async function typeAndMeasure(typist: Page, watchers: Page[], hubRelays: boolean) {
  const all = [typist, ...watchers];
  for (const w of watchers) await inPage(w, (pb) => pb.watch());
  const bytes = async () => {
    const b = await Promise.all(all.map((p) => inPage(p, (pb) => pb.wireBytes())));
    return {
      typistSent: b[0]!.sent,
      sent: b.reduce((s, x) => s + x.sent, 0),
      received: b.reduce((s, x) => s + x.received, 0),
    };
  };
  const before = await bytes();
  await inPage(typist, (pb, a) => pb.type(a.n, a.ms), { n: WARMUP + KEYS, ms: INTERVAL_MS });
  const sent = await inPage(typist, (pb) => pb.times());
  const latencies: number[] = [];
  for (const w of watchers) {
    const end = Date.now() + 10_000;
    let got = await inPage(w, (pb) => pb.times());
    while (got.length < sent.length) {
      if (Date.now() > end) throw new Error(`a watcher got ${got.length} of ${sent.length} keys`);
      await new Promise((r) => setTimeout(r, 50));
      got = await inPage(w, (pb) => pb.times());
    }
    for (let k = WARMUP; k < sent.length; k++) latencies.push(got[k]! - sent[k]!);
  }
  const after = await bytes();
  const keys = WARMUP + KEYS;
  const per = (v: number) => Math.round((v / keys) * 10) / 10;
  return {
    ...percentiles(latencies),
    bytes_per_key_typist_sent: per(after.typistSent - before.typistSent),
    // Star: every message is sent or received by a page (the hub is not one). Mesh: sent by one.
    bytes_per_key_all_links: per(
      hubRelays
        ? after.sent - before.sent + (after.received - before.received)
        : after.sent - before.sent,
    ),
  };
}

async function ours(browser: Browser, pages: Pages, watchers: number) {
  const host = await startHost(NOTEBOOK, false);
  const opened: Page[] = [];
  try {
    for (let i = 0; i <= watchers; i++) {
      const page = await openPage(browser, pages.url);
      opened.push(page);
      await inPage(page, (pb, a) => pb.joinHub(a.link, a.name, 1), {
        link: host.link,
        name: `g${i}`,
      });
      if ((await inPage(page, (pb) => pb.reached(30_000))) === null) {
        throw new Error(`guest ${i} never synced`);
      }
    }
    host.traceStart();
    const result = await typeAndMeasure(opened[0]!, opened.slice(1), true);
    const trace = await host.traceStop();
    const sent = await inPage(opened[0]!, (pb) => pb.times());
    const arrived = await Promise.all(opened.slice(1).map((p) => inPage(p, (pb) => pb.times())));
    return { ...result, stalls: explainStalls(sent, arrived, trace, WARMUP) };
  } finally {
    for (const p of opened) await p.context().close();
    await host.stop();
  }
}

async function baseline(browser: Browser, pages: Pages, signaling: string, watchers: number) {
  const room = `bench-keystroke-${watchers}-${Date.now()}`;
  const opened: Page[] = [];
  try {
    for (let i = 0; i <= watchers; i++) {
      const page = await openPage(browser, pages.url);
      opened.push(page);
      await inPage(page, (pb, a) => pb.joinYWebrtc(a.room, a.signaling, 1, a.nb), {
        room,
        signaling,
        nb: i === 0 ? '/keystroke.json' : undefined,
      });
    }
    // Wait for the whole mesh: every page connected to every other one over WebRTC.
    const end = Date.now() + 30_000;
    for (const p of opened) {
      if ((await inPage(p, (pb) => pb.reached(30_000))) === null) throw new Error('never synced');
      while ((await inPage(p, (pb) => pb.webrtcPeers())) < watchers) {
        if (Date.now() > end) throw new Error('the y-webrtc mesh never completed');
        await new Promise((r) => setTimeout(r, 50));
      }
    }
    return await typeAndMeasure(opened[0]!, opened.slice(1), false);
  } finally {
    for (const p of opened) await p.context().close();
  }
}

async function main(): Promise<void> {
  const pages = await startPageServer({ '/keystroke.json': JSON.stringify(NOTEBOOK) });
  const signaling = await startYWebrtcSignaling();
  const browser = await launchChromium();
  const pairbook: Record<string, Awaited<ReturnType<typeof ours>>> = {};
  const theirs: Record<string, Awaited<ReturnType<typeof baseline>>> = {};
  try {
    for (const n of WATCHERS) {
      pairbook[`watchers_${n}`] = await ours(browser, pages, n);
      console.error(`${n} watching: pairbook ${JSON.stringify(pairbook[`watchers_${n}`])}`);
      theirs[`watchers_${n}`] = await baseline(browser, pages, signaling.url, n);
      console.error(`${n} watching: y-webrtc ${JSON.stringify(theirs[`watchers_${n}`])}`);
    }
  } finally {
    await browser.close();
    signaling.stop();
    await pages.close();
  }
  const ratios = Object.fromEntries(
    Object.keys(pairbook).map((k) => [
      k,
      {
        p50: Math.round((pairbook[k]!.p50_ms / theirs[k]!.p50_ms) * 100) / 100,
        p99: Math.round((pairbook[k]!.p99_ms / theirs[k]!.p99_ms) * 100) / 100,
      },
    ]),
  );
  const result = {
    bench: 'keystroke',
    pairbook: {
      measured:
        `typing guest → each watching guest, ${KEYS} keys after ${WARMUP} warm-up, one every ` +
        `${INTERVAL_MS} ms; guests are Chromium pages, the hub runs in Node (node-datachannel)`,
      ...pairbook,
    },
    baseline: { name: 'y-webrtc 10.3.0 WebrtcProvider, full mesh of Chromium pages', ...theirs },
    ratio: ratios.watchers_10?.p50 ?? null,
    ratio_of: 'p50 with 10 watching guests',
    ratios,
  };
  console.log(JSON.stringify(result));
  process.exit(0);
}

await main();
