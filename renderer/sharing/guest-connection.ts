// A guest's way in: from an invite, through signaling, to a WebRTC data channel with the host's
// hub, handed to the renderer as a Transport exactly like its WebSocket one:
//   const conn = new GuestConnection(invite, { name: 'Ada' });
//   const client = new HubClient(() => conn.openTransport());
// Every openTransport() is one attempt (HubClient calls it again after a drop, with backoff; the
// host may space attempts out further: 'throttled'). This file is the attempt's states; the offer
// and reply travel in offer-exchange.ts, the WebRTC side is guest-peer.ts, and the hub's control
// messages are handled in guest-control.ts.
// Only replies signed by the key the invite pins are believed; guests never connect to each other.
import { ObservableV2 } from 'lib0/observable';
import type { ByeCode } from '../../protocol/hub-control';
import type { Invite } from '../../protocol/invite';
import type { GuestRole } from '../../protocol/roles';
import { type InviteKeys, deriveInviteKeys, randomToken } from '../../protocol/signaling-crypto';
import type {
  HostReply,
  Offer,
  RefusalCode,
  ServerCloseCode,
} from '../../protocol/signaling-messages';
import type { Transport } from '../../protocol/transport';
import { verificationCode } from '../../protocol/verification-code';
import { handleControl } from './guest-control';
import { gathered, makeCertificate, opened, unreachable } from './guest-peer';
import { SignalingClosed, exchangeOffer } from './offer-exchange';
import { PendingTransport } from './pending-transport';
import { RtcTransport } from './rtc-transport';

/** Options of a GuestConnection. */
export interface GuestOptions {
  /** Display name the host sees. */
  name: string;
  /** This guest's stable identity (keep it with the replica to be recognised on reconnect). */
  guestKey?: string;
  /** STUN/TURN servers from settings; none by default. */
  iceServers?: RTCIceServer[];
  /** How long to wait for the host's answer. Default 15 s (while knocking: knockTimeoutMs). */
  answerTimeoutMs?: number;
  /** How long to wait to be admitted after knocking. Default 3 minutes. */
  knockTimeoutMs?: number;
  /** Implementations to use (tests in Node pass node-datachannel's polyfill and ws). */
  RTCPeerConnection?: typeof RTCPeerConnection;
  WebSocket?: typeof WebSocket;
}

/** Where a guest's connection stands. */
export type GuestStatus = 'connecting' | 'waiting' | 'connected' | 'offline' | 'refused';

/**
 * Why a guest's attempt failed or its channel closed, as the host or its relay coded it: the
 * host's refusal, the host's bye, the signaling server's closing code; 'unreachable' when nobody
 * said why (a network error, a relay gone, a channel lost).
 */
export type GuestFailure =
  | { kind: 'refused'; code: RefusalCode }
  | { kind: 'bye'; code: ByeCode; inviteRevoked: boolean }
  | { kind: 'signaling'; code: ServerCloseCode }
  | { kind: 'unreachable' };

/** Events of a GuestConnection. */
export interface GuestEvents {
  status: (status: GuestStatus, reason: string | null) => void;
  /** The hub greeted this guest: its peer id, role and the host's epoch. */
  welcome: (info: { peerId: string; role: GuestRole; epoch: string; notebook?: string }) => void;
  /** The host changed this guest's role. */
  role: (role: GuestRole) => void;
  /** The code to read aloud with the host for this connection (see verification-code.ts). */
  code: (code: string) => void;
  /** Part of a large message (the notebook, when first syncing) arrived: bytes so far, in all. */
  progress: (received: number, total: number) => void;
  /**
   * The hub dropped edits of this guest: its replica no longer matches. The renderer should
   * start a fresh HubClient (its edits listed in `message` were not kept).
   */
  resync: (message: string) => void;
  /**
   * The host closed this guest's channel, and said why (the close reason is `reason` too). For
   * 'too-large' the connection also asks for a resync: the refused change is still in the
   * replica, and sending it again would be refused again.
   */
  bye: (code: ByeCode, reason: string) => void;
  /**
   * The host restarted since this replica last synced: it must not be merged. The renderer
   * should keep the old replica aside (offer a copy) and start a fresh HubClient.
   */
  'host-restarted': () => void;
}

