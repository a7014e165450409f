// Sliced work takes turns: one slice of all the sliced jobs per turn of the event loop, so jobs
// running at once (right after a first edit: the save hint, the cell cache, the journal's base,
// the save's hashing) never add their slices up into one long block. Counted in turns of the
// event loop, not in milliseconds.
import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { CellSerializationCache } from '../../../host/document/cell-serialization-cache';
import { nextSlice } from '../../../host/document/loop-slices';
import { readSaveHintInSlices } from '../../../host/document/save-hint-reader';
import { Journal } from '../../../host/session/journal';
import { JournalBaseWriter } from '../../../host/session/journal-base-writer';
import { validateNotebook } from '../../../protocol/nbformat';
import { parseJson } from '../../../protocol/python-json';
import { loadNotebookIntoDoc } from '../../../protocol/ydoc-nbformat';
import { codeCell, notebook, tempDir } from '../../helpers/notebooks';

/** Counts turns of the event loop: one tick in each check phase, until stopped. */
function turnCounter(): { readonly turn: number; stop: () => void } {
  let turn = 0;
  let on = true;
  const tick = () => {
    turn++;
    if (on) setImmediate(tick);
  };
  setImmediate(tick);
  return {
    get turn() {
      return turn;
    },
    stop: () => {
      on = false;
    },
  };
}

/** A sliced job of its own: the turns in which it got a slice, while `others` ran. */
async function turnsBeside(others: Promise<unknown>): Promise<number[]> {
  const counter = turnCounter();
  let done = false;
  void others.then(() => (done = true));
  const turns: number[] = [];
  while (!done) {
    await nextSlice();
    if (!done) turns.push(counter.turn);
  }
  counter.stop();
  return turns;
}

function largeNotebook(cells = 60) {
  const nb = notebook(
    Array.from({ length: cells }, (_, i) =>
      codeCell(
        `c${i}`,
        [`x = ${i}\n`],
        [{ name: 'stdout', output_type: 'stream', text: [`${i}: ${'o'.repeat(2000)}\n`] }],
        i,
      ),
    ),
  );
  const text = JSON.stringify(nb, null, 1) + '\n';
  const parsed = parseJson(text);
  if (!parsed.ok) throw parsed.error;
  const checked = validateNotebook(parsed.value);
  if (!checked.ok) throw checked.error;
  const doc = new Y.Doc();
  const ids = loadNotebookIntoDoc(checked.value.notebook, doc);
  return { text, doc, ids };
}

describe('sliced work taking turns', () => {
  it('runs one job a turn, each waiting job in order', async () => {
    const counter = turnCounter();
    const log: Array<[string, number]> = [];
    const job = async (name: string, slices: number) => {
      for (let i = 0; i < slices; i++) {
        await nextSlice();
        log.push([name, counter.turn]);
      }
    };
    await Promise.all([job('a', 4), job('b', 4), job('c', 2)]);
    counter.stop();
    expect(log.map(([name]) => name).join('')).toBe('abcabcabab');
    const turns = log.map(([, turn]) => turn);
    for (let i = 1; i < turns.length; i++) expect(turns[i]).toBeGreaterThan(turns[i - 1]!);
  });

  it('gives the save hint, the cell cache and the journal base one slice a turn between them', async () => {
    const { text, doc, ids } = largeNotebook();
    const cache = new CellSerializationCache(doc);
    const base = new JournalBaseWriter(Journal.for(tempDir(), '/x/nb.ipynb'), doc, 'sha');
    // Slices of 0 ms: each job yields after every step, so each takes many slices.
    const jobs = Promise.all([
      readSaveHintInSlices(text, ids, 0),
      cache.warm(() => false, 0),
      base.writeParts(0),
    ]);
    const turns = await turnsBeside(jobs);
    base.cancel();
    // Beside three other jobs, this one gets every fourth turn; it got every turn while the
    // others yielded on their own (a slice of each of them in the same turn).
    expect(turns.length).toBeGreaterThan(10);
    for (let i = 1; i < turns.length; i++) {
      expect(turns[i]! - turns[i - 1]!).toBeGreaterThanOrEqual(2);
    }
  });
});
