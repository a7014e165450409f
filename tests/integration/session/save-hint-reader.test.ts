// The save hint read in slices (slim: strings and lists of strings without their text) saves
// byte for byte what readSaveHint's full hint saves: on the corpus, unedited and after seeded
// random edits, and on a hand-written file full of spellings Jupyter would not write.
import { readFileSync, readdirSync } from 'node:fs';
import { basename, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { SlimHintScanner, readSaveHintInSlices } from '../../../host/document/save-hint-reader';
import { validateNotebook } from '../../../protocol/nbformat';
import { RawNumber, parseJson } from '../../../protocol/python-json';
import {
  cellsOf,
  loadNotebookIntoDoc,
  metaOf,
  readSaveHint,
  serializeNotebook,
} from '../../../protocol/ydoc-nbformat';
import { fixtureNotebooks } from '../../helpers/fixtures';
import { seededRandom } from '../../helpers/seeded-random';

const OWN = join(import.meta.dirname, '../../corpus/fixtures');
const files = [
  ...readdirSync(OWN)
    .filter((f) => f.endsWith('.ipynb'))
    .map((f) => join(OWN, f)),
  ...fixtureNotebooks('real'),
  ...fixtureNotebooks('nbformat'),
];

/** A file Jupyter would not write: odd number spellings, whole strings, escapes, odd keys. */
const ODD = `{
  "cells": [
    {
      "cell_type": "code", "execution_count": 1.0, "id": "a\\u0062c",
      "metadata": {"x": [1.0, "s", 1E5, -0.0, 12345678901234567890123], "__proto__": {"k": 2.50},
                   "q": "say \\"hi\\" \\\\", "tags": ["t"], "e\\u00e9": {}},
      "outputs": [{"name": "stdout", "output_type": "stream", "text": "one string\\nwhole\\n"},
                  {"data": {"text/plain": ["a\\n", "b"], "image/png": "iVBOR\\\\\\"w==",
                   "application/json": {"n": 3.0}}, "metadata": {}, "output_type": "display_data"}],
      "source": "print(1)\\nprint(2)"
    },
    {"cell_type": "markdown", "id": "m", "metadata": {}, "source": []}
  ],
  "metadata": {"n": 1e-7, "big": 1.5e300, "list": [[], [1, 2.0]]},
  "nbformat": 4
}
`;

/** Opens `text` as a session would; null when it is not a notebook Pairbook opens. */
function open(text: string): { doc: Y.Doc; ids: string[] } | null {
  const parsed = parseJson(text);
  if (!parsed.ok) return null;
  const checked = validateNotebook(parsed.value);
  if (!checked.ok) return null;
  const doc = new Y.Doc();
  return { doc, ids: loadNotebookIntoDoc(checked.value.notebook, doc) };
}

/** One random edit: text typed or deleted, numbers and lists changed, outputs cleared. */
function edit(doc: Y.Doc, rnd: () => number, n: number): void {
  const cells = cellsOf(doc);
  if (cells.length === 0) return;
  const cell = cells.get(Math.floor(rnd() * cells.length));
  const source = cell.get('source');
  const r = rnd();
  if (r < 0.4 && source instanceof Y.Text) {
    source.insert(Math.floor(rnd() * (source.length + 1)), rnd() < 0.3 ? '\n' : `é${n}`);
  } else if (r < 0.55 && source instanceof Y.Text && source.length > 0) {
    source.delete(Math.floor(rnd() * source.length), 1);
  } else if (r < 0.7) {
    (cell.get('metadata') as Y.Map<unknown>).set('x', rnd() < 0.5 ? [n, 'y'] : 1.5);
  } else if (r < 0.8) {
    if (cell.get('cell_type') === 'code') cell.set('execution_count', n);
  } else if (r < 0.9) {
    const outputs = cell.get('outputs');
    if (outputs instanceof Y.Array) outputs.delete(0, outputs.length);
  } else {
    (metaOf(doc).get('metadata') as Y.Map<unknown>).set('edited', n);
  }
}

describe('readSaveHintInSlices', () => {
  it.each<[string, string | null]>([
    ...files.map((f): [string, string] => [basename(f), f]),
    ['odd spellings', null],
  ])('%s: saves what the full hint saves, unedited and after 30 random edits', async (_, path) => {
    const text = path === null ? ODD : readFileSync(path, 'utf8');
    const opened = open(text);
    if (!opened) return;
    const { doc, ids } = opened;
    const full = readSaveHint(text, ids);
    // No time at all for a slice: the reader stops and goes on after every few hundred tokens.
    const slim = await readSaveHintInSlices(text, ids, 0);
    expect(serializeNotebook(doc, slim)).toBe(serializeNotebook(doc, full));
    const rnd = seededRandom(text.length);
    for (let n = 0; n < 30; n++) {
      edit(doc, rnd, n);
      expect(serializeNotebook(doc, slim), `after edit ${n}`).toBe(serializeNotebook(doc, full));
    }
  });

  it('keeps spellings as RawNumbers, and strings and lists of strings without their text', () => {
    const scanner = new SlimHintScanner(ODD);
    expect(scanner.scan(Infinity)).toBe(true);
    const cell = (scanner.result as { cells: Record<string, unknown>[] }).cells[0]!;
    expect(cell.execution_count).toEqual(new RawNumber('1.0', 1));
    expect(cell.source).toBe('');
    expect(cell.id).toBe('');
    const metadata = cell.metadata as Record<string, unknown>;
    expect(metadata.x).toEqual([
      new RawNumber('1.0', 1),
      '',
      new RawNumber('1E5', 1e5),
      -0, // Python spells it -0.0 too
      new RawNumber('12345678901234567890123', Number('12345678901234567890123')),
    ]);
    expect(metadata.tags).toEqual([]);
    expect(Object.keys(metadata)).toEqual(['x', '__proto__', 'q', 'tags', 'eé']);
    expect(Object.getPrototypeOf(metadata)).toBe(Object.prototype);
    const outputs = cell.outputs as { data?: Record<string, unknown>; text?: unknown }[];
    expect(outputs[0]!.text).toBe('');
    expect(outputs[1]!.data).toEqual({
      'text/plain': [],
      'image/png': '',
      'application/json': { n: new RawNumber('3.0', 3) },
    });
  });
});
