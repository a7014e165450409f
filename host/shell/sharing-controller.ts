// The host window's side of sharing: the DesktopApi methods of the Share dialog and the
// participants list, over one Hub per sharing session (started on the first link, stopped by
// Stop sharing). Both shells use it: the browser shell over HTTP, Electron over IPC. Every change
// is pushed to the window as one SharingState, with the change in words for a toast.
import type {
  DesktopApi,
  InviteSummary,
  ShareOptions,
  SharingState,
} from '../../protocol/desktop-api';
import { type Result, err, ok } from '../../protocol/errors';
import type { ByeCode } from '../../protocol/hub-control';
import { type GuestRole, isGuestRole } from '../../protocol/roles';
import { Hub, type HubSession, type Knock } from '../hub/hub';
import { InviteBook, type InviteRecord } from '../hub/invites';

/** Options of a SharingController. */
export interface SharingControllerOptions {
  /** Interface the embedded signaling server listens on (the shell's own). */
  listenHost: string;
  /** http(s) base of the `/join` page for the browser form of links; null: none. */
  webBase(): string | null;
  /** Called with the new state after every change. */
  push(state: SharingState): void;
}

/** Longest expiry accepted, minutes (a week). */
const MAX_EXPIRY_MINUTES = 7 * 24 * 60;
/** Most guests one revoke may name for removal (more than a session ever holds). */
const MAX_NAMED_GUESTS = 1024;

/** The DesktopApi methods sharing adds. */
export type SharingApi = Pick<
  DesktopApi,
  | 'createInvite'
  | 'revokeInvite'
  | 'listInvites'
  | 'getSharingState'
  | 'setAskBeforeJoining'
  | 'answerKnock'
  | 'setGuestRole'
  | 'removeGuest'
  | 'stopSharing'
>;

/** Sharing of one session, as its host window drives it. */
export class SharingController {
  private hub: Hub | null = null;
  private askBeforeJoining = false;
  private readonly knocks = new Map<string, Knock>();
  private readonly created = new Map<string, number>();
  /** Each link's name ("Editor link 2"), by invite id. */
  private readonly labels = new Map<string, string>();
  /** Guests just cut off for abuse, whose leaving is not said again. */
  private readonly abused = new Set<string>();
  /** True while a revoke removes guests: their leaves are told in the revoke's one message. */
  private revoking = false;
  private change: SharingState['change'] = null;
  private seq = 0;

  constructor(
    private readonly session: HubSession,
    private readonly options: SharingControllerOptions,
  ) {}

  /** The current state. */
  state(): SharingState {
    return {
      active: this.hub !== null,
      askBeforeJoining: this.askBeforeJoining,
      invites: this.invites(),
      guests: this.hub?.guests() ?? [],
      knocks: [...this.knocks.values()].map(({ peerId, name, role, code }) => ({
        peerId,
        name,
        role,
        code,
      })),
      change: this.change,
    };
  }

  /** The DesktopApi methods, checking their (untrusted) arguments. */
  api(): SharingApi {
    return {
      createInvite: (o) => this.createInvite(o),
      revokeInvite: (id, removeGuests) => this.revokeInvite(id, removeGuests),
      listInvites: async () => ok(this.invites()),
      getSharingState: async () => ok(this.state()),
      setAskBeforeJoining: async (ask) => {
        this.askBeforeJoining = ask === true;
        this.changed(null);
        return ok(null);
      },
      answerKnock: async (peerId, admit) => {
        const k = this.knocks.get(String(peerId));
        if (!k) return err('that person is no longer waiting');
        this.knocks.delete(k.peerId);
        if (admit === true) k.admit();
        else k.deny('the host did not let you in');
        this.changed(null); // `join` or `refused` follows
        return ok(null);
      },
      setGuestRole: async (peerId, role) => {
        if (!isGuestRole(role)) return err('choose a role: viewer, editor or runner');
        if (!this.hub?.setRole(String(peerId), role)) return err('that guest has left');
        return ok(null); // the hub's `role` event tells everyone
      },
      removeGuest: async (peerId) => {
        if (!this.hub?.removeGuest(String(peerId))) return err('that guest has left');
        return ok(null);
      },
      stopSharing: async () => {
        await this.stop();
        return ok(null);
      },
    };
  }

  /** Stops sharing (idempotent); the session goes on. */
  async stop(): Promise<void> {
    const hub = this.hub;
    if (!hub) return;
    this.hub = null;
    for (const k of this.knocks.values()) k.deny('the host stopped sharing', 'stopped');
    this.knocks.clear();
    this.created.clear();
    this.labels.clear();
    await hub.stop();
    this.changed('Sharing stopped: every guest was disconnected');
  }

  private async createInvite(o: ShareOptions): Promise<Result<InviteSummary, string>> {
    if (!o || !isGuestRole(o.role)) return err('choose a role: viewer, editor or runner');
    const minutes = o.expiresInMinutes;
    if (
      minutes !== null &&
      (typeof minutes !== 'number' || !(minutes > 0) || minutes > MAX_EXPIRY_MINUTES)
    ) {
      return err('choose an expiry between a minute and a week, or none');
    }
    const hub = await this.startHub();
    const record = await hub.createInvite(
      o.role,
      minutes === null ? null : minutes * 60_000,
      this.askBeforeJoining,
    );
    this.created.set(record.id, Date.now());
    const n = [...this.labels.values()].filter((l) => l.startsWith(capital(o.role))).length;
    this.labels.set(record.id, `${capital(o.role)} link ${n + 1}`);
    this.changed(null);
    return ok(this.summary(record));
  }

