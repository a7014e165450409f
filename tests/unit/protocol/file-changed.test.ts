// The one decision about a notebook changed on disk, which both shells ask in their own way.
import { describe, expect, it } from 'vitest';
import {
  type FileChangedChoice,
  decideChangedFile,
  fileChangedQuestion,
} from '../../../protocol/file-changed';

function decide(choice: FileChangedChoice, results = { overwrite: true, reload: true }) {
  const done: string[] = [];
  const asked: string[] = [];
  const outcome = decideChangedFile('nb.ipynb', async (q) => (asked.push(q.title), choice), {
    overwrite: async () => (done.push('overwrite'), results.overwrite),
    reload: async () => (done.push('reload'), results.reload),
  });
  return outcome.then((ok) => ({ ok, done, asked }));
}

describe('decideChangedFile', () => {
  it('asks about the notebook by name, then does what was chosen, and only that', async () => {
    expect(await decide('overwrite')).toEqual({
      ok: true,
      done: ['overwrite'],
      asked: ['nb.ipynb changed on disk since Pairbook read it'],
    });
    expect((await decide('reload')).done).toEqual(['reload']);
  });

  it('does nothing when the host decides later: the file does not hold the document', async () => {
    expect(await decide('later')).toMatchObject({ ok: false, done: [] });
  });

  it('says whether the chosen step succeeded', async () => {
    expect((await decide('overwrite', { overwrite: false, reload: true })).ok).toBe(false);
    expect((await decide('reload', { overwrite: true, reload: false })).ok).toBe(false);
  });
});

describe('fileChangedQuestion', () => {
  it('offers overwriting first, and warns that loading from disk replaces edits for everyone', () => {
    const q = fileChangedQuestion('nb.ipynb');
    expect(q.options.map((o) => [o.choice, o.tone])).toEqual([
      ['overwrite', 'plain'],
      ['reload', 'warning'],
    ]);
    expect(q.options[1]?.detail).toMatch(
      /Replaces everything edited since the last save, for everyone/,
    );
    expect(q.later).toBe('Decide later');
  });
});
