// `npm run bench -- document`: open (read, validate, build the Y.Doc) and save a notebook, and the
// heap the document takes, for the largest corpus notebook and a generated 1000-cell 5 MB one;
// and the longest the event loop is blocked during a save (5 MB and 20 MB), which is how long
// every guest's edits wait behind it: a save after an edit once the session is warm, and
// everything from opening through the first edit to its save.
// Baseline, in the same run: JupyterLab's own model, @jupyter/ydoc's YNotebook, loading the same
// JSON (YNotebook.create({ data })) and writing it back (toJSON + JSON.stringify).
// BENCH_DOCUMENT_TRACE=1 measures only open -> first save, and prints for each run the loop's
// long gaps and the GCs in it (see loopTrace).
import { YNotebook } from '@jupyter/ydoc';
import {
  existsSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join, resolve } from 'node:path';
import { PerformanceObserver, monitorEventLoopDelay } from 'node:perf_hooks';
import * as Y from 'yjs';
import { Journal } from '../host/session/journal';
import { NotebookSession } from '../host/session/notebook-session';
import { validateNotebook } from '../protocol/nbformat';
import { parseJson } from '../protocol/python-json';
import { loadNotebookIntoDoc } from '../protocol/ydoc-nbformat';
import { generateNotebook } from './generate-notebook';

const RUNS = 7;

// @jupyter/ydoc reads each cell's Y.Text before inserting it, and Yjs warns once per cell;
// mute that while the baseline runs so the output stays readable.
function quietly<T>(f: () => T): T {
  const warn = console.warn;
  console.warn = () => undefined;
  try {
    return f();
  } finally {
    console.warn = warn;
  }
}

function gc(): void {
  (globalThis as { gc?: () => void }).gc?.();
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)] as number;
}

function heapOf<T>(build: () => T): { value: T; bytes: number } {
  gc();
  gc();
  const before = process.memoryUsage().heapUsed;
  const value = build();
  gc();
  gc();
  return { value, bytes: process.memoryUsage().heapUsed - before };
}

/**
 * Saves `session` (after an edit), measuring the longest the event loop was blocked meanwhile.
 * The session has prepared its saves first (the save hint, every cell's text) and written its
 * journal's base, as it does in the background after opening and the first edit.
 */
async function savedBlocking(
  session: NotebookSession,
  dataDir: string,
): Promise<{ ms: number; blockedMs: number }> {
  await session.prepareSaves();
  const journal = Journal.for(dataDir, session.path).file;
  while (!existsSync(journal)) await new Promise((r) => setTimeout(r, 10));
  const cell = session.doc.getArray<Y.Map<unknown>>('cells').get(0);
  (cell.get('source') as Y.Text).insert(0, ' ');
  const delay = monitorEventLoopDelay({ resolution: 1 });
  delay.enable();
  const t = performance.now();
  await session.save({ force: true });
  const ms = performance.now() - t;
  // One more turn of the loop, so a block at the very end of the save is seen too.
  await new Promise((r) => setTimeout(r, 2));
  delay.disable();
  (cell.get('source') as Y.Text).delete(0, 1);
  await session.save({ force: true });
  return { ms, blockedMs: delay.max / 1e6 };
}

/** How long after opening the bench makes the first edit: about when a person starts typing. */
const FIRST_EDIT_AFTER_MS = 1000;

/** BENCH_DOCUMENT_TRACE=1: print what blocked the loop from opening to the first save. */
const TRACE = process.env.BENCH_DOCUMENT_TRACE === '1';
/** Gaps between timer ticks longer than this are traced. */
const TRACE_GAP_MS = 8;

/**
 * With BENCH_DOCUMENT_TRACE=1, records from start() on the gaps between 1 ms timer ticks longer
 * than TRACE_GAP_MS (with the process's CPU time in each: far less than the gap means it waited
 * for a core) and the garbage collections over 2 ms, and prints them at stop(): to tell a slice
 * of our own work from a GC or a busy machine. Costs a timer tick a millisecond while it runs.
 */
