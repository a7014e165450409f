// The sharing hub (docs/architecture.md): the host's end of every guest. It takes guests' WebRTC
// offers, sealed with an invite's key, from signaling (hub-signaling.ts); admits them by
// admission.ts's decision, after a knock when asked (knock.ts); answers them and opens their data
// channel through the peer connector (peer-connector.ts); keeps them in the guest registry
// (guest-registry.ts); and attaches each guest's channel to the session through a GuardedTransport
// that enforces the guest's role. Star topology: guests only ever connect here.
import { ObservableV2 } from 'lib0/observable';
import { type ByeCode, type ByeDetail, encodeControl } from '../../protocol/hub-control';
import { encodeNotice } from '../../protocol/hub-messages';
import { type GuestRole, describeRole } from '../../protocol/roles';
import { randomToken } from '../../protocol/signaling-crypto';
import { verificationCode } from '../../protocol/verification-code';
import { decideAdmission } from './admission';
import { ClientIdRegistry } from './client-ids';
import {
  ADMISSION_BACKOFF,
  ByteBudget,
  MAX_GUEST_MESSAGE_BYTES,
  REASSEMBLY_BUDGET_BYTES,
  RateLimit,
  SAVE_LIMIT,
} from './guest-limits';
import { type Guest, type GuestInfo, GuestRegistry } from './guest-registry';
import { type Asking, HubSignaling } from './hub-signaling';
import type { HubEvents, HubOptions, HubSession } from './hub-types';
import { hostIceServers } from './ice-servers';
import { type InviteRecord, InviteBook } from './invites';
import { KNOCK_TIMEOUT_MS, askHost } from './knock';
import { AdmissionThrottle, RecentKeys } from './offer-limits';
import { type ConnectionPath, type GuestChannel, GuestConnection } from './peer-connector';
import { GuardedTransport } from './role-guard';
import type { SignalingServer } from './signaling-server';

export type { GuestInfo } from './guest-registry';
export type { HubEvents, HubOptions, HubSession } from './hub-types';
export type { Knock, KnockVerdict } from './knock';
export type { ConnectionPath } from './peer-connector';

/** Bye codes that mean the guest sent what no honest client sends (or not fast enough). */
const ABUSE_CODES: ReadonlySet<ByeCode> = new Set([
  'too-large',
  'malformed',
  'rate-limited',
  'timeout',
]);

/** Offers handled at once plus guests answered whose channel is not open yet. */
const MAX_PENDING = 32;
/** Offer nonces remembered, so a replayed offer gets nothing: how many, how long. */
const OFFER_NONCES = { max: 4096, ttlMs: 10 * 60_000 };
/** Why a guest removed with the link it joined with is told it had to go. */
export const REVOKED_AND_REMOVED = 'the host removed you and revoked the link you joined with';

/** The sharing hub of one session. start() and stop() are idempotent. */
export class Hub extends ObservableV2<HubEvents> {
  /** Random per sharing session. */
  readonly sessionId = randomToken(12);
  /** Random per hub: a guest's replica from another epoch is never merged. */
  readonly epoch = randomToken(12);
  private readonly signaling: HubSignaling;
  /** The guests answered, connecting or in, and what is kept about guest keys and invites. */
  private readonly peers = new GuestRegistry();
  /** Offers being handled, by peer id. */
  private readonly pending = new Set<string>();
  private readonly offerNonces = new RecentKeys(OFFER_NONCES.max, OFFER_NONCES.ttlMs);
  private readonly admissions: AdmissionThrottle;
  private readonly clientIds: ClientIdRegistry;
  /** Room for guests' chunked messages being received, shared by all guests. */
  private readonly reassembly = new ByteBudget(REASSEMBLY_BUDGET_BYTES);
  /** Saves asked by guests, all together: one save serves everyone. */
  private readonly guestSaves = new RateLimit(SAVE_LIMIT);
  private starting: Promise<void> | null = null;
  private stopped = false;

  constructor(
    private readonly session: HubSession,
    private options: HubOptions = {},
  ) {
    super();
    this.clientIds = new ClientIdRegistry(session.doc);
    this.admissions = new AdmissionThrottle(options.admissionBackoff ?? ADMISSION_BACKOFF);
    this.signaling = new HubSignaling(
      {
        sessionId: this.sessionId,
        signaling: options.signaling,
        listen: options.listen,
        // A guest's socket is needed until the knock is answered, and the answer sent.
        maxGuestSocketMs: (options.knockTimeoutMs ?? KNOCK_TIMEOUT_MS) + 60_000,
        webBase: options.webBase,
        ice: options.ice,
      },
      {
        taking: () => !this.stopped,
        offer: (ask) => this.onOffer(ask),
        refused: ({ offer: o, invite }, reason, code) =>
          this.emit('refused', [
            { peerId: o.from, name: o.name, inviteId: invite.id },
            reason,
            code,
          ]),
      },
    );
  }

