import { Modal, h } from './modal';

/** What the host chose for a file that changed on disk. */
export type FileChangedChoice = 'overwrite' | 'reload' | 'later';

let showing: Promise<FileChangedChoice> | null = null;

/**
 * Asks the host what to do about `name`, which changed on disk since Pairbook read it: overwrite
 * it with this version, load it from disk (replacing the edits since the last save for everyone)
 * or decide later (closing the dialog, Escape or ×). While the dialog is open, another call gets
 * the same answer instead of a second dialog.
 */
export function openFileChangedDialog(name: string): Promise<FileChangedChoice> {
  showing ??= new Promise<FileChangedChoice>((resolve) => {
    let choice: FileChangedChoice = 'later';
    const modal = new Modal(
      `${name} changed on disk since Pairbook read it`,
      'file-changed',
      () => {
        showing = null;
        resolve(choice);
      },
    );
    modal.element.classList.add('file-changed-dialog');
    const option = (
      value: FileChangedChoice,
      title: string,
      detail: string,
      tone: 'plain' | 'warning',
    ) => {
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
    };
    const overwrite = option(
      'overwrite',
      'Overwrite with my version',
      'Write the notebook as it is here over the file on disk.',
      'plain',
    );
    const reload = option(
      'reload',
      'Load the file from disk',
      'Replaces everything edited since the last save, for everyone in this session.',
      'warning',
    );
    const later = h('button', 'secondary-button', 'file-changed-later', 'Decide later');
    later.type = 'button';
    later.addEventListener('click', () => modal.close());
    modal.body.append(
      h(
        'p',
        'file-changed-text',
        undefined,
        'Another program or person wrote the file after Pairbook opened or last saved it. ' +
          'Nothing is lost: your edits stay here, and autosave waits, until you choose.',
      ),
      h('div', 'file-changed-options', undefined),
    );
    modal.body.lastElementChild?.append(overwrite, reload);
    modal.footer.append(h('div', 'spacer'), later);
    modal.show();
    overwrite.focus();
  });
  return showing;
}