/** The host's reply that lets a guest in. */
type Answer = Extract<HostReply, { type: 'answer' }>;

/** A guest's connection to one shared session. */
export class GuestConnection extends ObservableV2<GuestEvents> {
  readonly guestKey: string;
  /** The host epoch this guest last synced with; null before the first answer. */
  epoch: string | null = null;
  role: GuestRole | null = null;
  /** The notebook's file name, from the hub's welcome; null before it. */
  notebookName: string | null = null;
  status: GuestStatus = 'offline';
  /** Why the host last closed this guest's channel; null if it never did. */
  bye: { code: ByeCode; reason: string } | null = null;
  /** Why the current attempt failed or its channel closed; null while neither happened. */
  failure: GuestFailure | null = null;
  /** The verification code of the current connection attempt; null before the first offer. */
  code: string | null = null;
  private keys: Promise<InviteKeys>;
  // One DTLS certificate for every attempt, so the code read aloud stays the same on reconnect.
  private certificate: Promise<RTCCertificate | null> | null = null;
  private refusedReason: string | null = null;
  /** The host spaces out joins on this link: no new attempt before this time (ms). */
  private notBefore = 0;
  private current: { close(reason: string): void } | null = null;
  private destroyed = false;

  constructor(
    readonly invite: Invite,
    private readonly options: GuestOptions,
  ) {
    super();
    this.guestKey = options.guestKey ?? randomToken(16);
    this.keys = deriveInviteKeys(invite.secret, invite.sessionId);
  }

  /** Opens one attempt; the Transport buffers sends until the channel is open. */
  openTransport(): Transport {
    const pending = new PendingTransport();
    if (this.destroyed || this.refusedReason) {
      queueMicrotask(() => pending.fail(this.refusedReason ?? 'left the session'));
      return pending;
    }
    this.current = pending;
    this.connect(pending).catch((e: unknown) => {
      this.failure ??=
        e instanceof SignalingClosed
          ? { kind: 'signaling', code: e.code }
          : { kind: 'unreachable' };
      pending.fail((e as Error).message);
    });
    return pending;
  }

  /** Leaves the session. Idempotent. */
  override destroy(): void {
    if (this.destroyed) return;
    this.destroyed = true;
    this.current?.close('left the session');
    super.destroy();
  }

  /**
   * Starts over after 'host-restarted' or 'resync': the next attempt joins with a fresh replica.
   * Call before creating the new HubClient.
   */
  reset(): void {
    this.epoch = null;
  }

  private setStatus(status: GuestStatus, reason: string | null): void {
    this.status = status;
    this.emit('status', [status, reason]);
  }

  private async connect(pending: PendingTransport): Promise<void> {
    // No await when there is no wait: 'connecting' is said at once.
    const turn = this.waitForTurn(pending);
    if (turn) await turn;
    this.failure = null;
    this.setStatus('connecting', null);
    const keys = await this.keys;
    const { pc, channel, offer } = await this.makeOffer(pending);
    const reply = await exchangeOffer(
      {
        invite: this.invite,
        keys,
        answerTimeoutMs: this.options.answerTimeoutMs,
        knockTimeoutMs: this.options.knockTimeoutMs,
        WebSocket: this.options.WebSocket,
        onWaiting: () => this.setStatus('waiting', null),
      },
      offer,
      pending,
    );
    const answer = this.admitted(reply, pc);
    await pc.setRemoteDescription({ type: 'answer', sdp: answer.sdp });
    await opened(channel, pc, pending, unreachable(this.invite));
    this.attach(channel, pc, pending);
  }

