// The sharing hub (docs/architecture.md): the host's end of every guest. It answers guests'
// WebRTC offers that arrive, sealed with an invite's key, through signaling; admits them (after a
// knock when asked); and attaches each guest's data channel to the session through a
// GuardedTransport that enforces the guest's role. Star topology: guests only ever connect here.
import { ObservableV2 } from 'lib0/observable';
import nodeDataChannel, { type DataChannel, type PeerConnection } from 'node-datachannel';
import type { Awareness } from 'y-protocols/awareness';
import type * as Y from 'yjs';
import { type ByeCode, type ByeDetail, encodeControl } from '../../protocol/hub-control';
import { encodeNotice } from '../../protocol/hub-messages';
import { type GuestRole, describeRole } from '../../protocol/roles';
import {
  type HostIdentity,
  createHostIdentity,
  decryptText,
  encryptText,
  randomToken,
  signText,
} from '../../protocol/signaling-crypto';
import {
  HOST_PEER_ID,
  type HostReply,
  type Offer,
  type PublishSignal,
  type RefusalCode,
  decodeOffer,
} from '../../protocol/signaling-messages';
import type { Transport } from '../../protocol/transport';
import { verificationCode } from '../../protocol/verification-code';
import { ClientIdRegistry } from './client-ids';
import {
  ADMISSION_BACKOFF,
  ByteBudget,
  DOC_BYTES_LIMIT,
  INVITE_DOC_BYTES_LIMIT,
  MAX_GUEST_MESSAGE_BYTES,
  REASSEMBLY_BUDGET_BYTES,
  RateLimit,
  SAVE_LIMIT,
} from './guest-limits';
import { type IceConfig, hostIceServers, inviteIceServers } from './ice-servers';
import { type InviteRecord, InviteBook } from './invites';
import { AdmissionThrottle, type Backoff, RecentKeys, ReplyBudget } from './offer-limits';
import { GuardedTransport } from './role-guard';
import { SignalingClient } from './signaling-client';
import { SignalingServer } from './signaling-server';
import { DataChannelTransport } from './transports/data-channel-transport';

/** What the hub needs of a session: NotebookSession satisfies it. */
export interface HubSession {
  readonly doc: Y.Doc;
  readonly awareness: Awareness;
  /** The notebook's file name, which guests see as its title. */
  readonly name?: string;
  attach(transport: Transport, who: { name: string; peer?: string }): () => void;
}

/** Options of a Hub. */
export interface HubOptions {
  /** Signaling servers to use; none (default): start an embedded one on `listen`. */
  signaling?: string[];
  /** Where the embedded signaling server listens. Default 127.0.0.1, a free port. */
  listen?: { host?: string; port?: number };
  /** Ask the host to admit each guest of invites made without saying. Default false. */
  knock?: boolean;
  /** STUN/TURN servers from settings. Default none: LAN and same-machine only. */
  iceServers?: string[];
  /** STUN/TURN servers the hub uses and its links carry to guests (ice-servers.ts). */
  ice?: IceConfig;
  /** http(s) base address for the browser form of invite links. */
  webBase?: string;
  /** Time to wait for the host to admit a guest; then it is denied. Default 2 minutes. */
  knockTimeoutMs?: number;
  /** Time a guest has to open its data channel after the answer. Default 20 s. */
  connectTimeoutMs?: number;
  /** Spacing of admissions on an invite whose guests are cut off for abuse (ADMISSION_BACKOFF). */
  admissionBackoff?: Backoff;
}

/** A guest as the UI sees it. */
export interface GuestInfo {
  peerId: string;
  name: string;
  role: GuestRole;
  inviteId: string;
  joinedAt: number;
  /** The code host and guest read aloud to check they reached each other ("482 913"). */
  code: string;
  /** Whether their connection goes through a TURN relay (set when it opens; see connectionPath). */
  relayed?: boolean;
}

/** A guest asking to be admitted. */
export interface Knock {
  peerId: string;
  name: string;
  role: GuestRole;
  inviteId: string;
  /** The verification code the knocking guest sees too. */
  code: string;
  admit(): void;
  deny(reason?: string, code?: RefusalCode): void;
}

