/** Builds an element with a class and, optionally, a data-testid and text. */
export function h<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  className: string,
  testId?: string,
  text?: string,
): HTMLElementTagNameMap[K] {
  const e = document.createElement(tag);
  if (className) e.className = className;
  if (testId) e.dataset.testid = testId;
  if (text !== undefined) e.textContent = text;
  return e;
}

/** A form field: `control` under its label. */
export function labelled(label: string, control: HTMLElement): HTMLElement {
  const f = h('label', 'field');
  f.append(h('span', 'field-label', undefined, label), control);
  return f;
}

/**
 * A modal dialog (a native <dialog>: focus stays inside, Escape closes it) with a title, a body
 * and a footer. `close()` removes it; idempotent.
 */
export class Modal {
  readonly element = h('dialog', 'modal');
  readonly body = h('div', 'modal-body');
  readonly footer = h('div', 'modal-footer');
  private closed = false;

  constructor(title: string, testId: string, onClose: () => void = () => {}) {
    this.element.dataset.testid = testId;
    const head = h('div', 'modal-head');
    const heading = h('h2', 'modal-title', undefined, title);
    const x = h('button', 'icon-button modal-x', `${testId}-close`, '×');
    x.setAttribute('aria-label', 'Close');
    x.addEventListener('click', () => this.close());
    head.append(heading, x);
    this.element.append(head, this.body, this.footer);
    this.element.addEventListener('close', () => {
      if (this.closed) return;
      this.closed = true;
      this.element.remove();
      onClose();
    });
  }

  /** Shows the dialog, modal, in the page. */
  show(): void {
    document.body.append(this.element);
    this.element.showModal();
  }

  /** Closes and removes the dialog. */
  close(): void {
    if (!this.closed) this.element.close();
  }
}
