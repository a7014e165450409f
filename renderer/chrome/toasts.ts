/** How a toast looks and how long it stays. */
export type ToastLevel = 'info' | 'warning' | 'error';

/** How long an info toast stays, in ms; warnings and errors stay until closed. */
const INFO_TOAST_MS = 4000;

/** A button on a toast; clicking it closes the toast. */
export interface ToastAction {
  label: string;
  testId: string;
  run: () => void;
}

/** Closes a toast early (idempotent). */
export interface ToastHandle {
  close(): void;
}

/** Short messages in a corner: request refusals, notices from the host, save results. */
export class Toasts {
  readonly element = document.createElement('div');

  constructor() {
    this.element.className = 'toasts';
    this.element.setAttribute('role', 'status');
    this.element.setAttribute('aria-live', 'polite');
  }

  /** Shows `message`, with buttons for what the person can do next; returns its close switch. */
  show(message: string, level: ToastLevel = 'info', actions: ToastAction[] = []): ToastHandle {
    const toast = document.createElement('div');
    toast.className = `toast toast-${level}`;
    toast.dataset.testid = 'toast';
    toast.dataset.level = level;
    const text = document.createElement('span');
    text.textContent = message;
    const close = document.createElement('button');
    close.className = 'toast-close icon-button';
    close.dataset.testid = 'toast-close';
    close.setAttribute('aria-label', 'Dismiss');
    close.textContent = '×';
    close.addEventListener('click', () => toast.remove());
    const body = document.createElement('div');
    body.className = 'toast-body';
    body.append(text);
    const buttons = document.createElement('div');
    buttons.className = 'toast-actions';
    if (actions.length) body.append(buttons);
    for (const action of actions) {
      const b = document.createElement('button');
      b.className = 'toast-action link-button';
      b.dataset.testid = action.testId;
      b.textContent = action.label;
      b.addEventListener('click', () => {
        toast.remove();
        action.run();
      });
      buttons.append(b);
    }
    toast.append(body, close);
    this.element.append(toast);
    while (this.element.children.length > 4) this.element.firstElementChild?.remove();
    if (level === 'info') setTimeout(() => toast.remove(), INFO_TOAST_MS);
    return { close: () => toast.remove() };
  }
}