/** Events of a Hub: each is a change the UI can show. */
export interface HubEvents {
  knock: (knock: Knock) => void;
  join: (guest: GuestInfo) => void;
  leave: (guest: GuestInfo, reason: string) => void;
  role: (guest: GuestInfo, previous: GuestRole) => void;
  /** Someone holding a (still decryptable) invite was turned away. */
  refused: (
    who: { peerId: string; name: string; inviteId: string },
    reason: string,
    code: RefusalCode,
  ) => void;
  /** A guest's message was dropped by the role guard. */
  dropped: (guest: GuestInfo, reason: string) => void;
  /**
   * A guest was cut off for abuse (`code`); new joins on its invite (`guest.inviteId`) now wait
   * `waitMs`. `cutOffs` counts those on that invite lately: when it keeps growing, someone with
   * the link keeps coming back, and the UI can offer to revoke it.
   */
  abuse: (
    guest: GuestInfo,
    cutOff: { code: ByeCode; reason: string; cutOffs: number; waitMs: number },
  ) => void;
  stopped: () => void;
}

interface Peer {
  info: GuestInfo;
  guestKey: string;
  pc: PeerConnection;
  transport: CodedChannel | null;
  detach: (() => void) | null;
}

/** Bye codes that mean the guest sent what no honest client sends (or not fast enough). */
const ABUSE_CODES: ReadonlySet<ByeCode> = new Set([
  'too-large',
  'malformed',
  'rate-limited',
  'timeout',
]);

/** A guest's channel that remembers the code the host closed it with (null: the guest left). */
class CodedChannel extends DataChannelTransport {
  byeCode: ByeCode | null = null;
  byeReason = '';

  override close(reason?: string, code: ByeCode = 'malformed', detail: ByeDetail = {}): void {
    if (!this.isClosed && this.byeCode === null) {
      this.byeCode = code;
      this.byeReason = reason ?? '';
    }
    super.close(reason, code, detail);
  }
}

const GATHER_TIMEOUT_MS = 5000;
/** Offers handled at once plus guests answered whose channel is not open yet. */
const MAX_PENDING = 32;
const KNOCK_TIMEOUT_MS = 120_000;
/** Offer nonces remembered, so a replayed offer gets nothing: how many, how long. */
const OFFER_NONCES = { max: 4096, ttlMs: 10 * 60_000 };
/** Guests already told why they cannot join, by invite: how many, how long. */
const REFUSED_GUESTS = { max: 4096, ttlMs: 60 * 60_000 };
/** Refusals signed and sent, per second and at once. */
const REFUSALS = { perSecond: 10, burst: 20 };
/** Guest keys whose document byte budget is kept across reconnects (the oldest go first). */
const DOC_LIMITS_KEPT = 4096;
/** Why a guest removed with the link it joined with is told it had to go. */
export const REVOKED_AND_REMOVED = 'the host removed you and revoked the link you joined with';

/** The sharing hub of one session. start() and stop() are idempotent. */
export class Hub extends ObservableV2<HubEvents> {
  /** Random per sharing session. */
  readonly sessionId = randomToken(12);
  /** Random per hub: a guest's replica from another epoch is never merged. */
  readonly epoch = randomToken(12);
  private identity!: HostIdentity;
  private invites!: InviteBook;
  private server: SignalingServer | null = null;
  private clients: SignalingClient[] = [];
  private readonly peers = new Map<string, Peer>();
  private readonly pending = new Set<string>();
  private readonly roles = new Map<string, GuestRole>(); // by guest key: survives reconnects
  private readonly removed = new Set<string>(); // guest keys
  private readonly offerNonces = new RecentKeys(OFFER_NONCES.max, OFFER_NONCES.ttlMs);
  private readonly refusedGuests = new RecentKeys(REFUSED_GUESTS.max, REFUSED_GUESTS.ttlMs);
  private readonly refusals = new ReplyBudget(REFUSALS.perSecond, REFUSALS.burst);
  private readonly admissions: AdmissionThrottle;
  /** Each guest key's document byte budget (DOC_BYTES_LIMIT), kept across its reconnects. */
  private readonly docLimits = new Map<string, RateLimit>();
  /** Each invite's document byte budget (INVITE_DOC_BYTES_LIMIT), shared by its guests. */
  private readonly inviteDocLimits = new Map<string, RateLimit>();
  private readonly registry: ClientIdRegistry;
  /** Room for guests' chunked messages being received, shared by all guests. */
  private readonly reassembly = new ByteBudget(REASSEMBLY_BUDGET_BYTES);
  /** Saves asked by guests, all together: one save serves everyone. */
  private readonly guestSaves = new RateLimit(SAVE_LIMIT);
  private starting: Promise<void> | null = null;
  private stopped = false;
  /** Sealed messages that did not open with any invite key (wrong or no secret). */
  unopened = 0;

