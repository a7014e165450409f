// The participants list: everyone in the session from awareness (name, colour, role, the cell
// they are in, the cell they are running, connection state, Follow), plus, for the host, knocks
// to admit or deny and each guest's role, verification code and Remove. It also marks the cells
// others are in and says out loud what changed ("Ada is now a viewer") to guests; the host hears
// it from its shell's SharingState. Who is present is read in presence/participants-of.ts, the
// cells they are in marked by presence/cell-marks.ts.
import type { Awareness } from 'y-protocols/awareness';
import type * as Y from 'yjs';
import type { DesktopApi, GuestSummary, SharingState } from '../../protocol/desktop-api';
import { GUEST_ROLES, type Role, isGuestRole } from '../../protocol/roles';
import { type CellRun, RUNTIME, runtimeOf } from '../../protocol/runtime-state';
import { h } from '../chrome/modal';
import { CellMarks } from '../presence/cell-marks';
import { Follow } from '../presence/follow';
import { type Participant, participantsOf } from '../presence/participants-of';
import { ROLE_HINTS } from './share-dialog';
import { testEvent } from '../test-hook';

export { type Participant, participantsOf } from '../presence/participants-of';

/** What the list needs from the app. */
export interface ParticipantsOptions {
  awareness: Awareness;
  /** The shared document (its runtime map says who is running what). */
  doc: Y.Doc;
  /** The notebook's scrolling element (following scrolls it). */
  scroller: HTMLElement;
  /** The host's DesktopApi; null for a guest (no management). */
  desktop: DesktopApi | null;
  /** 1-based position of cell `id` for "in cell 3"; null when it is not in the notebook. */
  cellNumber(id: string): number | null;
  /** The cell element of `id`, when built or boxed. */
  cellElement(id: string): HTMLElement | null;
  say(message: string, level?: 'info' | 'warning' | 'error'): void;
}

const capital = (s: string) => s[0]?.toUpperCase() + s.slice(1);
const article = (role: string) => (role === 'editor' ? 'an' : 'a');

/** The People panel beside the notebook. */
export class ParticipantsPanel {
  readonly element = h('aside', 'participants', 'participants');
  private readonly list = h('ul', 'participant-list');
  private readonly knocks = h('div', 'knocks', 'knocks');
  private readonly count = h('span', 'participants-count', 'participants-count');
  /** Follow mode; its banner goes above the notebook. */
  readonly follow: Follow;
  private sharing: SharingState | null = null;
  private selfState: 'connected' | 'reconnecting' | 'ended' = 'connected';
  private selfCode: string | null = null;
  private selfPeer: string | null = null;
  private sharingVersion = 0;
  private shown = '';
  private readonly roles = new Map<number, { name: string; role: Role | null }>();
  private readonly marks: CellMarks;
  private queued = false;

  constructor(private readonly o: ParticipantsOptions) {
    this.marks = new CellMarks((id) => o.cellElement(id));
    const head = h('div', 'participants-head');
    head.append(h('h2', 'participants-title', undefined, 'People'), this.count);
    this.element.append(head, this.knocks, this.list);
    this.follow = new Follow({
      awareness: o.awareness,
      scroller: o.scroller,
      cellElement: o.cellElement,
      changed: (name, reason) => {
        if (name === null && reason) o.say(`Stopped following: ${reason}`);
        testEvent({ type: 'follow', following: name, reason });
        this.render();
      },
    });
    o.awareness.on('change', this.onChange);
    runtimeOf(o.doc).observe(this.onChange);
    this.render();
  }

  /** This guest's verification code, shown on their own row to read aloud with the host. */
  setSelfCode(code: string): void {
    this.selfCode = code;
    this.render();
  }

  /** This guest's peer id, from the hub's welcome: their own runs carry it. */
  setSelfPeer(peerId: string): void {
    this.selfPeer = peerId;
    this.render();
  }

  /** The host's latest sharing state (guests, knocks). */
  setSharing(state: SharingState): void {
    this.sharing = state;
    this.sharingVersion++;
    this.render();
  }

  /** This person's own connection, shown on their row. */
  setSelfState(state: 'connected' | 'reconnecting' | 'ended'): void {
    this.selfState = state;
    this.render();
  }

  /** Repaints the cell markers (the notebook rebuilt cells). */
  refresh(): void {
    this.render(true);
  }

  destroy(): void {
    this.o.awareness.off('change', this.onChange);
    runtimeOf(this.o.doc).unobserve(this.onChange);
    this.follow.destroy();
  }

  private onChange = (_changes?: unknown, origin?: unknown): void => {
    // A guest whose session ended drops everyone else's presence ('ended'): nobody else left.
    if (!this.o.desktop && origin === 'ended') this.roles.clear();
    else if (!this.o.desktop) this.announce();
    if (this.queued) return;
    this.queued = true;
    requestAnimationFrame(() => {
      this.queued = false;
      this.render();
    });
  };

