// Saving, and the file's state in the toolbar (saved, unsaved, saving, failed). A save that finds
// the file changed on disk asks the host what to do (overwrite it, load it for everyone, or
// later); a guest is told that the host decides.
import type { FileState } from '../../protocol/desktop-api';
import { decideChangedFileInPage } from '../chrome/file-changed-dialog';
import type { Toolbar } from '../chrome/toolbar';
import type { HubClient } from '../connection/hub-client';
import { testEvent } from '../test-hook';
import type { Feedback } from './feedback';

/** The file behind the notebook, as this page knows it. */
export class Saving {
  private state: FileState = { dirty: false, savedAt: null, error: null };
  private deciding = false;

  constructor(
    private readonly client: Pick<HubClient, 'request'>,
    private readonly toolbar: Pick<Toolbar, 'setFileState' | 'notebookName'>,
    private readonly feedback: Feedback,
    /** True in the host's own window: the host decides about a file changed on disk. */
    private readonly decidesChanges: boolean,
  ) {}

  /** The host's file state changed (the shell says so). */
  setState(state: FileState): void {
    this.state = state;
    this.toolbar.setFileState(state);
    testEvent({ type: 'file-state', ...state });
  }

  /** Saves; `force` overwrites a file changed on disk (the host's choice). True when saved. */
  save = async (force = false): Promise<boolean> => {
    this.toolbar.setFileState('saving');
    const reply = await this.client.request({ type: 'save', ...(force ? { force } : {}) });
    const { ok, message = null, code = null } = reply;
    testEvent({ type: 'reply', request: 'save', ok, message, code, force });
    if (ok) this.saved();
    else if (code === 'file-changed' && this.decidesChanges) void this.decideChangedFile();
    else this.feedback.toasts.show(`Cannot save: ${message ?? 'refused by the host'}`, 'warning');
    const state = this.state;
    this.toolbar.setFileState(code === 'file-changed' ? { ...state, error: message } : state);
    return ok;
  };

  /** The file changed on disk (autosave found it so): the host chooses, a guest is told. */
  changedOnDisk(message: string, level: 'info' | 'warning' | 'error'): void {
    if (this.decidesChanges) void this.decideChangedFile();
    else this.feedback.toasts.show(message, level);
  }

  // The decision is protocol/file-changed.ts's, as in Electron's native box; this page asks in
  // its dialog and carries out the choice over the hub.
  private async decideChangedFile(): Promise<void> {
    // One question at a time: a save and an autosave may both find the same change.
    if (this.deciding) return;
    this.deciding = true;
    const name = this.toolbar.notebookName;
    try {
      await decideChangedFileInPage(name || 'The notebook', {
        overwrite: () => this.save(true),
        reload: () => this.reload(name),
      });
    } finally {
      this.deciding = false;
    }
  }

  private async reload(name: string): Promise<boolean> {
    if (!(await this.feedback.request('Cannot load the file', { type: 'reload' }))) return false;
    this.saved();
    this.toolbar.setFileState(this.state);
    this.feedback.say(`Loaded ${name || 'the notebook'} from disk`);
    return true;
  }

  private saved(): void {
    this.state = { ...this.state, dirty: false, error: null, savedAt: Date.now() };
  }
}