function loopTrace(label: string) {
  const lines: string[] = [];
  let t0 = 0;
  let timer: NodeJS.Timeout | null = null;
  const gcs = new PerformanceObserver((list) => {
    for (const e of list.getEntries()) {
      const kind = (e as { detail?: { kind?: number } }).detail?.kind;
      const name = kind === 1 ? 'scavenge' : kind === 4 ? 'mark-compact' : `gc kind ${kind}`;
      if (e.duration > 2) {
        lines.push(`${(e.startTime - t0).toFixed(1)} ms: ${name} ${e.duration.toFixed(1)} ms`);
      }
    }
  });
  return {
    start() {
      if (!TRACE) return;
      t0 = performance.now();
      gcs.observe({ entryTypes: ['gc'] });
      let last = t0;
      let cpu = process.cpuUsage();
      timer = setInterval(() => {
        const now = performance.now();
        const used = process.cpuUsage(cpu);
        if (now - last > TRACE_GAP_MS) {
          const ms = (now - last).toFixed(1);
          const cpuMs = ((used.user + used.system) / 1000).toFixed(1);
          lines.push(`${(last - t0).toFixed(1)} ms: loop blocked ${ms} ms (cpu ${cpuMs} ms)`);
        }
        last = now;
        cpu = process.cpuUsage();
      }, 1);
    },
    mark(what: string) {
      if (TRACE) lines.push(`${(performance.now() - t0).toFixed(1)} ms: ${what}`);
    },
    stop() {
      if (!TRACE) return;
      if (timer) clearInterval(timer);
      gcs.disconnect();
      lines.sort((a, b) => parseFloat(a) - parseFloat(b));
      console.log(`trace ${label} (from the session being open):\n  ${lines.join('\n  ')}`);
    },
  };
}

/**
 * Opens `path` and measures the longest the event loop is blocked from the moment the session is
 * open, through the first edit FIRST_EDIT_AFTER_MS later (its journal record), until that edit's
 * save is written: whatever the session does in the background after opening, the save hint, the
 * cell cache and the journal's base state included.
 */
async function firstSaveBlocking(path: string): Promise<number> {
  const dataDir = mkdtempSync(join(tmpdir(), 'pairbook-bench-'));
  const session = await NotebookSession.open(path, { dataDir, autosaveDelayMs: 0 });
  const delay = monitorEventLoopDelay({ resolution: 1 });
  const trace = loopTrace(`first save of ${basename(path)}`);
  trace.start();
  delay.enable();
  await new Promise((r) => setTimeout(r, FIRST_EDIT_AFTER_MS));
  const cell = session.doc.getArray<Y.Map<unknown>>('cells').get(0);
  trace.mark('first edit');
  (cell.get('source') as Y.Text).insert(0, ' ');
  await session.save({ force: true });
  trace.mark('saved');
  await new Promise((r) => setTimeout(r, 2));
  delay.disable();
  trace.stop();
  await session.close();
  return delay.max / 1e6;
}

/** The longest the event loop is blocked by a first save after opening `path` (median of `runs`). */
async function loopBlockOfFirstSave(path: string, runs: number): Promise<number> {
  const blocked: number[] = [];
  for (let r = 0; r < runs; r++) blocked.push(await firstSaveBlocking(path));
  return Math.round(median(blocked) * 10) / 10;
}

/** The longest the event loop is blocked by a save of `path` (median of `runs`). */
async function loopBlockOfSave(path: string, runs: number): Promise<number> {
  const dataDir = mkdtempSync(join(tmpdir(), 'pairbook-bench-'));
  const blocked: number[] = [];
  const session = await NotebookSession.open(path, { dataDir, autosaveDelayMs: 0 });
  for (let r = 0; r < runs; r++) blocked.push((await savedBlocking(session, dataDir)).blockedMs);
  await session.close();
  return Math.round(median(blocked) * 10) / 10;
}

async function measure(path: string) {
  const text = readFileSync(path, 'utf8');
  const size = statSync(path).size;
  const dataDir = mkdtempSync(join(tmpdir(), 'pairbook-bench-'));
  const ours = {
    open: [] as number[],
    save: [] as number[],
    docOnly: [] as number[],
    loopBlock: [] as number[],
  };
  const base = { load: [] as number[], save: [] as number[] };
  for (let r = 0; r < RUNS; r++) {
    let t = performance.now();
    const session = await NotebookSession.open(path, { dataDir, autosaveDelayMs: 0 });
    ours.open.push(performance.now() - t);
    const saved = await savedBlocking(session, dataDir);
    ours.save.push(saved.ms);
    ours.loopBlock.push(saved.blockedMs);
    await session.close();

    t = performance.now();
    const parsed = parseJson(text);
    if (!parsed.ok) throw parsed.error;
    const checked = validateNotebook(parsed.value);
    if (!checked.ok) throw checked.error;
    loadNotebookIntoDoc(checked.value.notebook, new Y.Doc());
    ours.docOnly.push(performance.now() - t);

    t = performance.now();
    const yn = quietly(() => YNotebook.create({ data: JSON.parse(text) }));
    base.load.push(performance.now() - t);
    t = performance.now();
    JSON.stringify(yn.toJSON(), null, 1);
    base.save.push(performance.now() - t);
    yn.dispose();
  }
  const ourHeap = heapOf(() => {
    const doc = new Y.Doc();
    const parsed = parseJson(text);
    if (!parsed.ok) throw parsed.error;
    const checked = validateNotebook(parsed.value);
    if (!checked.ok) throw checked.error;
    loadNotebookIntoDoc(checked.value.notebook, doc);
    return doc;
  });
  const baseHeap = heapOf(() => quietly(() => YNotebook.create({ data: JSON.parse(text) })));
  const sessionHeap = await (async () => {
    gc();
    const before = process.memoryUsage().heapUsed;
    const s = await NotebookSession.open(path, { dataDir, autosaveDelayMs: 0 });
    gc();
    const bytes = process.memoryUsage().heapUsed - before;
    await s.close();
    return bytes;
  })();
  ourHeap.value.destroy();
  baseHeap.value.dispose();
  const mb = (b: number) => Math.round((b / 1e6) * 100) / 100;
  const ms = (xs: number[]) => Math.round(median(xs) * 10) / 10;
  return {
    file_mb: mb(size),
    ours: {
      open_to_ready_doc_ms: ms(ours.open),
      parse_validate_build_doc_ms: ms(ours.docOnly),
      save_after_edit_ms: ms(ours.save),
      max_loop_block_during_save_ms: ms(ours.loopBlock),
      doc_heap_mb: mb(ourHeap.bytes),
      session_heap_mb: mb(sessionHeap),
      doc_heap_per_file_byte: Math.round((ourHeap.bytes / size) * 100) / 100,
    },
    baseline: {
      load_ms: ms(base.load),
      save_ms: ms(base.save),
      doc_heap_mb: mb(baseHeap.bytes),
    },
  };
}

