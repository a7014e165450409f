import { Modal, h } from './modal';

/** What a confirmation asks, and the words on its button. */
export interface Confirmation {
  title: string;
  text: string;
  /** The button that goes ahead ("Restart"); Cancel, Escape and × do not. */
  confirm: string;
  testId: string;
}

/**
 * Asks the person before an action that cannot be undone; resolves true if they go ahead. The
 * safe choice has the focus, so Enter on a dialog opened by accident does nothing.
 */
export function confirmAction(ask: Confirmation): Promise<boolean> {
  return new Promise((resolve) => {
    let confirmed = false;
    const modal = new Modal(ask.title, ask.testId, () => resolve(confirmed));
    const cancel = h('button', 'secondary-button', `${ask.testId}-cancel`, 'Cancel');
    const go = h('button', 'primary-button', `${ask.testId}-confirm`, ask.confirm);
    for (const b of [cancel, go]) b.type = 'button';
    cancel.addEventListener('click', () => modal.close());
    go.addEventListener('click', () => {
      confirmed = true;
      modal.close();
    });
    modal.body.append(h('p', 'confirm-text', undefined, ask.text));
    modal.footer.append(h('div', 'spacer'), cancel, go);
    modal.show();
    cancel.focus();
  });
}