  // Guests learn of joins, leaves and role changes from awareness (the hub stamps real roles).
  private announce(): void {
    const now = new Map<number, { name: string; role: Role | null }>();
    for (const p of participantsOf(this.o.awareness)) {
      if (p.self) continue;
      now.set(p.clientId, { name: p.name, role: p.role });
      const was = this.roles.get(p.clientId);
      if (was && was.role !== p.role && p.role) {
        this.o.say(`${p.name} is now ${article(p.role)} ${p.role}`);
      }
    }
    for (const [id, was] of this.roles) {
      if (!now.has(id) && was.role !== 'host') this.o.say(`${was.name} left`);
    }
    this.roles.clear();
    for (const [id, v] of now) this.roles.set(id, v);
  }

  private render(force = false): void {
    const people = participantsOf(this.o.awareness);
    // Presence changes with every keystroke (cursors), but the list does not show cursors:
    // rebuild it only when something it shows changed.
    const shown = JSON.stringify([
      people,
      people.map((p) => [p.activeCell && this.o.cellNumber(p.activeCell), this.runningBy(p)]),
      this.sharingVersion,
      this.selfState,
      this.selfCode,
      this.follow.following,
    ]);
    if (!force && shown === this.shown) return;
    this.shown = shown;
    const guests = [...(this.sharing?.guests ?? [])];
    const rows = people.map((p) => {
      // The hub stamps each guest's presence with its peer id, so even two Adas are told apart.
      const i = p.self ? -1 : guests.findIndex((g) => g.peerId === p.peerId);
      const guest = i >= 0 ? (guests.splice(i, 1)[0] as GuestSummary) : null;
      return this.row(p, guest);
    });
    // Guests the hub admitted whose presence has not arrived yet.
    for (const g of guests) {
      rows.push(
        this.row(
          {
            clientId: -1,
            name: g.name,
            color: '#9ca3af',
            role: g.role,
            activeCell: null,
            peerId: g.peerId,
            self: false,
          },
          g,
          'joining',
        ),
      );
    }
    this.list.replaceChildren(...rows);
    this.count.textContent = String(rows.length);
    this.knocks.replaceChildren(...(this.sharing?.knocks ?? []).map((k) => this.knockRow(k)));
    this.marks.mark(people);
  }

  private row(p: Participant, guest: GuestSummary | null, state?: string): HTMLElement {
    const li = h('li', 'participant', 'participant');
    li.dataset.name = p.name;
    li.dataset.role = guest?.role ?? p.role ?? '';
    const connection = state ?? (p.self ? this.selfState : 'connected');
    li.dataset.connection = connection;
    const dot = h('span', 'participant-colour');
    dot.style.background = p.color;
    const name = h(
      'span',
      'participant-name',
      'participant-name',
      p.self ? `${p.name} (you)` : p.name,
    );
    const conn = h('span', `connection-dot ${connection}`, 'participant-connection');
    conn.title = capital(connection);
    const info = h('div', 'participant-info');
    const line = h('div', 'participant-line');
    line.append(name, conn);
    if (!p.self && p.clientId >= 0 && !state) line.append(this.followButton(p));
    info.append(line, this.subLine(p, guest), ...this.guestLines(guest));
    const code = p.self ? this.selfCode : this.o.desktop ? (guest?.code ?? null) : null;
    if (code) info.append(codeLine(code, p.self ? 'the host' : p.name));
    li.append(dot, info);
    return li;
  }

  /** The cell they are in and the one they run, with their role: for the host, its menu and Remove. */
  private subLine(p: Participant, guest: GuestSummary | null): HTMLElement {
    const n = p.activeCell ? this.o.cellNumber(p.activeCell) : null;
    const where = h('span', 'participant-cell', 'participant-cell', n ? `cell ${n}` : '');
    const runningCell = this.runningBy(p);
    const running = h(
      'span',
      'participant-running',
      'participant-running',
      runningCell ? `running cell ${runningCell}` : '',
    );
    running.hidden = runningCell === null;
    const sub = h('div', 'participant-sub');
    const role = guest?.role ?? p.role;
    if (this.o.desktop && guest) {
      sub.append(this.roleSelect(p, guest), where, running, this.removeButton(guest));
    } else {
      sub.append(
        h(
          'span',
          `role-badge role-${role ?? 'none'}`,
          'participant-role-badge',
          capital(role ?? 'guest'),
        ),
        where,
        running,
      );
    }
    return sub;
  }