  /** The wait until the host lets this link try again ('throttled'); null when there is none. */
  private waitForTurn(pending: PendingTransport): Promise<void> | null {
    const wait = this.notBefore - Date.now();
    if (wait <= 0) return null;
    return new Promise<void>((resolve, reject) => {
      const t = setTimeout(resolve, wait);
      pending.onAbort(() => {
        clearTimeout(t);
        reject(new Error('cancelled'));
      });
    });
  }

  /** A peer connection with its data channel, and the offer for the host (its code emitted). */
  private async makeOffer(
    pending: PendingTransport,
  ): Promise<{ pc: RTCPeerConnection; channel: RTCDataChannel; offer: Offer }> {
    const RTC = this.options.RTCPeerConnection ?? globalThis.RTCPeerConnection;
    this.certificate ??= makeCertificate(RTC);
    const certificate = await this.certificate;
    // The link's STUN/TURN servers (the host's, with TURN credentials minted for this invite),
    // then any of this guest's own settings.
    const pc = new RTC({
      iceServers: [...(this.invite.iceServers ?? []), ...(this.options.iceServers ?? [])],
      ...(certificate ? { certificates: [certificate] } : {}),
    });
    pending.onAbort(() => pc.close());
    const channel = pc.createDataChannel('pairbook', { ordered: true });
    await pc.setLocalDescription(await pc.createOffer());
    await gathered(pc);
    const sdp = pc.localDescription?.sdp;
    if (!sdp) throw new Error('could not make a WebRTC offer');
    const code = await verificationCode(this.invite.fingerprint, this.guestKey, sdp);
    if (code !== this.code) {
      this.code = code;
      this.emit('code', [code]);
    }
    const offer: Offer = {
      type: 'offer',
      from: randomToken(12),
      nonce: randomToken(16),
      guest: this.guestKey,
      name: this.options.name,
      epoch: this.epoch,
      sdp,
    };
    return { pc, channel, offer };
  }

  /** The host's answer; a refusal, or a host that restarted, ends the attempt (throws). */
  private admitted(reply: HostReply, pc: RTCPeerConnection): Answer {
    if (reply.type === 'refused') {
      pc.close();
      this.refused(reply);
    }
    if (reply.type !== 'answer') throw new Error('unexpected reply from the host');
    if (this.epoch !== null && reply.epoch !== this.epoch) {
      pc.close();
      this.epoch = null;
      this.emit('host-restarted', []);
      throw new Error('the host restarted; start again with a fresh copy');
    }
    this.epoch = reply.epoch;
    this.role = reply.role;
    return reply;
  }

  /** Takes the host's refusal: for good, or until the wait it asked for ('throttled'). */
  private refused(reply: Extract<HostReply, { type: 'refused' }>): never {
    this.failure = { kind: 'refused', code: reply.code };
    if (reply.code === 'stale-replica') {
      this.epoch = null;
      this.emit('host-restarted', []);
      throw new Error('the host restarted; start again with a fresh copy');
    }
    if (reply.code === 'throttled' && reply.retryMs !== undefined) {
      // Not for good: the next attempt waits as long as the host said.
      this.notBefore = Date.now() + reply.retryMs;
      this.setStatus('offline', reply.reason);
      throw new Error(reply.reason);
    }
    this.refusedReason = reply.reason;
    this.setStatus('refused', reply.reason);
    throw new Error(reply.reason);
  }

  /** Hands the open channel to the attempt's Transport: this guest is connected. */
  private attach(channel: RTCDataChannel, pc: RTCPeerConnection, pending: PendingTransport): void {
    const transport: RtcTransport = new RtcTransport(
      channel,
      (m): boolean => handleControl(this, m, transport),
      () => pc.close(),
      (received, total) => this.emit('progress', [received, total]),
    );
    transport.onClose((reason) => {
      this.failure ??= { kind: 'unreachable' };
      if (!this.destroyed && this.status !== 'refused') this.setStatus('offline', reason);
    });
    pending.connect(transport);
    this.setStatus('connected', null);
  }
}