  constructor(
    private readonly session: HubSession,
    private options: HubOptions = {},
  ) {
    super();
    this.registry = new ClientIdRegistry(session.doc);
    this.admissions = new AdmissionThrottle(options.admissionBackoff ?? ADMISSION_BACKOFF);
  }

  /** Starts signaling (the embedded server unless servers were given). */
  start(): Promise<void> {
    this.starting ??= (async () => {
      this.identity = await createHostIdentity();
      let urls = this.options.signaling ?? [];
      if (urls.length === 0) {
        this.server = new SignalingServer({
          ...this.options.listen,
          // A guest's socket is needed until the knock is answered, and the answer sent.
          maxGuestSocketMs: (this.options.knockTimeoutMs ?? KNOCK_TIMEOUT_MS) + 60_000,
        });
        urls = [await this.server.start()];
      }
      this.invites = new InviteBook(
        { signaling: urls, sessionId: this.sessionId, fingerprint: this.identity.fingerprint },
        this.options.webBase ?? null,
        (id, expiresAt) => inviteIceServers(this.options.ice, id, expiresAt),
      );
      this.clients = urls.map(
        (url) =>
          new SignalingClient(url, (m) => void this.onPublish(client(url), m), {
            onProblem: (problem) => console.warn(`pairbook: ${problem}`),
            // Only the embedded server gets the secret: it proves the hub owns the peer id host.
            ...(this.server ? { hubSecret: this.server.hubSecret } : {}),
          }),
      );
      const client = (url: string) => this.clients.find((c) => c.url === url) as SignalingClient;
      await Promise.all(this.clients.map((c) => c.start()));
    })();
    return this.starting;
  }

  /** The host key's fingerprint, as links pin it. */
  get fingerprint(): string {
    return this.identity.fingerprint;
  }

  /** The embedded signaling server (null when external servers are used). */
  get signalingServer(): SignalingServer | null {
    return this.server;
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
    const record = await this.invites.create(role, expiresInMs, knock);
    for (const c of this.clients) c.subscribe(record.keys.topic);
    return record;
  }

