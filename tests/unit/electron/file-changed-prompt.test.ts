// Electron's native box asks the same question as the page's dialog (protocol/file-changed.ts).
import { describe, expect, it, vi } from 'vitest';
import { fileChangedQuestion } from '../../../protocol/file-changed';

vi.mock('electron', () => import('./fake-electron'));
const { fileChangedMessageBox } = await import('../../../electron/main/file-changed-prompt');

describe('the native file-changed box', () => {
  const question = fileChangedQuestion('nb.ipynb');
  const box = fileChangedMessageBox(question);

  it('has a button per option, then Decide later, which closing the box means too', () => {
    expect(box.options.message).toBe('nb.ipynb changed on disk since Pairbook read it');
    expect(box.options.buttons).toEqual([
      'Overwrite with my version',
      'Load the file from disk',
      'Decide later',
    ]);
    expect([0, 1, 2, box.options.cancelId!].map((r) => box.choiceOf(r))).toEqual([
      'overwrite',
      'reload',
      'later',
      'later',
    ]);
    expect(box.options.defaultId).toBe(0);
  });

  it('says in the detail what loading from disk loses, since a button cannot', () => {
    expect(box.options.detail).toContain(question.text);
    expect(box.options.detail).toContain(
      'Load the file from disk: Replaces everything edited since the last save, for everyone',
    );
  });
});
