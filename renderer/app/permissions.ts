// What this person may do, following their role at once: the notebook read-only for viewers, Run
// explained to those who may not run, the role shown to the others. A guest whose session ended
// keeps a read-only copy.
import type { Awareness } from 'y-protocols/awareness';
import { type Role, can, describeRole } from '../../protocol/roles';
import type { Toolbar } from '../chrome/toolbar';
import type { NotebookView } from '../notebook/notebook-view';
import type { GuestConnection } from '../sharing/guest-connection';
import { testEvent } from '../test-hook';

const ENDED = 'The session has ended: this is a read-only copy';

/** What Permissions works on. */
export interface PermissionsOptions {
  root: HTMLElement;
  toolbar: Pick<Toolbar, 'setRole' | 'setRunAllowed'>;
  awareness: Pick<Awareness, 'setLocalStateField'>;
  /** The guest's connection; null in the host's own window. */
  guest: Pick<GuestConnection, 'role'> | null;
  say(message: string, level: 'warning'): void;
}

/** This person's role, and what it lets them do. */
export class Permissions {
  private current: Role;
  private ended = false;
  private notebook: NotebookView | null = null;

  constructor(private readonly o: PermissionsOptions) {
    this.current = o.guest ? (o.guest.role ?? 'viewer') : 'host';
    this.set(this.current);
  }

  get role(): Role {
    return this.current;
  }

  /** True once a guest's session ended: they hold a read-only copy. */
  get sessionEnded(): boolean {
    return this.ended;
  }

  /** The notebook, once on screen: it follows the role from now on. */
  attach(notebook: NotebookView): void {
    this.notebook = notebook;
    this.set(this.current);
  }

  /** Takes role `next` (the host's say, for a guest). */
  set(next: Role): void {
    const { root, toolbar, awareness, guest } = this.o;
    const role = (this.current = this.ended ? 'viewer' : next);
    root.dataset.role = role;
    this.notebook?.setPermissions({ edit: can(role, 'edit'), moveOutputs: role === 'host' });
    if (guest) {
      toolbar.setRole(this.ended ? 'read-only copy' : role, describeRole(role));
      // A guest the host has not let in yet has no role to show others.
      if (guest.role !== null || this.ended) awareness.setLocalStateField('role', role);
    } else awareness.setLocalStateField('role', 'host');
    toolbar.setRunAllowed(can(role, 'run'));
    testEvent({ type: 'role', role });
  }

  /** The session is over: from now on a viewer of a read-only copy. */
  endSession(): void {
    this.ended = true;
    this.set('viewer');
  }

  /** True when this person may run; otherwise says why not. */
  mayRun(): boolean {
    const role = this.current;
    if (can(role, 'run')) return true;
    const message = this.ended
      ? ENDED
      : role === 'editor'
        ? 'The host has not allowed you to run cells: you are an editor. Ask the host to make you a runner.'
        : 'You are a viewer: you can read the notebook but not run it';
    this.o.say(message, 'warning');
    testEvent({ type: 'refused-locally', what: 'run', role });
    return false;
  }

  /** Says why this person cannot change the notebook (they tried). */
  explainReadOnly(): void {
    this.o.say(
      this.ended
        ? ENDED
        : 'You are a viewer: ask the host for the editor role to change the notebook',
      'warning',
    );
  }
}