  /** Starts signaling (the embedded server unless servers were given). */
  start(): Promise<void> {
    this.starting ??= this.signaling.start();
    return this.starting;
  }

  /** The host key's fingerprint, as links pin it. */
  get fingerprint(): string {
    return this.signaling.fingerprint;
  }

  /** The embedded signaling server (null when external servers are used). */
  get signalingServer(): SignalingServer | null {
    return this.signaling.signalingServer;
  }

  /** Sealed messages that did not open with any invite key (wrong or no secret). */
  get unopened(): number {
    return this.signaling.unopened;
  }

  /**
   * Creates an invite; `expiresInMs` null (default): valid until sharing stops. `knock`: the host
   * admits each guest of this invite (default: the hub's `knock` option).
   */
  async createInvite(
    role: GuestRole,
    expiresInMs: number | null = null,
    knock = this.options.knock ?? false,
  ): Promise<InviteRecord> {
    await this.start();
    return this.signaling.createInvite(role, expiresInMs, knock);
  }

  /**
   * Revokes invite `id`: nobody joins with it any more (those who try are told). Guests who
   * joined with it stay unless `removeGuests`: true removes them all, a list of peer ids only
   * those of them (the ones the host was shown); they are removed as by removeGuest.
   */
  revokeInvite(id: string, options: { removeGuests?: boolean | readonly string[] } = {}): boolean {
    if (!this.signaling.revokeInvite(id)) return false;
    const only = Array.isArray(options.removeGuests) ? new Set(options.removeGuests) : null;
    if (options.removeGuests) {
      for (const p of this.peers.all()) {
        if (p.info.inviteId !== id || (only && !only.has(p.info.peerId))) continue;
        this.removeGuest(p.info.peerId, REVOKED_AND_REMOVED, { inviteRevoked: true });
      }
    }
    return true;
  }

  /** Milliseconds until invite `id` admits the next guest (0: now); see ADMISSION_BACKOFF. */
  admissionWait(id: string): number {
    return this.admissions.wait(id);
  }

  /** Every invite, live or not. */
  listInvites(): InviteRecord[] {
    return this.signaling.listInvites();
  }

  /** The guests connected now. */
  guests(): GuestInfo[] {
    return this.peers.connected();
  }

  /**
   * The candidate pair guest `peerId`'s connection uses (ICE candidate types: host, srflx,
   * prflx, relay), and whether it goes through a TURN relay; null before it is connected.
   */
  connectionPath(peerId: string): ConnectionPath | null {
    return this.peers.get(peerId)?.connection.path() ?? null;
  }

  /** Changes a guest's role, live; it applies to the next message and to later reconnects. */
  setRole(peerId: string, role: GuestRole): boolean {
    const peer = this.peers.get(peerId);
    if (!peer) return false;
    const previous = peer.info.role;
    if (previous === role) return true;
    this.peers.setRole(peer, role);
    peer.transport?.send(encodeControl({ type: 'role', role }));
    peer.transport?.send(
      encodeNotice({
        type: 'notice',
        level: 'info',
        message: `The host made you ${describeRole(role)}`,
      }),
    );
    this.emit('role', [{ ...peer.info }, previous]);
    return true;
  }

  /** Disconnects a guest; it cannot come back in this session, whatever invite it holds. */
  removeGuest(
    peerId: string,
    reason = 'the host removed you from the session',
    detail: ByeDetail = {},
  ): boolean {
    const peer = this.peers.get(peerId);
    if (!peer) return false;
    this.peers.remove(peer.guestKey);
    this.dropPeer(peer, reason, 'removed', detail);
    return true;
  }

