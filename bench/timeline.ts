// `npm run bench -- timeline`: what the timeline with authors (host/session/timeline.ts) costs
// the host: heap and CPU per 10,000 recorded edits, and the time to show the notebook as it was
// 10,000 edits ago (view_10k_ago_ms, goal < 100 ms; mb_per_10k_edits, goal < 10). Three people
// type in bursts (20-80 keystrokes, 1 in 8 a backspace, into a random cell) on a generated
// 200-cell 1 MB notebook; the same Yjs updates are applied by the host with and without a
// timeline, the difference is its cost. A view reads the sources each step kept; blame and
// restore rebuild the document (rebuild_10k_ago_ms).
// Baseline, in the same run: the version history Yjs itself offers (its documented snapshot
// approach): the document with gc off, a Y.snapshot after every edit, and
// Y.createDocFromSnapshot to view one; its memory and CPU are what it takes beyond the same
// document with gc on (as ours are beyond the host without a timeline; ours the least of three).
import { mkdtempSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as Y from 'yjs';
import { SessionTimeline } from '../host/session/timeline';
import { timelinePath } from '../host/session/timeline-file';
import { updateFeedOf } from '../host/session/update-feed';
import { validateNotebook } from '../protocol/nbformat';
import { parseJson } from '../protocol/python-json';
import type { TimelineResult } from '../protocol/timeline-messages';
import { LOAD_ORIGIN, cellsOf, loadNotebookIntoDoc } from '../protocol/ydoc-nbformat';
import { generateNotebook } from './generate-notebook';

const EDITS = 20_000;
const AGO = 10_000;
const RUNS = 5;
const PEOPLE = ['Ada', 'Bo', 'Cy'];

const gc = () => (globalThis as { gc?: () => void }).gc?.();
const heap = () => {
  gc();
  gc();
  return process.memoryUsage().heapUsed;
};
const ms = (u: NodeJS.CpuUsage) => (u.user + u.system) / 1000;
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

// A deterministic random sequence.
let seed = 42;
const rand = (n: number) => {
  seed = (seed * 1103515245 + 12345) & 0x7fffffff;
  return seed % n;
};

interface Edit {
  who: number;
  update: Uint8Array;
  at: number;
}

function loaded(base: Uint8Array, gcOn = true): Y.Doc {
  const doc = new Y.Doc({ gc: gcOn });
  Y.applyUpdate(doc, base, LOAD_ORIGIN);
  return doc;
}

// The edits three guests make, as the Yjs updates the host receives.
function makeEdits(base: Uint8Array): Edit[] {
  const guests = PEOPLE.map(() => loaded(base));
  const host = loaded(base);
  const edits: Edit[] = [];
  let at = 1_000_000;
  while (edits.length < EDITS) {
    const who = rand(PEOPLE.length);
    const doc = guests[who]!;
    Y.applyUpdate(doc, Y.encodeStateAsUpdate(host, Y.encodeStateVector(doc)));
    const text = cellsOf(doc)
      .get(rand(cellsOf(doc).length))
      .get('source') as Y.Text;
    let pos = rand(text.length + 1);
    const burst = 20 + rand(60);
    for (let k = 0; k < burst && edits.length < EDITS; k++) {
      // The update of this keystroke alone, as a client sends it.
      let update: Uint8Array = new Uint8Array();
      const take = (u: Uint8Array) => (update = u);
      doc.once('update', take);
      if (rand(8) === 0 && pos > 0) text.delete(--pos, 1);
      else text.insert(pos++, 'abcdefghij '[rand(11)]!);
      Y.applyUpdate(host, update);
      at += 80 + rand(200);
      edits.push({ who, update, at });
    }
    at += 3000 + rand(20_000);
  }
  return edits;
}

// The host applying every edit as a session does (through its update feed), with or without a
// timeline; the CPU it took, and the step made by edit EDITS - AGO.
function host(base: Uint8Array, edits: Edit[], withTimeline: boolean) {
  const doc = loaded(base);
  const feed = updateFeedOf(doc);
  feed.subscribe(() => undefined); // the session's own listener (journal, autosave)
  const clock = { now: 0 };
  const dataDir = mkdtempSync(join(tmpdir(), 'pairbook-timeline-'));
  const timeline = withTimeline
    ? new SessionTimeline(dataDir, '/bench.ipynb', doc, { now: () => clock.now })
    : null;
  timeline?.start();
  const transports = PEOPLE.map((name, i) => {
    const t = { name };
    timeline?.know(t, { name, peer: `peer-${i}` });
    return t;
  });
  let agoStep = 0;
  const cpu = process.cpuUsage();
  edits.forEach((e, i) => {
    clock.now = e.at;
    feed.applyReceived(e.update, transports[e.who]);
    if (timeline && i === agoIndex) {
      agoStep = (
        timeline.steps(undefined, 1) as Extract<TimelineResult, { kind: 'timeline-steps' }>
      ).steps[0]!.n;
    }
  });
  const used = process.cpuUsage(cpu);
  timeline?.close(); // writes what is pending
  const cpuMs = (used.user + used.system) / 1000;
  const file = withTimeline ? statSync(timelinePath(dataDir, '/bench.ipynb')).size : 0;
  return { doc, timeline, cpuMs, agoStep, file };
}

function ours(base: Uint8Array, edits: Edit[]) {
  const h0 = heap();
  const without = host(base, edits, false);
  const h1 = heap();
  const mine = host(base, edits, true);
  const withHeap = heap() - h1 - (h1 - h0);
  // CPU on a busy machine varies run to run: the least of three runs each way.
  let cpuWithout = without.cpuMs;
  let cpuWith = mine.cpuMs;
  for (let r = 0; r < 2; r++) {
    cpuWithout = Math.min(cpuWithout, host(base, edits, false).cpuMs);
    cpuWith = Math.min(cpuWith, host(base, edits, true).cpuMs);
  }
  const timeline = mine.timeline!;
  const views: number[] = [];
  let source = '';
  for (let r = 0; r < RUNS; r++) {
    timeline.browse.reset();
    const t0 = performance.now();
    const cells = timeline.browse.view(mine.agoStep).cells;
    views.push(performance.now() - t0);
    source = cells.map((c) => c.source).join('');
  }
  // Blame and restore rebuild the document itself from the epoch's base and updates.
  const rebuilds: number[] = [];
  for (let r = 0; r < RUNS; r++) {
    timeline.browse.reset();
    const t0 = performance.now();
    timeline.browse.docAt(mine.agoStep);
    rebuilds.push(performance.now() - t0);
  }
  timeline.browse.reset();
  const steps = (
    timeline.steps(undefined, 200) as Extract<TimelineResult, { kind: 'timeline-steps' }>
  ).last;
  return {
    without,
    mine,
    source,
    result: {
      view_10k_ago_ms: +median(views).toFixed(1),
      mb_per_10k_edits: +((withHeap / 1e6) * (AGO / EDITS)).toFixed(2),
      cpu_ms_per_10k_edits: +((cpuWith - cpuWithout) * (AGO / EDITS)).toFixed(0),
      disk_mb_per_10k_edits: +((mine.file / 1e6) * (AGO / EDITS)).toFixed(2),
      steps_per_10k_edits: Math.round((steps * AGO) / EDITS),
      rebuild_10k_ago_ms: +median(rebuilds).toFixed(1),
    },
  };
}

// Yjs' own: gc off, a snapshot after every edit, a document made from the snapshot to view it.
function baseline(base: Uint8Array, edits: Edit[]) {
  const before = heap();
  const plainCpu = process.cpuUsage();
  const plain = loaded(base);
  edits.forEach((e) => Y.applyUpdate(plain, e.update));
  const plainUsed = process.cpuUsage(plainCpu);
  const plainHeap = heap() - before;
  const cpu = process.cpuUsage();
  const doc = loaded(base, false);
  const snapshots: Y.Snapshot[] = [];
  edits.forEach((e) => {
    Y.applyUpdate(doc, e.update);
    snapshots.push(Y.snapshot(doc));
  });
  const used = process.cpuUsage(cpu);
  const bytes = heap() - before - plainHeap;
  const views: number[] = [];
  let source = '';
  for (let r = 0; r < RUNS; r++) {
    const t0 = performance.now();
    const old = Y.createDocFromSnapshot(doc, snapshots[agoIndex]!);
    source = cellsOf(old)
      .toArray()
      .map((c) => String(c.get('source')))
      .join('');
    views.push(performance.now() - t0);
    old.destroy();
  }
  return {
    source,
    result: {
      name: 'Yjs snapshots (gc off, Y.snapshot per edit, Y.createDocFromSnapshot)',
      view_10k_ago_ms: +median(views).toFixed(1),
      mb_per_10k_edits: +((bytes / 1e6) * (AGO / EDITS)).toFixed(2),
      cpu_ms_per_10k_edits: +((ms(used) - ms(plainUsed)) * (AGO / EDITS)).toFixed(0),
    },
  };
}

const parsed = parseJson(generateNotebook(200, 1_000_000));
if (!parsed.ok) throw parsed.error;
const nb = validateNotebook(parsed.value);
if (!nb.ok) throw nb.error;
const source = new Y.Doc();
loadNotebookIntoDoc(nb.value.notebook, source);
const base = Y.encodeStateAsUpdate(source);
const edits = makeEdits(base);
// The last edit of a burst about 10,000 edits before the end: the notebook as it was then.
let agoIndex = EDITS - AGO - 1;
while (edits[agoIndex + 1]!.at - edits[agoIndex]!.at < 2000) agoIndex--;
console.error(`${EDITS} edits by ${PEOPLE.length} people on a 200-cell 1 MB notebook`);
const mine = ours(base, edits);
const theirs = baseline(base, edits);
if (mine.source !== theirs.source) throw new Error('the two views of 10k edits ago differ');
console.error('pairbook', JSON.stringify(mine.result));
console.error('baseline', JSON.stringify(theirs.result));
console.log(
  JSON.stringify({
    bench: 'timeline',
    pairbook: mine.result,
    baseline: theirs.result,
    ratio: +(mine.result.view_10k_ago_ms / theirs.result.view_10k_ago_ms).toPrecision(2),
  }),
);
