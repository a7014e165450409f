// The host window's side of sharing: the DesktopApi methods of the Share dialog and the
// participants list, over one Hub per sharing session (started on the first link, stopped by
// Stop sharing). Both shells use it: the browser shell over HTTP, Electron over IPC. Every change
// is pushed to the window as one SharingState, with the change in words for a toast.
import type { DesktopApi, InviteSummary, SharingState } from '../../protocol/desktop-api';
import { err, ok } from '../../protocol/errors';
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
      createInvite: async (o) => {
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
        this.changed(null);
        return ok(summary(record, this.created.get(record.id) ?? Date.now()));
      },
      revokeInvite: async (id) => {
        if (!this.hub?.revokeInvite(String(id))) return err('there is no such link');
        this.changed('A link was revoked: nobody can join with it any more');
        return ok(null);
      },
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
    for (const k of this.knocks.values()) k.deny('the host stopped sharing');
    this.knocks.clear();
    this.created.clear();
    await hub.stop();
    this.changed('Sharing stopped: every guest was disconnected');
  }

  private invites(): InviteSummary[] {
    return (this.hub?.listInvites() ?? [])
      .map((r) => summary(r, this.created.get(r.id) ?? 0))
      .sort((a, b) => b.createdAt - a.createdAt);
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
    hub.on('leave', (g, reason) => this.changed(`${g.name} left (${reason})`));
    hub.on('role', (g) => this.changed(`${g.name} is now ${article(g.role)} ${g.role}`));
    hub.on('refused', (w, reason) => {
      this.knocks.delete(w.peerId);
      this.changed(`${w.name} could not join: ${reason}`);
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

function article(role: GuestRole): string {
  return role === 'editor' ? 'an' : 'a';
}

function summary(r: InviteRecord, createdAt: number): InviteSummary {
  return {
    id: r.id,
    role: r.role,
    expiresAt: r.expiresAt,
    status: InviteBook.status(r),
    link: r.link,
    webLink: r.webLink,
    asks: r.knock,
    createdAt,
  };
}
