// The host's Share dialog: choose a role and an expiry, make a link, copy it; see every link of
// this sharing session with its state and revoke any of them; ask before anyone joins; stop
// sharing. Everything goes through DesktopApi (the shell runs the hub).
import type {
  DesktopApi,
  GuestSummary,
  InviteSummary,
  ShareOptions,
  SharingState,
} from '../../protocol/desktop-api';
import { GUEST_ROLES, type GuestRole } from '../../protocol/roles';
import { chooseAction } from '../chrome/confirm-dialog';
import { Modal, h } from '../chrome/modal';

/** What each role allows, as the dialog explains it. */
export const ROLE_HINTS: Record<GuestRole, string> = {
  viewer: 'Sees the notebook and everyone’s cursors; cannot change or run anything.',
  editor: 'Edits cells; cannot run them.',
  runner:
    'Edits and runs cells on your kernel: their code can do anything your account can (your files, network, programs). Only for people you would lend your computer.',
};

/** Expiry choices: label and minutes (null: until sharing stops). */
const EXPIRIES: [string, number | null][] = [
  ['30 minutes', 30],
  ['1 hour', 60],
  ['1 day', 24 * 60],
  ['Until I stop sharing', null],
];

const capital = (s: string) => s[0]?.toUpperCase() + s.slice(1);

type Say = (message: string, level?: 'info' | 'warning' | 'error') => void;

/** Opens the Share dialog. `subscribe` feeds it each new SharingState; returns an unsubscribe. */
export function openShareDialog(
  desktop: DesktopApi,
  initial: SharingState | null,
  subscribe: (listener: (s: SharingState) => void) => () => void,
  say: Say,
): Modal {
  let off = () => {};
  const modal = new Modal('Share session', 'share-dialog', () => off());
  const roles = rolePicker();
  const expiry = expirySelect();
  const ask = askCheckbox(desktop, initial, say);
  const maker = linkMaker(desktop, say, () => ({
    role: roles.role(),
    expiresInMinutes: expiry.value === '' ? null : Number(expiry.value),
  }));
  const form = h('div', 'share-form');
  form.append(
    field('Role', roles.element, roles.hint),
    field('Link expires', expiry),
    ask.label,
    h('div', 'share-actions'),
  );
  (form.lastElementChild as HTMLElement).append(maker.create);
  form.append(maker.linkBox);

  const listHead = h('h3', 'modal-subtitle', undefined, 'Links');
  const list = h('ul', 'invite-list', 'invite-list');
  const stop = h('button', 'danger-button', 'stop-sharing', 'Stop sharing');
  stop.type = 'button';
  stop.addEventListener('click', async () => {
    const r = await desktop.stopSharing();
    if (!r.ok) say(r.error, 'error');
  });
  const done = h('button', 'secondary-button', 'share-done', 'Done');
  done.type = 'button';
  done.addEventListener('click', () => modal.close());
  modal.body.append(form, listHead, list);
  modal.footer.append(stop, h('div', 'spacer'), done);

  let current = initial;
  const guestsOf = (id: string) => (current?.guests ?? []).filter((g) => g.inviteId === id);
  const render = (state: SharingState | null) => {
    current = state;
    const invites = state?.invites ?? [];
    list.replaceChildren(...invites.map((i) => inviteRow(i, desktop, say, guestsOf)));
    listHead.hidden = invites.length === 0;
    stop.hidden = !state?.active;
    if (state) ask.input.checked = state.askBeforeJoining;
  };
  render(initial);
  off = subscribe(render);
  modal.show();
  return modal;
}

/** The role buttons (editor at first) and the hint saying what the chosen one allows. */
function rolePicker(): { element: HTMLElement; hint: HTMLElement; role(): GuestRole } {
  const roleGroup = h('div', 'segmented', 'share-role');
  roleGroup.setAttribute('role', 'radiogroup');
  const hint = h('p', 'field-hint', 'share-role-hint');
  let role: GuestRole = 'editor';
  const roleButtons = GUEST_ROLES.map((r) => {
    const b = h('button', 'segment', `share-role-${r}`, capital(r));
    b.type = 'button';
    b.setAttribute('role', 'radio');
    b.addEventListener('click', () => pick(r));
    return b;
  });
  const pick = (r: GuestRole) => {
    role = r;
    roleButtons.forEach((b, i) => b.setAttribute('aria-checked', String(GUEST_ROLES[i] === r)));
    hint.textContent = ROLE_HINTS[r];
  };
  roleGroup.append(...roleButtons);
  pick(role);
  return { element: roleGroup, hint, role: () => role };
}

/** The expiry menu, an hour at first. */
function expirySelect(): HTMLSelectElement {
  const expiry = h('select', 'select', 'share-expiry');
  for (const [label, minutes] of EXPIRIES) {
    const o = h('option', '', undefined, label);
    o.value = minutes === null ? '' : String(minutes);
    expiry.append(o);
  }
  expiry.value = '60';
  return expiry;
}

/** "Ask me before anyone joins", applied as soon as it is changed. */
function askCheckbox(
  desktop: DesktopApi,
  initial: SharingState | null,
  say: Say,
): { label: HTMLElement; input: HTMLInputElement } {
  const askLabel = h('label', 'check');
  const ask = h('input', '', 'share-ask');
  ask.type = 'checkbox';
  ask.checked = initial?.askBeforeJoining ?? false;
  ask.addEventListener('change', async () => {
    const r = await desktop.setAskBeforeJoining(ask.checked);
    if (!r.ok) say(r.error, 'warning');
  });
  askLabel.append(ask, document.createTextNode(' Ask me before anyone joins with this link'));
  return { label: askLabel, input: ask };
}

