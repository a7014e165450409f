import type * as Y from 'yjs';
import type { FileState } from '../../protocol/desktop-api';
import { type Role, can } from '../../protocol/roles';
import { type CellRun, RUNTIME, runtimeOf } from '../../protocol/runtime-state';
import type { ConnectionStatus } from '../connection/hub-client';
import { KernelPicker } from './kernel-picker';

const ICONS = {
  run: '<svg viewBox="0 0 16 16"><path d="M4.5 2.5v11l9-5.5z" fill="currentColor"/></svg>',
  interrupt:
    '<svg viewBox="0 0 16 16"><rect x="4" y="4" width="8" height="8" rx="1" fill="currentColor"/></svg>',
  restart:
    '<svg viewBox="0 0 16 16"><path d="M12.5 8a4.5 4.5 0 1 1-1.32-3.18M12.5 2.5v3h-3" fill="none" stroke="currentColor" stroke-width="1.5" stroke-linecap="round" stroke-linejoin="round"/></svg>',
  add: '<svg viewBox="0 0 16 16"><path d="M8 3v10M3 8h10" stroke="currentColor" stroke-width="1.6" stroke-linecap="round"/></svg>',
  save: '<svg viewBox="0 0 16 16"><path d="M3 2.5h8l2.5 2.5v8.5h-11v-11z M5 2.5v3.5h5v-3.5 M5 13.5v-4h6v4" fill="none" stroke="currentColor" stroke-width="1.3" stroke-linejoin="round"/></svg>',
  find: '<svg viewBox="0 0 16 16"><circle cx="7" cy="7" r="4" fill="none" stroke="currentColor" stroke-width="1.5"/><path d="M10 10l3.5 3.5" stroke="currentColor" stroke-width="1.5" stroke-linecap="round"/></svg>',
  share:
    '<svg viewBox="0 0 16 16"><circle cx="5.5" cy="6" r="2.3" fill="none" stroke="currentColor" stroke-width="1.4"/><path d="M1.8 13.5c.5-2.2 2-3.4 3.7-3.4s3.2 1.2 3.7 3.4" fill="none" stroke="currentColor" stroke-width="1.4" stroke-linecap="round"/><path d="M11.5 4.5v5M9 7h5" stroke="currentColor" stroke-width="1.4" stroke-linecap="round"/></svg>',
  join: '<svg viewBox="0 0 16 16"><path d="M9.5 2.5h3a1 1 0 0 1 1 1v9a1 1 0 0 1-1 1h-3M2.5 8h8M7.5 5l3 3-3 3" fill="none" stroke="currentColor" stroke-width="1.4" stroke-linecap="round" stroke-linejoin="round"/></svg>',
  theme:
    '<svg viewBox="0 0 16 16"><circle cx="8" cy="8" r="5.5" fill="none" stroke="currentColor" stroke-width="1.4"/><path d="M8 2.5a5.5 5.5 0 0 1 0 11z" fill="currentColor"/></svg>',
};

const RUN_TITLE = 'Run the selected cells and advance (Shift-Enter)';

/** A toolbar button running `action`: an icon, with `text` beside it if given. */
function toolButton(
  onAction: (action: ToolbarAction) => void,
  action: ToolbarAction,
  label: string,
  icon: string,
  text?: string,
): HTMLElement {
  const b = document.createElement('button');
  b.className = text ? 'tool-button with-label' : 'tool-button icon-button';
  b.dataset.testid = `${action}-button`;
  b.title = label;
  b.setAttribute('aria-label', label);
  b.innerHTML = icon + (text ? `<span>${text}</span>` : '');
  b.addEventListener('click', () => onAction(action));
  return b;
}

/** A group of toolbar buttons. */
function toolGroup(...children: HTMLElement[]): HTMLElement {
  const g = document.createElement('div');
  g.className = 'tool-group';
  g.append(...children);
  return g;
}

/** `element` with a class and, optionally, a test id. */
function mark<T extends HTMLElement>(element: T, className: string, testId?: string): T {
  element.className = className;
  if (testId) element.dataset.testid = testId;
  return element;
}

/** The toolbar's buttons, by what they do. */
export type ToolbarAction =
  'run' | 'interrupt' | 'restart' | 'insert' | 'save' | 'find' | 'toggle-theme' | 'share' | 'join';

/**
 * The bar above the notebook: file name and saved state, cell and kernel buttons, the kernel
 * picker showing the kernel's status, the queue, connection state, find and theme.
 */
export class Toolbar {
  readonly element = document.createElement('header');
  private readonly name = document.createElement('span');
  private readonly saveState = document.createElement('span');
  /** The kernel's status, and the menu to change it. */
  readonly kernelPicker: KernelPicker;
  private readonly kernelListeners = new Set<(name: string) => void>();
  private readonly queue = document.createElement('span');
  private readonly connection = document.createElement('span');
  private readonly sharingGroup = document.createElement('div');
  private readonly roleBadge = document.createElement('span');
  private readonly runButton: HTMLElement;
  private awaitingAdmission = false;
  private readonly button: (a: ToolbarAction, l: string, i: string, t?: string) => HTMLElement;