  /**
   * Revokes invite `id`: nobody joins with it any more (those who try are told). Guests who
   * joined with it stay unless `removeGuests`: true removes them all, a list of peer ids only
   * those of them (the ones the host was shown); they are removed as by removeGuest.
   */
  revokeInvite(id: string, options: { removeGuests?: boolean | readonly string[] } = {}): boolean {
    if (!this.invites?.revoke(id)) return false;
    const only = Array.isArray(options.removeGuests) ? new Set(options.removeGuests) : null;
    if (options.removeGuests) {
      for (const p of [...this.peers.values()]) {
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
    return this.invites?.list() ?? [];
  }

  /** The guests connected now. */
  guests(): GuestInfo[] {
    return [...this.peers.values()].filter((p) => p.transport).map((p) => ({ ...p.info }));
  }

  /**
   * The candidate pair guest `peerId`'s connection uses (ICE candidate types: host, srflx,
   * prflx, relay), and whether it goes through a TURN relay; null before it is connected.
   */
  connectionPath(peerId: string): {
    local: { type: string; transport: string; address: string; port: number };
    remote: { type: string; transport: string; address: string; port: number };
    relayed: boolean;
  } | null {
    const pair = this.peers.get(peerId)?.pc.getSelectedCandidatePair();
    if (!pair) return null;
    const side = (c: { type: string; transportType: string; address: string; port: number }) => ({
      type: c.type,
      transport: c.transportType,
      address: c.address,
      port: c.port,
    });
    return {
      local: side(pair.local),
      remote: side(pair.remote),
      relayed: pair.local.type === 'relay' || pair.remote.type === 'relay',
    };
  }

  /** Changes a guest's role, live; it applies to the next message and to later reconnects. */
  setRole(peerId: string, role: GuestRole): boolean {
    const peer = this.peers.get(peerId);
    if (!peer) return false;
    const previous = peer.info.role;
    if (previous === role) return true;
    peer.info.role = role;
    this.roles.set(peer.guestKey, role);
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
    this.removed.add(peer.guestKey);
    this.dropPeer(peer, reason, 'removed', detail);
    return true;
  }

  /** Stops sharing: every guest is disconnected, signaling stops. The session goes on. */
  async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    await this.starting?.catch(() => {});
    for (const p of [...this.peers.values()])
      this.dropPeer(p, 'the host stopped sharing', 'stopped');
    for (const c of this.clients) c.stop();
    await this.server?.stop();
    this.emit('stopped', []);
  }

  private async onPublish(client: SignalingClient, message: PublishSignal): Promise<void> {
    if (this.stopped || message.from === HOST_PEER_ID) return;
    if (message.to !== undefined && message.to !== HOST_PEER_ID) return;
    const invite = this.invites.byTopic(message.topic);
    if (!invite) return;
    const opened = await decryptText(invite.keys.key, message.data);
    if (!opened.ok) {
      this.unopened++;
      return;
    }
    const offer = decodeOffer(opened.value);
    // The outer `from` is the id the relay bound to the sender's socket (Pairbook's guests always
    // send it, and y-webrtc relays pass it on): an offer claiming any other id, or none, could
    // have the answer routed to someone else's socket.
    if (!offer.ok || message.from !== offer.value.from) return;
    const o = offer.value;
    // An offer being handled, or already answered, sent again; a replayed one; or no room (the
    // guest sends its offer again until it is answered).
    if (this.peers.has(o.from) || this.pending.has(o.from) || this.offerNonces.has(o.nonce)) {
      return;
    }
    if (this.pending.size + this.halfOpen() >= MAX_PENDING) return;
    this.offerNonces.add(o.nonce);
    this.pending.add(o.from);
    try {
      await this.admit(client, invite, o);
    } catch (e) {
      console.warn(`pairbook: could not connect ${o.name}: ${(e as Error).message}`);
    } finally {
      this.pending.delete(o.from);
    }
  }

  /** Peers answered whose data channel has not opened yet. */
  private halfOpen(): number {
    let n = 0;
    for (const p of this.peers.values()) if (!p.transport) n++;
    return n;
  }

  private async admit(client: SignalingClient, invite: InviteRecord, o: Offer): Promise<void> {
    const reply = (r: HostReply) => this.reply(client, invite, r);
    const refuse = async (reason: string, code: RefusalCode, retryMs?: number) => {
      this.emit('refused', [{ peerId: o.from, name: o.name, inviteId: invite.id }, reason, code]);
      const r: HostReply = { type: 'refused', to: o.from, nonce: o.nonce, reason, code };
      await reply(retryMs === undefined ? r : { ...r, retryMs });
    };
    // Turned away before any knock: told once per guest key and invite (and `why`), within a
    // budget of refusals per second; a flood of such offers gets nothing more.
    const turnAway = (reason: string, code: RefusalCode, why = '', retryMs?: number) => {
      const key = `${invite.id} ${o.guest} ${why}`;
      if (this.refusedGuests.has(key) || !this.refusals.take()) return;
      this.refusedGuests.add(key);
      return refuse(reason, code, retryMs);
    };
    const status = InviteBook.status(invite);
    if (status === 'expired') {
      const at = new Date(invite.expiresAt as number).toISOString();
      return turnAway(
        `this invite expired at ${at} — ask the host for a new link`,
        'invite-expired',
      );
    }
    if (status === 'revoked') {
      return turnAway('the host revoked this invite — ask for a new link', 'invite-revoked');
    }
    if (this.removed.has(o.guest)) {
      return turnAway('the host removed you from this session', 'removed');
    }
    if (o.epoch !== null && o.epoch !== this.epoch) {
      return turnAway(
        'stale-replica: the host restarted since you last synced; join again with a fresh copy',
        'stale-replica',
      );
    }
    // Before any work for the offer (DTLS, a full sync, a knock for the host to answer).
    const wait = this.admissions.wait(invite.id);
    if (wait > 0) {
      const retryAt = Date.now() + wait;
      return turnAway(
        'guests joining with this invite keep being cut off for abuse, so the host spaces out ' +
          `new joins on it — try again in ${Math.ceil(wait / 1000)} s`,
        'throttled',
        `throttled until ${retryAt}`,
        wait,
      );
    }
    this.admissions.admitted(invite.id);
    const role = this.roles.get(o.guest) ?? invite.role;
    const code = await verificationCode(this.identity.fingerprint, o.guest, o.sdp);
    if (invite.knock) {
      await reply({ type: 'waiting', to: o.from, nonce: o.nonce });
      const verdict = await this.knock(o, role, invite, code);
      if (verdict !== true) return refuse(verdict.reason, verdict.code);
      if (this.stopped) return;
    }
    const pc = new nodeDataChannel.PeerConnection(`pairbook-${o.from}`, {
      iceServers: [
        ...(this.options.iceServers ?? []),
        ...hostIceServers(this.options.ice, `host-${this.sessionId}`),
      ],
    });
    const peer: Peer = {
      info: {
        peerId: o.from,
        name: o.name,
        role,
        inviteId: invite.id,
        joinedAt: Date.now(),
        code,
      },
      guestKey: o.guest,
      pc,
      transport: null,
      detach: null,
    };
    this.peers.set(o.from, peer);
    const timeout = setTimeout(
      () => !peer.transport && this.dropPeer(peer, 'the guest never connected'),
      this.options.connectTimeoutMs ?? 20_000,
    );
    pc.onDataChannel((dc) => {
      clearTimeout(timeout);
      if (dc.getLabel() !== 'pairbook' || peer.transport) return dc.close();
      const open = () => this.onChannel(peer, dc);
      if (dc.isOpen()) open();
      else dc.onOpen(open);
    });
    pc.onStateChange((state) => {
      if (state === 'failed' || state === 'closed') this.dropPeer(peer, 'the connection was lost');
    });
    const gathered = new Promise<void>((resolve) => {
      const t = setTimeout(resolve, GATHER_TIMEOUT_MS);
      pc.onGatheringStateChange((s) => {
        if (s === 'complete') {
          clearTimeout(t);
          resolve();
        }
      });
    });
    try {
      pc.setRemoteDescription(o.sdp, 'offer');
    } catch {
      return this.dropPeer(peer, 'the offer could not be read');
    }
    await gathered;
    const local = pc.localDescription();
    if (!local || this.stopped) return this.dropPeer(peer, 'no answer could be made');
    await reply({
      type: 'answer',
      to: o.from,
      nonce: o.nonce,
      sdp: local.sdp,
      role,
      sessionId: this.sessionId,
      epoch: this.epoch,
    });
  }

  private knock(
    o: Offer,
    role: GuestRole,
    invite: InviteRecord,
    code: string,
  ): Promise<true | { reason: string; code: RefusalCode }> {
    return new Promise((resolve) => {
      let done = false;
      const settle = (v: true | { reason: string; code: RefusalCode }) => {
        if (done) return;
        done = true;
        clearTimeout(timer);
        resolve(v);
      };
      const timer = setTimeout(
        () =>
          settle({ reason: 'the host did not answer in time — try again', code: 'knock-timeout' }),
        this.options.knockTimeoutMs ?? KNOCK_TIMEOUT_MS,
      );
      this.emit('knock', [
        {
          peerId: o.from,
          name: o.name,
          role,
          inviteId: invite.id,
          code,
          admit: () => settle(true),
          deny: (reason = 'the host did not let you in', code: RefusalCode = 'denied') =>
            settle({ reason, code }),
        },
      ]);
    });
  }

  private onChannel(peer: Peer, dc: DataChannel): void {
    if (this.stopped || !this.peers.has(peer.info.peerId)) return dc.close();
    const raw = new CodedChannel(dc, {
      maxMessageBytes: () => MAX_GUEST_MESSAGE_BYTES[peer.info.role],
      space: this.reassembly,
    });
    peer.transport = raw;
    raw.onClose((reason) => this.dropPeer(peer, reason));
    raw.send(
      encodeControl({
        type: 'welcome',
        peerId: peer.info.peerId,
        role: peer.info.role,
        sessionId: this.sessionId,
        epoch: this.epoch,
        ...(this.session.name ? { notebook: this.session.name } : {}),
      }),
    );
    const guarded = new GuardedTransport(raw, {
      doc: this.session.doc,
      awareness: this.session.awareness,
      registry: this.registry,
      guestKey: peer.guestKey,
      peerId: peer.info.peerId,
      role: () => peer.info.role,
      saveLimit: this.guestSaves,
      docBytesLimit: this.docLimit(peer.guestKey),
      inviteDocBytesLimit: this.inviteDocLimit(peer.info.inviteId),
      onDropped: (reason) => this.emit('dropped', [{ ...peer.info }, reason]),
    });
    peer.detach = this.session.attach(guarded, { name: peer.info.name, peer: peer.info.peerId });
    const path = this.connectionPath(peer.info.peerId);
    if (path) peer.info.relayed = path.relayed;
    this.emit('join', [{ ...peer.info }]);
  }

  private dropPeer(
    peer: Peer,
    reason: string,
    code: ByeCode = 'closed',
    detail: ByeDetail = {},
  ): void {
    if (this.peers.get(peer.info.peerId) !== peer) return;
    this.peers.delete(peer.info.peerId);
    const wasIn = peer.transport !== null;
    peer.transport?.close(reason, code, detail); // the guest gets a bye (unless the channel closed first)
    peer.detach?.();
    // After the bye has left (the transport's channel is shut).
    const closePc = () => setTimeout(() => peer.pc.close(), 100).unref();
    if (peer.transport) peer.transport.onShut(closePc);
    else closePc();
    if (wasIn) this.emit('leave', [{ ...peer.info }, reason]);
    const cut = peer.transport;
    if (cut?.byeCode && ABUSE_CODES.has(cut.byeCode)) {
      const { cutOffs, waitMs } = this.admissions.cutOff(peer.info.inviteId);
      this.emit('abuse', [
        { ...peer.info },
        { code: cut.byeCode, reason: cut.byeReason, cutOffs, waitMs },
      ]);
    }
  }

  private inviteDocLimit(inviteId: string): RateLimit {
    let limit = this.inviteDocLimits.get(inviteId);
    if (!limit) {
      limit = new RateLimit(INVITE_DOC_BYTES_LIMIT);
      this.inviteDocLimits.set(inviteId, limit); // invites are the host's: few
    }
    return limit;
  }

  private docLimit(guestKey: string): RateLimit {
    let limit = this.docLimits.get(guestKey);
    if (limit) {
      this.docLimits.delete(guestKey); // most recently used last
    } else {
      limit = new RateLimit(DOC_BYTES_LIMIT);
      if (this.docLimits.size >= DOC_LIMITS_KEPT) {
        this.docLimits.delete(this.docLimits.keys().next().value as string);
      }
    }
    this.docLimits.set(guestKey, limit);
    return limit;
  }

  private async reply(client: SignalingClient, invite: InviteRecord, r: HostReply): Promise<void> {
    const body = JSON.stringify(r);
    const sig = await signText(this.identity, body);
    const sealed = await encryptText(
      invite.keys.key,
      JSON.stringify({ type: 'signed', body, key: this.identity.publicKey, sig }),
    );
    client.publish(invite.keys.topic, sealed, r.to);
  }
}
