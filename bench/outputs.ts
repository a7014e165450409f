// `npm run bench -- outputs`: what chatty and large outputs cost the shared document. A cell
// printing 20,000 lines one IOPub message each, and a cell printing 10 MB run three times, through a NotebookSession
// on a real ipykernel: document updates, bytes of updates, document and journal growth.
// Baseline, in the same run: the same IOPub messages applied one document update per message
// (a stream message appended to the output's Y.Text as it arrives), as a per-message design does.
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import * as Y from 'yjs';
import { startLocalKernel } from '../host/session/kernel-choice';
import { NotebookSession } from '../host/session/notebook-session';
import { KERNEL_ORIGIN, RUNTIME, runtimeOf, type CellRun } from '../protocol/runtime-state';
import { cellsOf, createOutputMap } from '../protocol/ydoc-nbformat';
import { connectClient } from '../tests/helpers/session-client';
import { codeCell, notebook, tempDir, writeNotebook } from '../tests/helpers/notebooks';

// Flushing every line makes ipykernel send one IOPub message per line (it batches otherwise).
const CHATTY = 'import sys\nfor i in range(20_000):\n    print(i)\n    sys.stdout.flush()';
const BIG = 'import sys\nfor _ in range(10): sys.stdout.write("x" * 1_000_000 + "\\n")';

interface Cost {
  updates: number;
  update_bytes: number;
}

/** Applies stream texts one update each, as a per-message design would. */
function perMessageBaseline(texts: string[]): Cost {
  const doc = new Y.Doc();
  const outputs = new Y.Array<Y.Map<unknown>>();
  doc.getArray('cells').push([new Y.Map([['outputs', outputs]])]);
  const cost: Cost = { updates: 0, update_bytes: 0 };
  doc.on('update', (u: Uint8Array) => {
    cost.updates++;
    cost.update_bytes += u.length;
  });
  outputs.push([createOutputMap({ output_type: 'stream', name: 'stdout', text: '' })]);
  const text = outputs.get(0).get('text') as Y.Text;
  for (const t of texts) text.insert(text.length, t);
  return cost;
}

const path = writeNotebook(notebook([codeCell('chatty', [CHATTY]), codeCell('big', [BIG])]));
const dataDir = tempDir();
const session = await NotebookSession.open(path, { dataDir, autosaveDelayMs: 0 });
await startLocalKernel(session);
const client = connectClient(session, 'bench');
await client.until((d) => cellsOf(d).length === 2);

const streamTexts: string[] = [];
session.execution?.kernel.on('iopub', (msg) => {
  if (msg.header.msg_type === 'stream') streamTexts.push(String(msg.content.text));
});
const ended = (id: string) =>
  (runtimeOf(client.doc).get(RUNTIME.lastRuns) as Y.Map<CellRun> | undefined)?.get(id)?.endedAt ??
  0;

async function run(id: string): Promise<Cost & { ms: number }> {
  const cost: Cost = { updates: 0, update_bytes: 0 };
  const count = (u: Uint8Array, origin: unknown) => {
    if (origin !== KERNEL_ORIGIN) return;
    cost.updates++;
    cost.update_bytes += u.length;
  };
  session.doc.on('update', count);
  const before = ended(id);
  const t0 = performance.now();
  await client.request({ type: 'run', cellIds: [id] });
  await client.until(() => ended(id) > before);
  session.doc.off('update', count);
  return { ...cost, ms: Math.round(performance.now() - t0) };
}

const journalBytes = () =>
  readdirSync(join(dataDir, 'journals')).reduce(
    (n, f) => n + statSync(join(dataDir, 'journals', f)).size,
    0,
  );
const docBytes = () => Y.encodeStateAsUpdate(session.doc).length;

streamTexts.length = 0;
const chatty = await run('chatty');
const chattyBaseline = perMessageBaseline(streamTexts);

const big: (Cost & { ms: number; doc_bytes: number; journal_bytes: number })[] = [];
const bigTexts: string[][] = [];
for (let i = 0; i < 3; i++) {
  streamTexts.length = 0;
  const r = await run('big');
  big.push({ ...r, doc_bytes: docBytes(), journal_bytes: journalBytes() });
  bigTexts.push([...streamTexts]);
}
const bigBaseline = perMessageBaseline(bigTexts.flat());
await session.close();

const mb = (b: number) => Math.round(b / 1e4) / 100;
console.log(
  'chatty (20,000 flushed lines):',
  JSON.stringify({
    ours: chatty,
    per_message: chattyBaseline,
    iopub_stream_messages: chattyBaseline.updates - 1,
  }),
);
for (const [i, r] of big.entries()) {
  console.log(
    `10 MB cell, run ${i + 1}:`,
    JSON.stringify({ ...r, doc_mb: mb(r.doc_bytes), journal_mb: mb(r.journal_bytes) }),
  );
}
console.log(
  JSON.stringify({
    bench: 'outputs',
    pairbook: {
      chatty_updates: chatty.updates,
      chatty_update_mb: mb(chatty.update_bytes),
      big_3_runs_update_mb: mb(big.reduce((n, r) => n + r.update_bytes, 0)),
      big_doc_growth_runs_2_3_mb: mb(big[2]!.doc_bytes - big[0]!.doc_bytes),
      big_journal_after_3_runs_mb: mb(big[2]!.journal_bytes),
    },
    baseline: {
      name: 'one document update per IOPub stream message',
      chatty_updates: chattyBaseline.updates,
      chatty_update_mb: mb(chattyBaseline.update_bytes),
      big_3_runs_update_mb: mb(bigBaseline.update_bytes),
    },
    ratio: Math.round((chatty.updates / chattyBaseline.updates) * 1000) / 1000,
  }),
);
process.exit(0);
