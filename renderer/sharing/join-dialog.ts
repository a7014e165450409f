// The Join dialog: paste an invite link (either form) and a display name, remembered in this
// browser. The link is checked here (protocol/invite.ts) before anything connects; what it cannot
// say (expired, revoked, denied) the host tells once the guest knocks.
import { type Invite, parseInvite } from '../../protocol/invite';
import { Modal, h } from '../chrome/modal';

/** Where the display name is remembered. */
export const NAME_KEY = 'pairbook:name';
/** Longest display name, in characters (the hub cuts longer ones). */
const MAX_NAME_CHARS = 64;

/** The remembered display name, or ''. */
export function rememberedName(): string {
  return localStorage.getItem(NAME_KEY) ?? '';
}

/** What the person chose. */
export interface JoinChoice {
  link: string;
  invite: Invite;
  name: string;
}

/**
 * Opens the Join dialog, the link field filled with `link` when given. Resolves with the choice,
 * or null when the person closes it.
 */
export function openJoinDialog(
  link = '',
  options: { closable?: boolean } = {},
): Promise<JoinChoice | null> {
  return new Promise((resolve) => {
    let chosen: JoinChoice | null = null;
    const modal = new Modal('Join a session', 'join-dialog', () => resolve(chosen));
    if (options.closable === false) {
      modal.element.addEventListener('cancel', (e) => e.preventDefault());
      modal.element.querySelector('.modal-x')?.remove();
    }
    const linkField = h('textarea', 'link-field', 'join-link');
    linkField.rows = 3;
    linkField.placeholder = 'pairbook://join?… or https://…/join#…';
    linkField.value = link;
    const nameField = h('input', 'text-field', 'join-name');
    nameField.maxLength = MAX_NAME_CHARS;
    nameField.placeholder = 'How others see you';
    nameField.value = rememberedName();
    nameField.setAttribute('autocomplete', 'nickname');
    const problem = h('p', 'field-error', 'join-error');
    problem.hidden = true;
    const join = h('button', 'primary-button', 'join-submit', 'Join');
    join.type = 'submit';
    const form = h('form', 'join-form');
    form.append(labelled('Invite link', linkField), labelled('Your name', nameField), problem);
    form.addEventListener('submit', (e) => {
      e.preventDefault();
      const parsed = parseInvite(linkField.value);
      const name = nameField.value.trim();
      const why = !parsed.ok
        ? parsed.error.message
        : !name
          ? 'Enter the name others will see'
          : null;
      if (why || !parsed.ok) {
        problem.textContent = why;
        problem.hidden = false;
        return;
      }
      localStorage.setItem(NAME_KEY, name);
      chosen = { link: linkField.value.trim(), invite: parsed.value, name };
      modal.close();
    });
    join.setAttribute('form', 'join-form');
    form.id = 'join-form';
    modal.body.append(form);
    modal.footer.append(h('div', 'spacer'), join);
    modal.show();
    (link ? nameField : linkField).focus();
  });
}

function labelled(label: string, control: HTMLElement): HTMLElement {
  const f = h('label', 'field');
  f.append(h('span', 'field-label', undefined, label), control);
  return f;
}