  private async revokeInvite(id: string, removeGuests?: string[]): Promise<Result<null, string>> {
    const hub = this.hub;
    const invite = hub?.listInvites().find((r) => r.id === String(id));
    if (!hub || !invite) return err('there is no such link');
    if (
      removeGuests !== undefined &&
      (!Array.isArray(removeGuests) ||
        removeGuests.length > MAX_NAMED_GUESTS ||
        !removeGuests.every((p) => typeof p === 'string'))
    ) {
      return err('say whom to remove by their peer ids');
    }
    const named = new Set(removeGuests ?? []);
    const byIt = () => hub.guests().filter((g) => g.inviteId === invite.id);
    const removed = byIt().filter((g) => named.has(g.peerId));
    this.revoking = true;
    try {
      hub.revokeInvite(invite.id, { removeGuests: removed.map((g) => g.peerId) });
    } finally {
      this.revoking = false;
    }
    // Whoever is still knocking with it is turned away as a new guest would be.
    for (const k of [...this.knocks.values()]) {
      if (k.inviteId !== invite.id) continue;
      this.knocks.delete(k.peerId);
      k.deny('the host revoked this invite — ask for a new link', 'invite-revoked');
    }
    const label = this.labels.get(invite.id) ?? 'A link';
    this.changed(
      revokedText(
        label,
        removed.map((g) => g.name),
        byIt().map((g) => g.name),
      ),
    );
    return ok(null);
  }

  private invites(): InviteSummary[] {
    return (this.hub?.listInvites() ?? [])
      .map((r) => this.summary(r))
      .sort((a, b) => b.createdAt - a.createdAt);
  }

  private summary(r: InviteRecord): InviteSummary {
    return {
      id: r.id,
      label: this.labels.get(r.id) ?? `${capital(r.role)} link`,
      role: r.role,
      expiresAt: r.expiresAt,
      status: InviteBook.status(r),
      link: r.link,
      webLink: r.webLink,
      asks: r.knock,
      createdAt: this.created.get(r.id) ?? 0,
    };
  }

  private async startHub(): Promise<Hub> {
    if (this.hub) return this.hub;
    const webBase = this.options.webBase();
    const hub = new Hub(this.session, {
      listen: { host: this.options.listenHost },
      ...(webBase ? { webBase } : {}),
    });
    this.hub = hub;
    hub.on('knock', (k) => {
      this.knocks.set(k.peerId, k);
      this.changed(`${k.name} wants to join as ${k.role}`);
    });
    hub.on('join', (g) => {
      this.knocks.delete(g.peerId);
      this.changed(`${g.name} joined as ${g.role}`);
    });
    // A guest cut off for abuse leaves first: that is said once, as what happened (below).
    hub.on('leave', (g, reason) => {
      if (this.revoking) return;
      queueMicrotask(() => {
        if (!this.abused.delete(g.peerId)) this.changed(`${g.name} left (${reason})`);
      });
    });
    hub.on('abuse', (g, { code, waitMs }) => {
      this.abused.add(g.peerId);
      const label = this.labels.get(g.inviteId) ?? 'their link';
      const wait = waitMs > 0 ? `new joins with ${label} wait ${Math.ceil(waitMs / 1000)} s; ` : '';
      this.changed(
        `${g.name} (${label}) was cut off for ${ABUSE_WORDS[code] ?? code}; ${wait}` +
          `if you do not know who this is, revoke ${label} in Share`,
      );
    });
    hub.on('role', (g) => this.changed(`${g.name} is now ${article(g.role)} ${g.role}`));
    hub.on('refused', (w, reason, code) => {
      this.knocks.delete(w.peerId);
      // While joins on a link are spaced out the host was told once (abuse, above).
      if (code === 'throttled') this.changed(null);
      else this.changed(`${w.name} could not join: ${reason}`);
    });
    try {
      await hub.start();
    } catch (e) {
      this.hub = null;
      throw e;
    }
    return hub;
  }

  private changed(text: string | null): void {
    if (text !== null) this.change = { seq: ++this.seq, text };
    this.options.push(this.state());
  }
}

/** What a guest cut off for abuse did, by the bye's code. */
const ABUSE_WORDS: Partial<Record<ByeCode, string>> = {
  'too-large': 'sending a message over its size limit',
  'rate-limited': 'sending too much too fast',
  malformed: 'sending something that is not Pairbook',
  timeout: 'leaving a message unfinished',
};

function article(role: GuestRole): string {
  return role === 'editor' ? 'an' : 'a';
}

function capital(s: string): string {
  return s[0]?.toUpperCase() + s.slice(1);
}

/** What a revoke did, in words: the link, who was removed, who stays. */
function revokedText(label: string, gone: string[], stay: string[]): string {
  let text = `${label} was revoked`;
  if (gone.length > 0) text += ` and ${names(gone)} ${gone.length === 1 ? 'was' : 'were'} removed`;
  else text += ': nobody new can join with it';
  if (stay.length > 0) text += `; ${names(stay)} ${stay.length === 1 ? 'stays' : 'stay'}`;
  return text;
}

/** "Ada", "Ada and Grace", "Ada, Grace and Linus". */
function names(list: string[]): string {
  return list.length < 2 ? (list[0] ?? '') : `${list.slice(0, -1).join(', ')} and ${list.at(-1)}`;
}
