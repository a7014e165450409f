// A model of durability: seeded random interleavings of edits (through a client and by the
// host), saves (some with an edit arriving during the write), clean closes, crashes (the session
// is abandoned without closing: its files stay as a kill -9 leaves them), recoveries and second
// crashes, then real kill -9s of a child host. After every reopen: every acknowledged insertion
// is there exactly once, every acknowledged deletion stays deleted, and nothing is duplicated.
// Prints its seed; PAIRBOOK_SEED=N replays one.
import { readdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { describe, expect, it } from 'vitest';
import type * as Y from 'yjs';
import { cellsOf } from '../../../protocol/ydoc-nbformat';
import { NotebookSession } from '../../../host/session/notebook-session';
import { codeCell, notebook, tempDir, writeNotebook } from '../../helpers/notebooks';
import { type TestClient, connectClient } from '../../helpers/session-client';
import { runThenKill } from './kill-typing-host';
import { seededRandom } from '../../helpers/seeded-random';

const STEPS = 120;
const TIME_BUDGET_MS = 15_000;

const source = (doc: Y.Doc) => cellsOf(doc).get(0).get('source') as Y.Text;
const count = (text: string, token: string) => text.split(token).length - 1;

async function until(check: () => boolean): Promise<void> {
  const deadline = Date.now() + 20_000; // a generous bound, not a measurement
  while (!check()) {
    if (Date.now() > deadline) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 1));
  }
}

/** Where a token can go without splitting another: the start, or right after a token. */
function boundary(text: string, rnd: () => number): number {
  const ends = [0];
  for (let i = text.indexOf('>'); i !== -1; i = text.indexOf('>', i + 1)) ends.push(i + 1);
  return ends[Math.floor(rnd() * ends.length)]!;
}

describe('durability model', () => {
  it('recovers every acknowledged edit, once, through any interleaving of saves and crashes', async () => {
    const seed = Number(process.env.PAIRBOOK_SEED ?? Math.floor(Math.random() * 2 ** 31));
    console.log(`durability model: PAIRBOOK_SEED=${seed}`);
    const rnd = seededRandom(seed);
    const path = writeNotebook(notebook([codeCell('c', [''])]));
    const dataDir = tempDir();
    const present = new Set<string>(); // acknowledged insertions, not deleted since
    const deleted = new Set<string>(); // acknowledged deletions
    const maybe = new Set<string>(); // sent but not acknowledged before a crash: at most once
    let next = 0;
    const open = () => NotebookSession.open(path, { dataDir, autosaveDelayMs: 0 });
    let session = await open();
    let client: TestClient = connectClient(session, 'typist');
    await client.until((d) => cellsOf(d).length === 1);
    const counts = { edits: 0, saves: 0, savesWithEdit: 0, crashes: 0, closes: 0, unacked: 0 };

    const check = (where: string) => {
      const text = source(session.doc).toString();
      for (const t of present) expect(count(text, t), `${t} after ${where} (seed ${seed})`).toBe(1);
      for (const t of deleted) expect(count(text, t), `${t} after ${where} (seed ${seed})`).toBe(0);
      for (const t of maybe)
        expect(count(text, t), `${t} after ${where} (seed ${seed})`).toBeLessThan(2);
      // Whatever text exists is made of whole tokens only: nothing half-applied or doubled.
      expect(text.replace(/<\d+>/g, ''), `stray text after ${where} (seed ${seed})`).toBe('');
    };
    const reopen = async (where: string) => {
      session = await open();
      client = connectClient(session, 'typist');
      await client.until((d) => cellsOf(d).length === 1);
      check(where);
      // An unacknowledged token that survived is as good as acknowledged from now on.
      for (const t of maybe) if (count(source(session.doc).toString(), t) === 1) present.add(t);
      maybe.clear();
    };

    const started = Date.now();
    for (let step = 0; step < STEPS && Date.now() - started < TIME_BUDGET_MS; step++) {
      const r = rnd();
      if (r < 0.45) {
        // An insertion (by the client or the host), or a deletion of an acknowledged token.
        counts.edits++;
        const viaClient = rnd() < 0.6;
        const doc = viaClient ? client.doc : session.doc;
        const text = source(doc);
        if (present.size > 0 && rnd() < 0.25) {
          const token = [...present][Math.floor(rnd() * present.size)]!;
          const at = text.toString().indexOf(token);
          text.delete(at, token.length);
          await until(() => !source(session.doc).toString().includes(token));
          present.delete(token);
          deleted.add(token);
        } else {
          const token = `<${next++}>`;
          text.insert(boundary(text.toString(), rnd), token);
          await until(() => source(session.doc).toString().includes(token));
          present.add(token);
        }
      } else if (r < 0.52) {
        // A client's edit still in flight when the host dies.
        counts.unacked++;
        const token = `<${next++}>`;
        source(client.doc).insert(boundary(source(client.doc).toString(), rnd), token);
        maybe.add(token);
        counts.crashes++;
        await reopen('a crash with an edit in flight');
      } else if (r < 0.72) {
        counts.saves++;
        if (rnd() < 0.5) {
          counts.savesWithEdit++;
          const token = `<${next++}>`;
          const once = () => {
            session.off('saving', once);
            const text = source(session.doc);
            text.insert(boundary(text.toString(), rnd), token);
            present.add(token);
          };
          session.on('saving', once);
          await session.save();
          session.off('saving', once);
        } else await session.save();
      } else if (r < 0.95) {
        counts.crashes++; // abandoned: no close, no save; the journal stays as it is on disk
        await reopen('a crash');
      } else {
        counts.closes++;
        client.client.destroy();
        await session.close();
        await reopen('a clean close');
      }
    }
    console.log(`durability model: ${JSON.stringify(counts)}`);

    // Real kill -9s: a child host recovers what the model left, types, and dies; twice.
    client.client.destroy();
    await session.close();
    for (let kill = 0; kill < 2; kill++) {
      const run = await runThenKill(path, dataDir, (_, accepted) => accepted === 5 + kill);
      session = await open();
      const text = source(session.doc).toString();
      expect(text.endsWith(run.last), `the child's typing (seed ${seed})`).toBe(true);
      for (const t of present) expect(count(text, t), `${t} after kill -9 (seed ${seed})`).toBe(1);
      for (const t of deleted) expect(count(text, t)).toBe(0);
      if (kill === 0) await session.close();
    }
    await session.close();
    expect(readdirSync(dirname(path))).toEqual(['nb.ipynb']);
  }, 180_000); // child processes on a busy machine: a generous bound
});
