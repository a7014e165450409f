// A save's bytes are hashed and written from their parts, never joined into one buffer, and the
// file on disk is hashed a group at a time: each gives what the whole would.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  hashFileInSlices,
  hashPartsInSlices,
  sha256,
  writeFileAtomic,
} from '../../../host/document/notebook-file';
import { tempDir } from '../../helpers/notebooks';

const parts = ['{', 'a😀b€c', '', '😀'.repeat(200_000), 'é\n'.repeat(400_000), '}\n'].map((t) =>
  Buffer.from(t),
);
const whole = Buffer.concat(parts);

describe('saving from parts', () => {
  it('hashes and writes the parts, and hashes the file on disk, as the whole would be', async () => {
    expect(await hashPartsInSlices(parts)).toEqual({ sha256: sha256(whole), bytes: whole.length });
    const path = join(tempDir(), 'nb.ipynb');
    await writeFileAtomic(path, parts);
    expect(readFileSync(path).equals(whole)).toBe(true);
    expect(await hashFileInSlices(path)).toBe(sha256(whole));
    writeFileSync(path, '');
    expect(await hashFileInSlices(path)).toBe(sha256(''));
    expect(await hashFileInSlices(join(tempDir(), 'missing.ipynb'))).toBeNull();
  });
});
