// The host's choice about a notebook that changed on disk since Pairbook read it, once for both
// shells: the page asks in its own dialog (renderer/chrome/file-changed-dialog.ts), the Electron
// menu's Save in a native one (electron/main/file-changed-prompt.ts). Same question, same
// options, same consequences.

/** What the host chose for a file that changed on disk. */
export type FileChangedChoice = 'overwrite' | 'reload' | 'later';

/** One answer to the question, besides deciding later. */
export interface FileChangedOption {
  choice: Exclude<FileChangedChoice, 'later'>;
  title: string;
  detail: string;
  /** 'warning': the choice loses work (edits since the last save, for everyone). */
  tone: 'plain' | 'warning';
}

/** The question, in words any shell can show. */
export interface FileChangedQuestion {
  title: string;
  text: string;
  /** In the order shown; the first is the default. */
  options: FileChangedOption[];
  /** The label of deciding later (closing the question does the same). */
  later: string;
}

/** The question asked about the notebook called `name`. */
export function fileChangedQuestion(name: string): FileChangedQuestion {
  return {
    title: `${name} changed on disk since Pairbook read it`,
    text:
      'Another program or person wrote the file after Pairbook opened or last saved it. ' +
      'Nothing is lost: your edits stay here, and autosave waits, until you choose.',
    options: [
      {
        choice: 'overwrite',
        title: 'Overwrite with my version',
        detail: 'Write the notebook as it is here over the file on disk.',
        tone: 'plain',
      },
      {
        choice: 'reload',
        title: 'Load the file from disk',
        detail: 'Replaces everything edited since the last save, for everyone in this session.',
        tone: 'warning',
      },
    ],
    later: 'Decide later',
  };
}

/** What each choice does; each resolves true when the file then holds the document. */
export interface FileChangedActions {
  /** Saves this version over the file (a forced save). */
  overwrite(): Promise<boolean>;
  /** Loads the file from disk into the session, for everyone. */
  reload(): Promise<boolean>;
}

/**
 * The host's decision about the notebook `name`, changed on disk: asks the question with `ask`
 * (however the shell shows it), then overwrites, reloads, or leaves it for later (autosave keeps
 * waiting). Resolves true when the file holds the document afterwards.
 */
export async function decideChangedFile(
  name: string,
  ask: (question: FileChangedQuestion) => Promise<FileChangedChoice>,
  actions: FileChangedActions,
): Promise<boolean> {
  const choice = await ask(fileChangedQuestion(name));
  if (choice === 'overwrite') return actions.overwrite();
  if (choice === 'reload') return actions.reload();
  return false;
}
