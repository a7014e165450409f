/** How a toast looks and how long it stays. */
export type ToastLevel = 'info' | 'warning' | 'error';

/** How long an info toast stays, in ms; warnings and errors stay until closed. */
const INFO_TOAST_MS = 4000;

/** Short messages in a corner: request refusals, notices from the host, save results. */
export class Toasts {
  readonly element = document.createElement('div');

  constructor() {
    this.element.className = 'toasts';
    this.element.setAttribute('role', 'status');
    this.element.setAttribute('aria-live', 'polite');
  }

  /** Shows `message`. */
  show(message: string, level: ToastLevel = 'info'): void {
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
    toast.append(text, close);
    this.element.append(toast);
    while (this.element.children.length > 4) this.element.firstElementChild?.remove();
    if (level === 'info') setTimeout(() => toast.remove(), INFO_TOAST_MS);
  }
}