/** Create link, and the box showing the new link with Copy (it is copied at once too). */
function linkMaker(
  desktop: DesktopApi,
  say: Say,
  options: () => ShareOptions,
): { create: HTMLElement; linkBox: HTMLElement } {
  const create = h('button', 'primary-button', 'share-create', 'Create link');
  create.type = 'button';
  const linkBox = h('div', 'link-box', 'share-link-box');
  linkBox.hidden = true;
  const linkField = h('input', 'link-field', 'share-link');
  linkField.readOnly = true;
  const copy = h('button', 'secondary-button', 'share-copy', 'Copy');
  copy.type = 'button';
  copy.addEventListener('click', () => void copyText(linkField.value, copy));
  linkBox.append(linkField, copy);
  create.addEventListener('click', async () => {
    create.disabled = true;
    const r = await desktop.createInvite(options());
    create.disabled = false;
    if (!r.ok) return say(`Cannot share: ${r.error}`, 'error');
    linkField.value = r.value.webLink ?? r.value.link;
    linkBox.hidden = false;
    linkField.select();
    void copyText(linkField.value, copy);
  });
  return { create, linkBox };
}

function field(label: string, ...controls: HTMLElement[]): HTMLElement {
  const f = h('div', 'field');
  f.append(h('span', 'field-label', undefined, label), ...controls);
  return f;
}

function inviteRow(
  i: InviteSummary,
  desktop: DesktopApi,
  say: Say,
  guestsOf: (inviteId: string) => GuestSummary[],
): HTMLElement {
  const row = h('li', `invite-row invite-${i.status}`, 'invite-row');
  row.dataset.inviteId = i.id;
  row.dataset.status = i.status;
  const badge = h('span', `role-badge role-${i.role}`, 'invite-label', i.label);
  const text = h('span', 'invite-when', undefined, inviteState(i, guestsOf(i.id)));
  const copy = h('button', 'link-button', 'invite-copy', 'Copy');
  copy.type = 'button';
  copy.addEventListener('click', () => void copyText(i.webLink ?? i.link, copy));
  const revoke = h('button', 'link-button danger', 'invite-revoke', 'Revoke');
  revoke.type = 'button';
  revoke.addEventListener('click', () => void revokeInvite(i, desktop, say, guestsOf(i.id)));
  copy.hidden = revoke.hidden = i.status !== 'live';
  row.append(badge, text, h('span', 'spacer'), copy, revoke);
  return row;
}

/** How long a link lasts (or that it no longer does), whether it asks, and who came in by it. */
function inviteState(i: InviteSummary, guests: readonly GuestSummary[]): string {
  const when =
    i.status === 'revoked'
      ? 'Revoked'
      : i.status === 'expired'
        ? 'Expired'
        : i.expiresAt === null
          ? 'Until you stop sharing'
          : `Until ${new Date(i.expiresAt).toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' })}`;
  const inBy = guests.map((g) => g.name);
  return [
    when,
    i.asks ? 'asks you first' : '',
    inBy.length === 0
      ? ''
      : i.status === 'live'
        ? `in use by ${listNames(inBy)}`
        : `${listNames(inBy)} still in`,
  ]
    .filter(Boolean)
    .join(' · ');
}

/** Revokes link `i`; asks first whether `guests`, still in by it, are removed too. */
async function revokeInvite(
  i: InviteSummary,
  desktop: DesktopApi,
  say: Say,
  guests: readonly GuestSummary[],
): Promise<void> {
  // Those still in by this link stay unless the host says to remove them too.
  let remove: string[] = [];
  if (guests.length > 0) {
    const who = listNames(guests.map((g) => g.name));
    const them = guests.length === 1 ? who : 'them';
    const choice = await chooseAction({
      title: `Revoke ${i.label}?`,
      text:
        `Nobody new will be able to join with it. Also remove ${who}, who joined with this ` +
        'link? Removed people keep a read-only copy and cannot rejoin this session.',
      choices: [
        { key: 'keep', label: `Revoke, keep ${them}` },
        { key: 'remove', label: `Revoke and remove ${them}` },
      ],
      testId: 'revoke-guests',
    });
    if (choice === null) return;
    if (choice === 'remove') remove = guests.map((g) => g.peerId);
  }
  const r = await desktop.revokeInvite(i.id, remove);
  if (!r.ok) say(r.error, 'warning');
}

/** "Ada", "Ada and Grace", "Ada, Grace and Linus", "Ada, Grace, Linus and 2 others". */
export function listNames(names: string[]): string {
  const shown = names.length > 4 ? [...names.slice(0, 3), `${names.length - 3} others`] : names;
  if (shown.length < 2) return shown[0] ?? '';
  return `${shown.slice(0, -1).join(', ')} and ${shown.at(-1)}`;
}

async function copyText(text: string, button: HTMLButtonElement): Promise<void> {
  try {
    await navigator.clipboard.writeText(text);
    const was = button.textContent;
    button.textContent = 'Copied';
    setTimeout(() => (button.textContent = was), 1500);
  } catch {
    // No clipboard permission (an http page, a test): the link is selected for Ctrl-C instead.
  }
}
