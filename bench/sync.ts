// `npm run bench -- sync`: time for a newly joined guest in Chromium to hold a whole 0.2, 1, 5 and
// 20 MB notebook, side by side with y-webrtc's WebrtcProvider between two Chromium pages (the
// baseline), in one run inside scripts/netns-run (the bench re-runs itself there). Ends with one
// JSON line; headline `sync_5mb_ms`.
import type { Browser } from '@playwright/test';
import { Hub } from '../host/hub/hub';
import { NotebookSession } from '../host/session/notebook-session';
import { cellsOf } from '../protocol/ydoc-nbformat';
import { tempDir, writeNotebook } from '../tests/helpers/notebooks';
import { generateNotebook } from './generate-notebook';
import {
  ensureNetns,
  inPage,
  launchChromium,
  openPage,
  startPageServer,
  startYWebrtcSignaling,
} from './sharing-pages/pages';

ensureNetns();

const MB = 1024 * 1024;
const SIZES = [
  { name: '0.2mb', bytes: 0.2 * MB, cells: 40 },
  { name: '1mb', bytes: 1 * MB, cells: 200 },
  { name: '5mb', bytes: 5 * MB, cells: 1000 },
  { name: '20mb', bytes: 20 * MB, cells: 4000 },
];
const RUNS = Number(process.env.BENCH_RUNS ?? 3);
/** How long a y-webrtc peer is given to receive the document. */
const BASELINE_TIMEOUT_MS = Number(process.env.BENCH_BASELINE_TIMEOUT_MS ?? 10_000);
const OURS_TIMEOUT_MS = 60_000;

type Pages = Awaited<ReturnType<typeof startPageServer>>;
interface Run {
  /** join call → whole notebook in the guest's document; null: never arrived. */
  ms: number | null;
  /** join call → data channel open. */
  connected_ms: number | null;
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor((xs.length - 1) / 2)]!;
const round = (v: number | null) => (v === null ? null : Math.round(v * 10) / 10);

async function ours(browser: Browser, pages: Pages, text: string, cells: number): Promise<Run[]> {
  const session = await NotebookSession.open(writeNotebook(text), {
    dataDir: tempDir(),
    autosaveDelayMs: 0,
  });
  const hub = new Hub(session);
  const runs: Run[] = [];
  try {
    await hub.start();
    const invite = await hub.createInvite('viewer');
    const expected = JSON.stringify(cellsOf(session.doc).toJSON()).length;
    for (let i = 0; i < RUNS; i++) {
      const page = await openPage(browser, pages.url);
      await inPage(page, (pb, a) => pb.joinHub(a.link, 'bench', a.cells), {
        link: invite.link,
        cells,
      });
      const ms = await inPage(page, (pb, t) => pb.reached(t), OURS_TIMEOUT_MS);
      const connected_ms = await inPage(page, (pb) => pb.connectedMs());
      if (ms !== null) {
        const got = await inPage(page, (pb) => pb.contentChars());
        if (got !== expected) throw new Error(`incomplete sync: ${got} of ${expected} chars`);
      }
      runs.push({ ms, connected_ms });
      await page.context().close();
    }
  } finally {
    await hub.stop();
    await session.close();
  }
  return runs;
}

async function baseline(
  browser: Browser,
  pages: Pages,
  signaling: string,
  path: string,
  cells: number,
  runs: number,
): Promise<Run[]> {
  const out: Run[] = [];
  for (let i = 0; i < runs; i++) {
    const room = `bench-sync-${path.slice(1, -5)}-${i}-${Date.now()}`;
    const holder = await openPage(browser, pages.url);
    await inPage(holder, (pb, a) => pb.joinYWebrtc(a.room, a.signaling, a.cells, a.path), {
      room,
      signaling,
      cells,
      path,
    });
    if ((await inPage(holder, (pb) => pb.reached(60_000))) === null) {
      throw new Error('the y-webrtc holder page could not load the notebook');
    }
    const guest = await openPage(browser, pages.url);
    await inPage(guest, (pb, a) => pb.joinYWebrtc(a.room, a.signaling, a.cells), {
      room,
      signaling,
      cells,
    });
    const ms = await inPage(guest, (pb, t) => pb.reached(t), BASELINE_TIMEOUT_MS);
    const connected_ms = await inPage(guest, (pb) => pb.connectedMs());
    out.push({ ms, connected_ms });
    await guest.context().close();
    await holder.context().close();
  }
  return out;
}

function summarize(runs: Run[], timeoutMs: number) {
  const done = runs.filter((r) => r.ms !== null).map((r) => r.ms as number);
  const connected = runs.filter((r) => r.connected_ms !== null).map((r) => r.connected_ms!);
  return {
    ms: done.length === runs.length ? round(median(done)) : null,
    ...(done.length < runs.length
      ? {
          note: `never arrived within ${timeoutMs / 1000} s (${runs.length - done.length} of ${runs.length} runs)`,
        }
      : {}),
    connected_ms: connected.length ? round(median(connected)) : null,
    runs_ms: runs.map((r) => round(r.ms)),
  };
}

async function main(): Promise<void> {
  const pages = await startPageServer();
  const signaling = await startYWebrtcSignaling();
  const browser = await launchChromium();
  const pairbook: Record<string, unknown> = {};
  const theirs: Record<string, unknown> = {};
  try {
    for (const size of SIZES) {
      // The generator overshoots its target by about a fifth: aim so the file is the named size.
      const first = generateNotebook(size.cells, size.bytes);
      const text = generateNotebook(
        size.cells,
        (size.bytes * size.bytes) / Buffer.byteLength(first),
      );
      const path = `/nb-${size.name}.json`;
      pages.put(path, text);
      const mine = summarize(await ours(browser, pages, text, size.cells), OURS_TIMEOUT_MS);
      // y-webrtc fails the same way every time above its message limit: one run is enough there.
      const runs = size.bytes > 0.25 * MB ? 1 : RUNS;
      const base = summarize(
        await baseline(browser, pages, signaling.url, path, size.cells, runs),
        BASELINE_TIMEOUT_MS,
      );
      const file_mb = Math.round((Buffer.byteLength(text) / MB) * 100) / 100;
      pairbook[size.name] = { file_mb, ...mine };
      theirs[size.name] = { file_mb, ...base };
      console.error(`${size.name} (${file_mb} MB): pairbook ${JSON.stringify(mine)}`);
      console.error(`${size.name} (${file_mb} MB): y-webrtc ${JSON.stringify(base)}`);
    }
  } finally {
    await browser.close();
    signaling.stop();
    await pages.close();
  }
  const ms = (o: Record<string, unknown>, k: string) => (o[k] as { ms: number | null }).ms;
  const [mine, base] = [ms(pairbook, '0.2mb'), ms(theirs, '0.2mb')];
  const result = {
    bench: 'sync',
    pairbook: {
      sync_5mb_ms: ms(pairbook, '5mb'),
      measured:
        'guest page join call (signaling, ICE, DTLS, SCTP included) → whole notebook in its Y.Doc; median of ' +
        `${RUNS} runs; host hub in Node (node-datachannel), guest in Chromium`,
      ...pairbook,
    },
    baseline: {
      name: 'y-webrtc 10.3.0 WebrtcProvider, Chromium page to Chromium page',
      sync_5mb_ms: ms(theirs, '5mb'),
      ...theirs,
    },
    ratio: mine !== null && base !== null ? Math.round((mine / base) * 1000) / 1000 : null,
    ratio_of: '0.2mb (the largest size y-webrtc delivers)',
  };
  console.log(JSON.stringify(result));
  process.exit(0);
}

await main();
