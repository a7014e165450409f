// A save's text is hashed and written from its chunks through one reused buffer: the bytes are
// exactly the text's UTF-8, whatever falls on a group's edge (a character outside the BMP, a
// three-byte one), and the file on disk is hashed the same way.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  TextChunks,
  encodedGroups,
  hashFileInSlices,
  hashTextInSlices,
  sha256,
  writeFileAtomic,
} from '../../../host/document/notebook-file';
import { tempDir } from '../../helpers/notebooks';

const chunks = ['{', 'a😀b€c', '', '😀'.repeat(1000), 'é\n'.repeat(70_000), '}\n'];
const text = chunks.join('');

describe('saving from chunks', () => {
  it.each([4, 5, 6, 7, 13, 4096])('encodes through a %i-byte buffer to the exact bytes', (size) => {
    const groups: Buffer[] = [];
    // Each group is a view of the one buffer: copied before the next is asked for.
    for (const g of encodedGroups(chunks, new Uint8Array(size))) groups.push(Buffer.from(g));
    expect(Buffer.concat(groups).equals(Buffer.from(text))).toBe(true);
    expect(groups.every((g) => g.length > 0 && g.length <= size)).toBe(true);
  });

  it('hashes and writes the text, and hashes the file on disk, as the whole would be', async () => {
    expect(await hashTextInSlices(chunks)).toEqual({
      sha256: sha256(text),
      bytes: Buffer.byteLength(text),
    });
    const path = join(tempDir(), 'nb.ipynb');
    await writeFileAtomic(path, new TextChunks(chunks));
    expect(readFileSync(path).equals(Buffer.from(text))).toBe(true);
    expect(await hashFileInSlices(path)).toBe(sha256(text));
    writeFileSync(path, '');
    expect(await hashFileInSlices(path)).toBe(sha256(''));
    expect(await hashFileInSlices(join(tempDir(), 'missing.ipynb'))).toBeNull();
  });
});
