import {
  type FileChangedActions,
  type FileChangedChoice,
  type FileChangedQuestion,
  decideChangedFile,
} from '../../protocol/file-changed';
import { Modal, h } from './modal';

let showing: Promise<FileChangedChoice> | null = null;

/**
 * The page's side of decideChangedFile (protocol/file-changed.ts): asks the host in a dialog what
 * to do about `name`, which changed on disk since Pairbook read it (overwrite it with this
 * version, load it from disk, replacing the edits since the last save for everyone, or decide
 * later: closing the dialog, Escape or ×), then does what was chosen with `actions`. While the
 * dialog is open, another call gets the same answer instead of a second dialog.
 */
export function decideChangedFileInPage(
  name: string,
  actions: FileChangedActions,
): Promise<boolean> {
  return decideChangedFile(name, askInDialog, actions);
}

function askInDialog(question: FileChangedQuestion): Promise<FileChangedChoice> {
  showing ??= new Promise<FileChangedChoice>((resolve) => {
    let choice: FileChangedChoice = 'later';
    const modal = new Modal(question.title, 'file-changed', () => {
      showing = null;
      resolve(choice);
    });
    modal.element.classList.add('file-changed-dialog');
    const options = question.options.map(({ choice: value, title, detail, tone }) => {
      const b = h('button', `file-changed-option ${tone}`, `file-changed-${value}`);
      b.type = 'button';
      b.append(
        h('span', 'file-changed-option-title', undefined, title),
        h('span', 'file-changed-option-detail', undefined, detail),
      );
      b.addEventListener('click', () => {
        choice = value;
        modal.close();
      });
      return b;
    });
    const later = h('button', 'secondary-button', 'file-changed-later', question.later);
    later.type = 'button';
    later.addEventListener('click', () => modal.close());
    const list = h('div', 'file-changed-options', undefined);
    list.append(...options);
    modal.body.append(h('p', 'file-changed-text', undefined, question.text), list);
    modal.footer.append(h('div', 'spacer'), later);
    modal.show();
    options[0]?.focus();
  });
  return showing;
}
