import { type BrowserWindow, type MessageBoxOptions, dialog } from 'electron';
import type { FileChangedChoice, FileChangedQuestion } from '../../protocol/file-changed';

/**
 * The native message box asking `question` (protocol/file-changed.ts): one button per option,
 * then deciding later, which closing the box also means; what loses work is said in the detail,
 * since a button has no room for it. `choiceOf` reads the button pressed.
 */
export function fileChangedMessageBox(question: FileChangedQuestion): {
  options: MessageBoxOptions;
  choiceOf(response: number): FileChangedChoice;
} {
  const warnings = question.options
    .filter((o) => o.tone === 'warning')
    .map((o) => `${o.title}: ${o.detail}`);
  return {
    options: {
      type: 'warning',
      message: question.title,
      detail: [question.text, ...warnings].join('\n\n'),
      buttons: [...question.options.map((o) => o.title), question.later],
      defaultId: 0,
      cancelId: question.options.length,
      noLink: true,
    },
    choiceOf: (response) => question.options[response]?.choice ?? 'later',
  };
}

/** Asks `question` in a native message box on `window`. */
export async function askInMessageBox(
  window: BrowserWindow,
  question: FileChangedQuestion,
): Promise<FileChangedChoice> {
  const box = fileChangedMessageBox(question);
  const { response } = await dialog.showMessageBox(window, box.options);
  return box.choiceOf(response);
}