  constructor(
    private readonly doc: Y.Doc,
    onAction: (action: ToolbarAction) => void,
  ) {
    this.element.className = 'toolbar';
    this.kernelPicker = new KernelPicker(doc, (name) =>
      this.kernelListeners.forEach((l) => l(name)),
    );
    const button = (action: ToolbarAction, label: string, icon: string, text?: string) =>
      toolButton(onAction, action, label, icon, text);
    this.button = button;
    mark(this.queue, 'queue-length', 'queue-length');
    mark(this.connection, 'connection-status', 'connection-status');
    this.sharingGroup.className = 'tool-group sharing-group';
    mark(this.roleBadge, 'role-badge', 'my-role').hidden = true;
    this.runButton = button('run', RUN_TITLE, ICONS.run, 'Run');
    this.element.append(
      this.brand(),
      toolGroup(
        button('insert', 'Insert a cell below (B)', ICONS.add),
        this.runButton,
        button('interrupt', 'Interrupt the kernel (I, I)', ICONS.interrupt),
        button('restart', 'Restart the kernel (0, 0)', ICONS.restart),
      ),
      mark(document.createElement('div'), 'spacer'),
      this.connection,
      this.queue,
      this.kernelPicker.element,
      this.roleBadge,
      this.sharingGroup,
      toolGroup(
        button('find', 'Find in notebook (Ctrl-F)', ICONS.find),
        button('save', 'Save (Ctrl-S)', ICONS.save),
        button('toggle-theme', 'Switch between light and dark', ICONS.theme),
      ),
    );
    runtimeOf(doc).observeDeep(() => this.paintRuntime());
    this.paintRuntime();
    this.setFileState({ dirty: false, savedAt: null, error: null });
  }

  /** Calls `listener` with the kernelspec name chosen in the kernel picker; returns its off switch. */
  onKernelChosen(listener: (name: string) => void): () => void {
    this.kernelListeners.add(listener);
    return () => this.kernelListeners.delete(listener);
  }

  /** Shows the host's sharing buttons (Share session, Join). */
  showHostSharing(): void {
    this.sharingGroup.replaceChildren(
      this.button('join', 'Join someone else’s session', ICONS.join),
      this.button('share', 'Share this notebook with others', ICONS.share, 'Share'),
    );
  }

  /**
   * Shows a guest's role ("Editor"), with what it allows as the tooltip; the kernel picker is
   * only for roles that may run ("read-only copy" and the rest get its reason as its title).
   */
  setRole(role: string, explanation: string): void {
    this.roleBadge.hidden = this.awaitingAdmission;
    this.roleBadge.textContent = role[0]?.toUpperCase() + role.slice(1);
    this.roleBadge.className = `role-badge role-${role}`;
    this.roleBadge.title = explanation;
    const mayRun = isRole(role) && can(role, 'run');
    this.kernelPicker.setAllowed(
      mayRun,
      isRole(role)
        ? `You are ${role === 'editor' ? 'an' : 'a'} ${role}: ask the host for the runner role to change the kernel`
        : 'The session has ended: this is a read-only copy',
    );
  }

  /** Shows the notebook's file name. */
  setName(name: string): void {
    this.name.textContent = name;
    this.name.title = name;
  }

  /** The notebook's file name as shown; '' before it is known. */
  get notebookName(): string {
    return this.name.textContent ?? '';
  }

  /** Says on the Run button whether this person may run cells. */
  setRunAllowed(allowed: boolean): void {
    this.runButton.title = allowed ? RUN_TITLE : 'The host has not allowed you to run cells';
  }

  /**
   * While a guest waits to be let in, it has no role, file or kernel yet: their places in the
   * toolbar stay empty rather than showing defaults ("Viewer", "Saved", "No kernel").
   */
  setAwaitingAdmission(waiting: boolean): void {
    this.awaitingAdmission = waiting;
    this.saveState.hidden = waiting;
    this.kernelPicker.element.hidden = waiting;
    this.roleBadge.hidden = waiting || this.roleBadge.textContent === '';
  }

  /** Shows whether the file holds the document. */
  setFileState(state: FileState | 'saving'): void {
    const [text, cls] =
      state === 'saving'
        ? ['Saving…', 'saving']
        : state.error
          ? ['Save failed', 'error']
          : state.dirty
            ? ['Unsaved changes', 'dirty']
            : ['Saved', 'saved'];
    this.saveState.textContent = text;
    this.saveState.dataset.state = cls;
    this.saveState.title =
      state !== 'saving' && state.error
        ? state.error
        : state !== 'saving' && state.savedAt
          ? `Saved at ${new Date(state.savedAt).toLocaleTimeString()}`
          : '';
  }

  /** Shows the connection to the host. */
  setConnection(status: ConnectionStatus, reason: string | null): void {
    this.connection.dataset.state = status;
    this.connection.textContent =
      status === 'offline' ? 'Reconnecting…' : status === 'synced' ? '' : 'Connecting…';
    this.connection.title = reason ?? '';
  }

  /** Shows that this page is not connected and will not try again. */
  setConnectionEnded(): void {
    this.connection.dataset.state = 'ended';
    this.connection.textContent = 'Not connected';
    this.connection.title = '';
  }

  /** The mark, the notebook's name and its saved state. */
  private brand(): HTMLElement {
    const brand = mark(document.createElement('div'), 'brand');
    brand.innerHTML =
      '<svg class="brand-mark" viewBox="0 0 20 20" aria-hidden="true"><rect x="2" y="3" width="9" height="14" rx="2.5"/><rect x="9" y="3" width="9" height="14" rx="2.5" opacity=".55"/></svg>';
    mark(this.name, 'notebook-name', 'notebook-name');
    mark(this.saveState, 'save-state', 'save-state');
    brand.append(this.name, this.saveState);
    return brand;
  }

  private paintRuntime(): void {
    const runtime = runtimeOf(this.doc);
    const queue = (runtime.get(RUNTIME.queue) as CellRun[] | undefined) ?? [];
    this.queue.hidden = queue.length < 2;
    this.queue.textContent = `${queue.length - 1} queued`;
  }
}

function isRole(value: string): value is Role {
  return value === 'viewer' || value === 'editor' || value === 'runner' || value === 'host';
}