const fixtures = resolve(import.meta.dirname, '../../shared/fixtures/notebooks/real');
const largest = existsSync(fixtures)
  ? readdirSync(fixtures)
      .map((f) => join(fixtures, f))
      .sort((a, b) => statSync(b).size - statSync(a).size)[0]
  : undefined;
const generated = join(
  mkdtempSync(join(tmpdir(), 'pairbook-bench-')),
  'generated-1000-cells.ipynb',
);
writeFileSync(generated, generateNotebook(1000, 5_000_000));

if (TRACE) {
  // Tracing looks into the open -> first save window only, and measures nothing else.
  const generated20 = join(mkdtempSync(join(tmpdir(), 'pairbook-bench-')), 'generated-20mb.ipynb');
  writeFileSync(generated20, generateNotebook(4000, 20_000_000));
  console.log('5 MB', await loopBlockOfFirstSave(generated, 3), 'ms (median)');
  console.log('20 MB', await loopBlockOfFirstSave(generated20, 3), 'ms (median)');
  process.exit(0);
}

const results: Record<string, Awaited<ReturnType<typeof measure>>> = {};
if (largest) results.largest_fixture = await measure(largest);
else
  console.log(
    'largest fixture: ../shared/fixtures is absent here, measured only the generated notebook',
  );
results.generated_1000_cells = await measure(generated);
const generated20 = join(
  mkdtempSync(join(tmpdir(), 'pairbook-bench-')),
  'generated-4000-cells.ipynb',
);
writeFileSync(generated20, generateNotebook(4000, 20_000_000));
const loopBlock20mb = await loopBlockOfSave(generated20, 3);
const firstSave5mb = await loopBlockOfFirstSave(generated, 3);
const firstSave20mb = await loopBlockOfFirstSave(generated20, 3);
console.log(
  'generated_4000_cells (20 MB)',
  JSON.stringify({
    max_loop_block_during_save_ms: loopBlock20mb,
    max_loop_block_open_to_first_save_ms: firstSave20mb,
  }),
);
for (const [name, r] of Object.entries(results)) console.log(name, JSON.stringify(r));

const g = results.generated_1000_cells;
console.log(
  JSON.stringify({
    bench: 'document',
    pairbook: {
      open_5mb_ms: g.ours.open_to_ready_doc_ms,
      build_doc_5mb_ms: g.ours.parse_validate_build_doc_ms,
      save_5mb_ms: g.ours.save_after_edit_ms,
      max_loop_block_5mb_ms: g.ours.max_loop_block_during_save_ms,
      max_loop_block_20mb_ms: loopBlock20mb,
      max_loop_block_first_save_5mb_ms: firstSave5mb,
      max_loop_block_first_save_20mb_ms: firstSave20mb,
      doc_heap_5mb_mb: g.ours.doc_heap_mb,
      session_heap_5mb_mb: g.ours.session_heap_mb,
      ...(results.largest_fixture
        ? {
            open_largest_fixture_ms: results.largest_fixture.ours.open_to_ready_doc_ms,
            save_largest_fixture_ms: results.largest_fixture.ours.save_after_edit_ms,
            doc_heap_largest_fixture_mb: results.largest_fixture.ours.doc_heap_mb,
          }
        : {}),
    },
    baseline: {
      name: '@jupyter/ydoc YNotebook.create + toJSON',
      load_5mb_ms: g.baseline.load_ms,
      save_5mb_ms: g.baseline.save_ms,
      doc_heap_5mb_mb: g.baseline.doc_heap_mb,
    },
    ratio: Math.round((g.ours.parse_validate_build_doc_ms / g.baseline.load_ms) * 100) / 100,
  }),
);
process.exit(0);
