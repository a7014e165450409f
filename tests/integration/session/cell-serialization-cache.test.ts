// The cached serializer writes exactly what serializeNotebook writes, after any edit: checked on
// the in-repository corpus, the real-notebook corpus when present, and a small sample, through
// seeded random edits of every kind a notebook sees.
import { readFileSync, readdirSync } from 'node:fs';
import { basename, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { CellSerializationCache } from '../../../host/document/cell-serialization-cache';
import { encodeInSlices, sha256 } from '../../../host/document/notebook-file';
import { validateNotebook } from '../../../protocol/nbformat';
import { parseJson } from '../../../protocol/python-json';
import {
  cellsOf,
  createCellMap,
  loadNotebookIntoDoc,
  metaOf,
  readSaveHint,
  serializeNotebook,
} from '../../../protocol/ydoc-nbformat';
import { fixtureNotebooks } from '../../helpers/fixtures';
import { jupyterText, sampleNotebook } from '../../helpers/notebooks';
import { seededRandom } from '../../helpers/seeded-random';

const OWN = join(import.meta.dirname, '../../corpus/fixtures');
const files = [
  ...readdirSync(OWN)
    .filter((f) => f.endsWith('.ipynb'))
    .map((f) => join(OWN, f)),
  ...fixtureNotebooks('real'),
  ...fixtureNotebooks('nbformat'),
];

/** One random edit of the kinds a session sees. */
function edit(doc: Y.Doc, rnd: () => number, n: number): void {
  const cells = cellsOf(doc);
  const pick = () => cells.get(Math.floor(rnd() * cells.length));
  // Text edits go to cells that have a text (a newer nbformat's cell type may have none).
  const pickText = (): Y.Text | null => {
    const source = pick().get('source');
    return source instanceof Y.Text ? source : null;
  };
  const r = rnd();
  if (cells.length === 0 || r < 0.1) {
    cells.insert(Math.floor(rnd() * (cells.length + 1)), [
      createCellMap(
        {
          cell_type: 'code',
          source: `new ${n}\n`,
          metadata: {},
          outputs: [],
          execution_count: null,
        },
        `new-${n}`,
      ),
    ]);
  } else if (r < 0.45) {
    const text = pickText();
    text?.insert(Math.floor(rnd() * (text.length + 1)), rnd() < 0.3 ? '\n' : `é${n}`);
  } else if (r < 0.55) {
    const text = pickText();
    if (text && text.length > 0) text.delete(Math.floor(rnd() * text.length), 1);
  } else if (r < 0.62) {
    cells.delete(Math.floor(rnd() * cells.length), 1);
  } else if (r < 0.7) {
    // A move, as the app does it: delete and insert a copy.
    const from = Math.floor(rnd() * cells.length);
    const json = cells.get(from).toJSON() as { id: string; cell_type: string; source: string };
    doc.transact(() => {
      cells.delete(from, 1);
      const to = Math.floor(rnd() * (cells.length + 1));
      cells.insert(to, [
        createCellMap(
          { ...json, metadata: {}, outputs: [], execution_count: null } as never,
          json.id,
        ),
      ]);
    });
  } else if (r < 0.8) {
    (pick().get('metadata') as Y.Map<unknown>).set('tags', [`t${n}`]);
  } else if (r < 0.88) {
    const cell = pick();
    if (cell.get('cell_type') === 'code') cell.set('execution_count', n);
  } else if (r < 0.95) {
    const outputs = pick().get('outputs');
    if (outputs instanceof Y.Array) outputs.delete(0, outputs.length);
  } else {
    (metaOf(doc).get('metadata') as Y.Map<unknown>).set('edited', n);
  }
}

describe('CellSerializationCache', () => {
  it.each(files.map((f) => [f.split('/').at(-1)!, f]))(
    '%s: writes what serializeNotebook writes, unedited and after each of 40 random edits',
    async (_, path) => {
      const text = readFileSync(path, 'utf8');
      const parsed = parseJson(text);
      if (!parsed.ok) return;
      const checked = validateNotebook(parsed.value);
      if (!checked.ok) return;
      const doc = new Y.Doc();
      const ids = loadNotebookIntoDoc(checked.value.notebook, doc);
      const hint = readSaveHint(text, ids);
      const cache = new CellSerializationCache(doc);
      cache.useHint(hint);
      await cache.warm();
      expect(cache.serialize()).toBe(serializeNotebook(doc, hint));
      const rnd = seededRandom(basename(path).length);
      for (let n = 0; n < 40; n++) {
        edit(doc, rnd, n);
        if (rnd() < 0.3) await cache.warm();
        expect(cache.serialize(), `after edit ${n}`).toBe(serializeNotebook(doc, hint));
      }
    },
  );

  it('writes a notebook without a hint, and one whose cells were all deleted', () => {
    const doc = new Y.Doc();
    const ids = loadNotebookIntoDoc(sampleNotebook() as never, doc);
    const cache = new CellSerializationCache(doc);
    expect(cache.serialize()).toBe(serializeNotebook(doc));
    cache.useHint(readSaveHint(jupyterText(sampleNotebook()), ids));
    cellsOf(doc).delete(0, cellsOf(doc).length);
    expect(cache.serialize()).toBe(
      serializeNotebook(doc, readSaveHint(jupyterText(sampleNotebook()), ids)),
    );
  });

  it('is encoded in slices to the same bytes, a character outside the BMP split by no slice', async () => {
    // 😀 is a surrogate pair in UTF-16: one at every offset around the 256 K part boundary.
    const chunks = [
      '{',
      `${'a'.repeat(256 * 1024 - 1)}😀${'b'.repeat(10)}`,
      '😀'.repeat(200_000),
      '}\n',
    ];
    const text = chunks.join('');
    const encoded = await encodeInSlices(chunks);
    expect(Buffer.concat(encoded.parts).equals(Buffer.from(text))).toBe(true);
    expect(encoded.sha256).toBe(sha256(text));
    expect(encoded.bytes).toBe(Buffer.byteLength(text));
  });
});