  /** The host's menu of a guest's role. */
  private roleSelect(p: Participant, guest: GuestSummary): HTMLSelectElement {
    const select = h('select', 'role-select', 'participant-role');
    select.setAttribute('aria-label', `${p.name}'s role`);
    for (const r of GUEST_ROLES) {
      const o = h('option', '', undefined, capital(r));
      o.value = r;
      o.title = ROLE_HINTS[r];
      select.append(o);
    }
    select.value = guest.role;
    select.addEventListener('change', async () => {
      if (!isGuestRole(select.value)) return;
      const next = select.value;
      const r = await this.o.desktop?.setGuestRole(guest.peerId, next);
      if (r && !r.ok) this.o.say(r.error, 'warning');
      else if (next === 'runner') {
        this.o.say(`${p.name} can now run code as you: anything your account can do`, 'warning');
      }
    });
    return select;
  }

  /** The host's Remove button of a guest. */
  private removeButton(guest: GuestSummary): HTMLElement {
    const remove = h('button', 'link-button danger', 'participant-remove', 'Remove');
    remove.type = 'button';
    remove.addEventListener('click', async () => {
      const r = await this.o.desktop?.removeGuest(guest.peerId);
      if (r && !r.ok) this.o.say(r.error, 'warning');
    });
    return remove;
  }

  /** For the host: the link a guest came in by, and how they are connected. */
  private guestLines(guest: GuestSummary | null): HTMLElement[] {
    const lines: HTMLElement[] = [];
    if (!this.o.desktop || !guest) return lines;
    // Which link the guest came in by, for the host (whose revoke offers to remove them).
    const invite = this.sharing?.invites.find((i) => i.id === guest.inviteId);
    if (invite) {
      const revoked = invite.status === 'revoked' ? ' (revoked)' : '';
      const via = h('div', 'participant-sub', 'participant-via', `via ${invite.label}${revoked}`);
      via.title = `Joined with ${invite.label}, made for ${article(invite.role)} ${invite.role}`;
      lines.push(via);
    }
    // Direct, or through the host's TURN relay (docs/networks.md).
    if (guest.relayed !== undefined) {
      const text = guest.relayed ? 'connected through a relay' : 'connected directly';
      const path = h('div', 'participant-sub', 'participant-path', text);
      path.title = guest.relayed
        ? 'No direct path between you: the data goes through the TURN server, encrypted end to end'
        : 'A direct peer-to-peer connection';
      lines.push(path);
    }
    return lines;
  }

  private followButton(p: Participant): HTMLElement {
    const on = this.follow.following === p.clientId;
    const b = h(
      'button',
      `follow-button${on ? ' on' : ''}`,
      'participant-follow',
      on ? 'Following' : 'Follow',
    );
    b.type = 'button';
    b.setAttribute('aria-pressed', String(on));
    b.title = on ? `Stop following ${p.name}` : `Keep ${p.name}'s cell in view`;
    b.addEventListener('click', () => {
      if (on) this.follow.stop('you stopped following');
      else this.follow.start(p.clientId, p.name);
    });
    return b;
  }

  // The number of the cell `p` is running now, from the host's run queue; null when none. A
  // guest's run carries its peer id, so two guests of the same name are told apart.
  private runningBy(p: { name: string; peerId: string | null; self: boolean }): number | null {
    const queue = (runtimeOf(this.o.doc).get(RUNTIME.queue) as CellRun[] | undefined) ?? [];
    const run = queue[0];
    if (!run || run.startedAt === null || run.endedAt !== null) return null;
    const peer = p.self ? this.selfPeer : p.peerId;
    const theirs = run.peer ? run.peer === peer : peer === null && run.by === p.name;
    if (!theirs) return null;
    return this.o.cellNumber(run.cellId);
  }

  private knockRow(k: { peerId: string; name: string; role: string; code: string }): HTMLElement {
    const div = h('div', 'knock', 'knock');
    div.dataset.name = k.name;
    const text = h('span', 'knock-text', undefined, `${k.name} wants to join as ${k.role}`);
    const admit = h('button', 'primary-button small', 'knock-admit', 'Admit');
    const deny = h('button', 'secondary-button small', 'knock-deny', 'Deny');
    const answer = (yes: boolean) => async () => {
      admit.disabled = deny.disabled = true;
      const r = await this.o.desktop?.answerKnock(k.peerId, yes);
      if (r && !r.ok) this.o.say(r.error, 'warning');
    };
    admit.addEventListener('click', answer(true));
    deny.addEventListener('click', answer(false));
    const buttons = h('div', 'knock-buttons');
    buttons.append(admit, deny);
    div.append(text, codeLine(k.code, k.name), buttons);
    return div;
  }
}

/** "Code 482 913", with how to use it. */
function codeLine(code: string, other: string): HTMLElement {
  const line = h('div', 'verification-code', 'verification-code');
  line.append('Code ', h('b', '', 'verification-code-digits', code));
  line.title = `Read this code aloud with ${other}: if theirs differs, you are not connected to each other`;
  return line;
}
