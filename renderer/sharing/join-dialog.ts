// The Join dialog: paste an invite link (either form) and a display name, remembered in this
// browser. The link is checked here (protocol/invite.ts) before anything connects; what it cannot
// say (expired, revoked, denied) the host tells once the guest knocks. A Join confirmed in the
// host's own window (its Join button, or a pairbook:// link it was handed) opens the guest page
// in a new tab or window; that page does not ask the same person the same thing again.
import { type Invite, parseInvite } from '../../protocol/invite';
import { Modal, h, labelled } from '../chrome/modal';

/** Where the display name is remembered. */
export const NAME_KEY = 'pairbook:name';
/** Longest display name, in characters (the hub cuts longer ones). */
const MAX_NAME_CHARS = 64;
/** Where a Join confirmed in one page waits for the guest page it opens (same origin). */
const CONFIRMED_KEY = 'pairbook:confirmed-join';
/** How long a confirmed Join waits for its guest page, in ms (opening one takes a second). */
export const CONFIRMED_JOIN_TTL_MS = 60_000;

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

/** Options of openJoinDialog. */
export interface JoinDialogOptions {
  /** False: the dialog cannot be dismissed (the guest page, which has nothing else). */
  closable?: boolean;
  /**
   * True: the choice opens a guest page in a new tab or window, which then joins without asking
   * again (within CONFIRMED_JOIN_TTL_MS).
   */
  handOff?: boolean;
  /**
   * True: the link came from outside the app (a pairbook:// link the system handed over), so the
   * dialog says so and where it connects; nothing joins until the person clicks Join.
   */
  fromOutside?: boolean;
}

/**
 * The guest page's own address as an invite link: Electron's `app://pairbook/join#…` becomes
 * `pairbook://join?…`, which protocol/invite.ts reads; any other text is returned as it is.
 */
export function inviteLinkOf(link: string, origin: string): string {
  const own = `${origin}/join#`;
  if (/^https?:/i.test(origin) || !link.startsWith(own)) return link;
  return `pairbook://join?${link.slice(own.length)}`;
}

/** Identifies an invite without its secret, for the hand-off to the guest page. */
function inviteId(invite: Invite): string {
  return JSON.stringify([invite.sessionId, invite.fingerprint, invite.signaling]);
}

/** Takes the Join confirmed for `invite` in another page, if it is recent; null otherwise. */
function takeConfirmedJoin(invite: Invite): string | null {
  const raw = localStorage.getItem(CONFIRMED_KEY);
  if (raw === null) return null;
  let stored: { id?: unknown; at?: unknown; name?: unknown } = {};
  try {
    stored = JSON.parse(raw) as typeof stored;
  } catch {
    // Not ours, or from an older Pairbook: there is nothing to take.
  }
  const age = Date.now() - (typeof stored.at === 'number' ? stored.at : 0);
  if (stored.id !== inviteId(invite) || age < 0 || age > CONFIRMED_JOIN_TTL_MS) return null;
  localStorage.removeItem(CONFIRMED_KEY);
  return typeof stored.name === 'string' && stored.name ? stored.name : null;
}

/**
 * Opens the Join dialog, the link field filled with `link` when given. Resolves with the choice,
 * or null when the person closes it. Resolves at once, without a dialog, when this person just
 * confirmed joining the same invite in the page that opened this one (`handOff`).
 */
export function openJoinDialog(
  given = '',
  options: JoinDialogOptions = {},
): Promise<JoinChoice | null> {
  const link = inviteLinkOf(given, location.origin);
  const known = link ? parseInvite(link) : null;
  const confirmedName = known?.ok ? takeConfirmedJoin(known.value) : null;
  if (known?.ok && confirmedName) {
    return Promise.resolve({ link, invite: known.value, name: confirmedName });
  }
  return new Promise((resolve) => {
    let chosen: JoinChoice | null = null;
    const modal = new Modal('Join a session', 'join-dialog', () => resolve(chosen));
    if (options.closable === false) {
      modal.element.addEventListener('cancel', (e) => e.preventDefault());
      modal.element.querySelector('.modal-x')?.remove();
    }
    const fields = joinFields(link);
    const join = h('button', 'primary-button', 'join-submit', 'Join');
    join.type = 'submit';
    const form = h('form', 'join-form');
    form.append(
      outsideNote(options, known?.ok ? known.value : null),
      labelled('Invite link', fields.link),
      labelled('Your name', fields.name),
      fields.problem,
    );
    // An old complaint about the link or name goes once the person edits them.
    form.addEventListener('input', () => (fields.problem.hidden = true));
    form.addEventListener('submit', (e) => {
      e.preventDefault();
      chosen = choose(fields, options);
      if (chosen) modal.close();
    });
    join.setAttribute('form', 'join-form');
    form.id = 'join-form';
    modal.body.append(form);
    modal.footer.append(h('div', 'spacer'), join);
    modal.show();
    (link ? fields.name : fields.link).focus();
  });
}

/** The Join dialog's fields: the link, the name, and the complaint about either. */
interface JoinFields {
  link: HTMLTextAreaElement;
  name: HTMLInputElement;
  problem: HTMLElement;
}

function joinFields(link: string): JoinFields {
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
  return { link: linkField, name: nameField, problem };
}

/** For a link from outside the app, says so and where it connects; hidden otherwise. */
function outsideNote(options: JoinDialogOptions, invite: Invite | null): HTMLElement {
  const outside = h('p', 'field-hint', 'join-outside');
  if (options.fromOutside) {
    const where = invite ? invite.signaling.map(hostOf).join(', ') : null;
    outside.textContent =
      'Another program asked Pairbook to open this invite link. Join only if you expected it' +
      (where ? `: it connects to ${where}.` : '.');
  } else outside.hidden = true;
  return outside;
}

/**
 * The choice in the fields, remembered (the name; for a hand-off, the confirmed Join); null,
 * with the complaint shown, when the link or the name will not do.
 */
function choose(fields: JoinFields, options: JoinDialogOptions): JoinChoice | null {
  const parsed = parseInvite(fields.link.value);
  const name = fields.name.value.trim();
  const why = !parsed.ok ? parsed.error.message : !name ? 'Enter the name others will see' : null;
  if (why || !parsed.ok) {
    fields.problem.textContent = why;
    fields.problem.hidden = false;
    return null;
  }
  localStorage.setItem(NAME_KEY, name);
  if (options.handOff) {
    const confirmed = { id: inviteId(parsed.value), at: Date.now(), name };
    localStorage.setItem(CONFIRMED_KEY, JSON.stringify(confirmed));
  }
  return { link: fields.link.value.trim(), invite: parsed.value, name };
}

/** The host:port of a signaling URL (already checked by parseInvite). */
function hostOf(url: string): string {
  try {
    return new URL(url).host;
  } catch {
    return url; // parseInvite accepted it, so this does not happen; show it as it is
  }
}
