import { Modal, h } from './modal';

/** What a confirmation asks, and the words on its button. */
export interface Confirmation {
  title: string;
  text: string;
  /** The button that goes ahead ("Restart"); Cancel, Escape and × do not. */
  confirm: string;
  testId: string;
}

/** A question with more than one way to go ahead, e.g. "Revoke only" and "Revoke and remove". */
export interface Choice<K extends string> {
  title: string;
  text: string;
  /** The ways to go ahead, in button order; the last is the main one. */
  choices: { key: K; label: string }[];
  /** The dialog's test id; each button's is `${testId}-${key}`, Cancel's `${testId}-cancel`. */
  testId: string;
}

/**
 * Asks the person before an action that cannot be undone; resolves true if they go ahead. The
 * safe choice has the focus, so Enter on a dialog opened by accident does nothing.
 */
export async function confirmAction(ask: Confirmation): Promise<boolean> {
  const { confirm, ...rest } = ask;
  return (await chooseAction({ ...rest, choices: [{ key: 'confirm', label: confirm }] })) !== null;
}

/**
 * Asks the person which way to go ahead; resolves the key of the button they chose, or null when
 * they cancel (Cancel, Escape, ×). Cancel has the focus, as in confirmAction.
 */
export function chooseAction<K extends string>(ask: Choice<K>): Promise<K | null> {
  return new Promise((resolve) => {
    let chosen: K | null = null;
    const modal = new Modal(ask.title, ask.testId, () => resolve(chosen));
    const cancel = h('button', 'secondary-button', `${ask.testId}-cancel`, 'Cancel');
    cancel.type = 'button';
    cancel.addEventListener('click', () => modal.close());
    const buttons = ask.choices.map((c, i) => {
      const main = i === ask.choices.length - 1;
      const b = h(
        'button',
        main ? 'primary-button' : 'secondary-button',
        `${ask.testId}-${c.key}`,
        c.label,
      );
      b.type = 'button';
      b.addEventListener('click', () => {
        chosen = c.key;
        modal.close();
      });
      return b;
    });
    modal.body.append(h('p', 'confirm-text', undefined, ask.text));
    modal.footer.append(h('div', 'spacer'), cancel, ...buttons);
    modal.show();
    cancel.focus();
  });
}