  /** Stops sharing: every guest is disconnected, signaling stops. The session goes on. */
  async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    await this.starting?.catch(() => {});
    for (const p of this.peers.all()) this.dropPeer(p, 'the host stopped sharing', 'stopped');
    await this.signaling.stop();
    this.emit('stopped', []);
  }

  /** An offer opened (hub-signaling.ts): admits it unless it is a repeat or there is no room. */
  private async onOffer(ask: Asking): Promise<void> {
    const o = ask.offer;
    // An offer being handled, or already answered, sent again; a replayed one; or no room (the
    // guest sends its offer again until it is answered).
    if (this.peers.has(o.from) || this.pending.has(o.from) || this.offerNonces.has(o.nonce)) {
      return;
    }
    if (this.pending.size + this.peers.halfOpen() >= MAX_PENDING) return;
    this.offerNonces.add(o.nonce);
    this.pending.add(o.from);
    try {
      await this.admit(ask);
    } catch (e) {
      console.warn(`pairbook: could not connect ${o.name}: ${(e as Error).message}`);
    } finally {
      this.pending.delete(o.from);
    }
  }

  /** Decides on an offer (admission.ts), knocks if asked, and connects the guest let in. */
  private async admit(ask: Asking): Promise<void> {
    const { offer: o, invite } = ask;
    const now = Date.now();
    const admission = decideAdmission({
      invite: {
        status: InviteBook.status(invite, now),
        expiresAt: invite.expiresAt,
        role: invite.role,
        knock: invite.knock,
      },
      guest: {
        removed: this.peers.isRemoved(o.guest),
        role: this.peers.roleOf(o.guest),
        epoch: o.epoch,
      },
      epoch: this.epoch,
      waitMs: this.admissions.wait(invite.id, now),
      now,
    });
    if (!admission.admit) return ask.turnAway(admission.refusal);
    this.admissions.admitted(invite.id);
    const { role } = admission;
    const code = await verificationCode(this.signaling.fingerprint, o.guest, o.sdp);
    if (admission.knock) {
      await ask.reply({ type: 'waiting', to: o.from, nonce: o.nonce });
      const verdict = await askHost(
        { peerId: o.from, name: o.name, role, inviteId: invite.id, code },
        (k) => this.emit('knock', [k]),
        this.options.knockTimeoutMs ?? KNOCK_TIMEOUT_MS,
      );
      if (verdict !== true) return ask.refuse(verdict);
      if (this.stopped) return;
    }
    await this.connect(ask, role, code);
  }

  /** Registers the guest let in as `role` and answers its offer (peer-connector.ts). */
  private async connect(ask: Asking, role: GuestRole, code: string): Promise<void> {
    const { offer: o, invite } = ask;
    const info: GuestInfo = {
      peerId: o.from,
      name: o.name,
      role,
      inviteId: invite.id,
      joinedAt: Date.now(),
      code,
    };
    const connection = new GuestConnection(
      o.from,
      {
        iceServers: [
          ...(this.options.iceServers ?? []),
          ...hostIceServers(this.options.ice, `host-${this.sessionId}`),
        ],
        connectTimeoutMs: this.options.connectTimeoutMs ?? 20_000,
        channel: {
          maxMessageBytes: () => MAX_GUEST_MESSAGE_BYTES[info.role],
          space: this.reassembly,
        },
      },
      {
        channel: (channel) => this.onChannel(peer, channel),
        lost: (reason) => this.dropPeer(peer, reason),
      },
    );
    const peer: Guest = { info, guestKey: o.guest, connection, transport: null, detach: null };
    this.peers.add(peer);
    const answer = await connection.answer(o.sdp);
    if ('failed' in answer) return this.dropPeer(peer, answer.failed);
    if (this.stopped) return this.dropPeer(peer, 'no answer could be made');
    await ask.reply({
      type: 'answer',
      to: o.from,
      nonce: o.nonce,
      sdp: answer.sdp,
      role,
      sessionId: this.sessionId,
      epoch: this.epoch,
    });
  }

  /** Guest `peer`'s channel opened: welcomes it and attaches it to the session, guarded. */
  private onChannel(peer: Guest, channel: GuestChannel): void {
    peer.transport = channel;
    channel.onClose((reason) => this.dropPeer(peer, reason));
    channel.send(
      encodeControl({
        type: 'welcome',
        peerId: peer.info.peerId,
        role: peer.info.role,
        sessionId: this.sessionId,
        epoch: this.epoch,
        ...(this.session.name ? { notebook: this.session.name } : {}),
      }),
    );
    const guarded = new GuardedTransport(channel, {
      doc: this.session.doc,
      awareness: this.session.awareness,
      registry: this.clientIds,
      guestKey: peer.guestKey,
      peerId: peer.info.peerId,
      role: () => peer.info.role,
      saveLimit: this.guestSaves,
      docBytesLimit: this.peers.docLimit(peer.guestKey),
      inviteDocBytesLimit: this.peers.inviteDocLimit(peer.info.inviteId),
      onDropped: (reason) => this.emit('dropped', [{ ...peer.info }, reason]),
    });
    peer.detach = this.session.attach(guarded, { name: peer.info.name, peer: peer.info.peerId });
    const path = peer.connection.path();
    if (path) peer.info.relayed = path.relayed;
    this.emit('join', [{ ...peer.info }]);
  }

  private dropPeer(
    peer: Guest,
    reason: string,
    code: ByeCode = 'closed',
    detail: ByeDetail = {},
  ): void {
    if (!this.peers.delete(peer)) return;
    const cut = peer.transport;
    cut?.close(reason, code, detail); // the guest gets a bye (unless the channel closed first)
    peer.detach?.();
    peer.connection.close(); // once the bye has left (the channel is shut)
    if (!cut) return;
    this.emit('leave', [{ ...peer.info }, reason]);
    if (cut.byeCode && ABUSE_CODES.has(cut.byeCode)) {
      const { cutOffs, waitMs } = this.admissions.cutOff(peer.info.inviteId);
      this.emit('abuse', [
        { ...peer.info },
        { code: cut.byeCode, reason: cut.byeReason, cutOffs, waitMs },
      ]);
    }
  }
}
