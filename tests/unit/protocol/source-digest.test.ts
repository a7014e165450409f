import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import type { Notebook } from '../../../protocol/nbformat';
import {
  SOURCE_DIGEST_CHARS,
  isSourceDigest,
  sourceDigest,
  sourceDigests,
} from '../../../protocol/source-digest';
import { cellsOf, loadNotebookIntoDoc } from '../../../protocol/ydoc-nbformat';
import { codeCell, notebook } from '../../helpers/notebooks';

describe('source digests', () => {
  it('are the first 128 bits of SHA-256 of the UTF-8 source, in base64url', () => {
    for (const source of ['', 'print("hi")', 'é — ✓ 🐍\n']) {
      const expected = createHash('sha256')
        .update(source, 'utf8')
        .digest()
        .subarray(0, 16)
        .toString('base64url');
      expect(sourceDigest(source)).toBe(expected);
      expect(sourceDigest(source)).toHaveLength(SOURCE_DIGEST_CHARS);
      expect(isSourceDigest(sourceDigest(source))).toBe(true);
    }
    expect(sourceDigest('a = 1')).not.toBe(sourceDigest('a = 2'));
  });

  it("of a replica's cells, by id, with '' for a cell it does not have", () => {
    const doc = new Y.Doc();
    loadNotebookIntoDoc(
      notebook([codeCell('a', ['x = 1']), codeCell('b', ['y'])]) as unknown as Notebook,
      doc,
    );
    cellsOf(doc as Y.Doc).push([42 as unknown as Y.Map<unknown>]);
    expect(sourceDigests(doc, ['b', 'nowhere', 'a'])).toEqual([
      sourceDigest('y'),
      '',
      sourceDigest('x = 1'),
    ]);
  });
});
