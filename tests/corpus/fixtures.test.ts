// The corpus suite: the small in-repository corpus (tests/corpus/fixtures: notebooks a real kernel
// ran and nbformat saved, written by make-fixtures.py) always; the larger real-world corpus
// (../shared/fixtures, or $PAIRBOOK_FIXTURES) when it is there.
import { copyFileSync, readFileSync, statSync } from 'node:fs';
import { basename, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { cellsOf } from '../../protocol/ydoc-nbformat';
import { checkNotebook } from '../../host/cli/check';
import { readNotebookFile } from '../../host/document/notebook-file';
import { NotebookSession } from '../../host/session/notebook-session';
import { FIXTURES, fixtureNotebooks } from '../helpers/fixtures';
import { tempDir } from '../helpers/notebooks';

const OWN = join(import.meta.dirname, 'fixtures');
const own = (name: string) => join(OWN, name);

/** Opens a copy of `fixture`, types one character into its first non-empty cell and saves. */
async function editAndSave(fixture: string): Promise<{ before: string[]; after: string[] }> {
  const path = join(tempDir(), 'copy.ipynb');
  copyFileSync(fixture, path);
  const before = readFileSync(path, 'utf8').split('\n');
  const session = await NotebookSession.open(path, { dataDir: tempDir(), autosaveDelayMs: 0 });
  const cell = cellsOf(session.doc)
    .toArray()
    .find((c) => (c.get('source') as Y.Text).length > 0) as Y.Map<unknown>;
  (cell.get('source') as Y.Text).insert(0, '@');
  await session.save();
  await session.close();
  return { before, after: readFileSync(path, 'utf8').split('\n') };
}

describe('the in-repository corpus', () => {
  it('executed.ipynb (every output type, as a kernel made them): saves byte for byte', async () => {
    const r = await checkNotebook(own('executed.ipynb'));
    expect(r).toMatchObject({ ok: true, message: 'ok: saves byte for byte' });
  });

  it('executed.ipynb: an edit saved through a session changes only that line', async () => {
    const { before, after } = await editAndSave(own('executed.ipynb'));
    expect(after.length).toBe(before.length);
    expect(after.filter((line, i) => line !== before[i])).toHaveLength(1);
  });

  it('v4.4-no-ids.ipynb: opens, and an unchanged save leaves the file as it was', async () => {
    const path = join(tempDir(), 'v4.4.ipynb');
    copyFileSync(own('v4.4-no-ids.ipynb'), path);
    const bytes = readFileSync(path);
    expect((await checkNotebook(path)).ok).toBe(true);
    const session = await NotebookSession.open(path, { dataDir: tempDir(), autosaveDelayMs: 0 });
    await session.save();
    await session.close();
    expect(readFileSync(path).equals(bytes)).toBe(true);
  });

  it('v3.ipynb is refused, with the upgrade command', async () => {
    await expect(readNotebookFile(own('v3.ipynb'))).rejects.toMatchObject({
      code: 'unsupported-version',
      message: expect.stringMatching(/nbformat 3 notebook.*pairbook upgrade/),
    });
  });
});

if (!FIXTURES) {
  console.warn(
    'corpus suite: the real-world corpus (../shared/fixtures or $PAIRBOOK_FIXTURES) is absent, ' +
      'so only the in-repository corpus ran',
  );
}

const real = fixtureNotebooks('real');
const nbformat = fixtureNotebooks('nbformat');
const byName = (name: string) => nbformat.find((p) => basename(p) === name) as string;

/** Files Jupyter wrote (canonical layout): an edit-free save must reproduce them exactly. */
const canonicalV4 = FIXTURES
  ? [
      ...real,
      ...[
        'many_tracebacks.ipynb',
        'no_min_version.ipynb',
        'test4.5.ipynb',
        'test4.ipynb',
        'test4custom.ipynb',
        'test4docinfo.ipynb',
        'test4jupyter_metadata.ipynb',
        'test4jupyter_metadata_timings.ipynb',
      ].map(byName),
    ]
  : [];

describe.skipIf(!FIXTURES)('the real-notebook corpus', () => {
  it('has the notebooks this suite expects', () => {
    expect(real.length).toBeGreaterThanOrEqual(9);
    expect(canonicalV4.every(Boolean)).toBe(true);
  });

  it.each(canonicalV4.map((p) => [basename(p), p]))(
    '%s: load into a Y.Doc and serialize reproduces every byte',
    async (_name, path) => {
      const r = await checkNotebook(path);
      expect(r).toMatchObject({ ok: true, message: 'ok: saves byte for byte' });
    },
  );

  it.each(canonicalV4.slice(0, 4).map((p) => [basename(p), p]))(
    '%s: an edit saved through a session changes only that line',
    async (_name, fixture) => {
      const { before, after } = await editAndSave(fixture);
      expect(after.length).toBe(before.length);
      expect(after.filter((line, i) => line !== before[i])).toHaveLength(1);
    },
  );

  it.each(
    ['test4plus.ipynb', 'v4_5_invalid_metadata.ipynb', 'v4_5_no_cell_id.ipynb'].map((n) => [n]),
  )('%s: opens, and an unchanged save leaves the file as it was', async (name) => {
    const path = join(tempDir(), name);
    copyFileSync(byName(name), path);
    const bytes = readFileSync(path);
    const mtime = statSync(path).mtimeMs;
    expect((await checkNotebook(path)).ok).toBe(true);
    const session = await NotebookSession.open(path, { dataDir: tempDir(), autosaveDelayMs: 0 });
    await session.save();
    await session.close();
    expect(readFileSync(path).equals(bytes)).toBe(true);
    expect(statSync(path).mtimeMs).toBe(mtime);
  });

  it.each([
    ['invalid.ipynb', 'invalid-notebook', /cells\[0\]: "source" is missing/],
    ['invalid_cell_id.ipynb', 'invalid-cell-id', /"\$illegal_chars" is not valid/],
    ['invalid_unique_cell_id.ipynb', 'duplicate-cell-id', /share the id "dup"/],
    ['test2.ipynb', 'unsupported-version', /nbformat 2 notebook/],
    ['test3.ipynb', 'unsupported-version', /nbformat 3 notebook.*pairbook upgrade/],
    ['test3_no_metadata.ipynb', 'unsupported-version', /nbformat 3/],
    ['test3_no_min_version.ipynb', 'unsupported-version', /nbformat 3/],
    ['test3_no_worksheets.ipynb', 'unsupported-version', /nbformat 3/],
    ['test3_worksheet_with_no_cells.ipynb', 'unsupported-version', /nbformat 3/],
  ])('%s is refused with a reason (%s)', async (name, code, message) => {
    await expect(readNotebookFile(byName(name))).rejects.toMatchObject({
      code,
      message: expect.stringMatching(message),
    });
    const r = await checkNotebook(byName(name));
    expect(r.ok).toBe(false);
  });
});
