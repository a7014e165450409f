/** How a toast looks and how long it stays. */
export type ToastLevel = 'info' | 'warning' | 'error';

/** How long an info toast stays, in ms. */
const INFO_TOAST_MS = 4000;
/** How long a warning stays, in ms; errors, and toasts offering something to do, stay until closed. */
const WARNING_TOAST_MS = 10_000;

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
    // The same message again replaces the one showing (pressing Run three times is one warning).
    for (const old of this.element.querySelectorAll<HTMLElement>('.toast')) {
      if (old.dataset.level === level && old.dataset.message === message) old.remove();
    }
    const toast = document.createElement('div');
    toast.className = `toast toast-${level}`;
    toast.dataset.testid = 'toast';
    toast.dataset.level = level;
    toast.dataset.message = message;
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
    const stays = level === 'error' || actions.length > 0;
    if (!stays)
      setTimeout(() => toast.remove(), level === 'info' ? INFO_TOAST_MS : WARNING_TOAST_MS);
    return { close: () => toast.remove() };
  }
}
