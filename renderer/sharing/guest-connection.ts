// A guest's way in: from an invite, through signaling, to a WebRTC data channel with the host's
// hub, handed to the renderer as a Transport exactly like its WebSocket one:
//   const conn = new GuestConnection(invite, { name: 'Ada' });
//   const client = new HubClient(() => conn.openTransport());
// Every openTransport() is one attempt (HubClient calls it again after a drop, with backoff).
// Only replies signed by the key the invite pins are believed; guests never connect to each other.
import { ObservableV2 } from 'lib0/observable';
import { type ByeCode, decodeControl, isControl } from '../../protocol/hub-control';
import type { Invite } from '../../protocol/invite';
import type { GuestRole } from '../../protocol/roles';
import {
  type InviteKeys,
  decryptText,
  deriveInviteKeys,
  encryptText,
  randomToken,
  verifyHostSignature,
} from '../../protocol/signaling-crypto';
import {
  HOST_PEER_ID,
  type HostReply,
  type Offer,
  type PublishSignal,
  type RefusalCode,
  type ServerCloseCode,
  decodeHostReply,
  decodeServerSignal,
  decodeSignedReply,
} from '../../protocol/signaling-messages';
import type { Transport } from '../../protocol/transport';
import { verificationCode } from '../../protocol/verification-code';
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

const GATHER_TIMEOUT_MS = 3000;
/** How often an offer the host has not replied to is sent again. */
const OFFER_RESEND_MS = 3000;

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
    const wait = this.notBefore - Date.now();
    if (wait > 0) {
      await new Promise<void>((resolve, reject) => {
        const t = setTimeout(resolve, wait);
        pending.onAbort(() => {
          clearTimeout(t);
          reject(new Error('cancelled'));
        });
      });
    }
    this.failure = null;
    this.setStatus('connecting', null);
    const keys = await this.keys;
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
    const reply = await this.signal(keys, offer, pending);
    if (reply.type === 'refused') {
      pc.close();
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
    if (reply.type !== 'answer') throw new Error('unexpected reply from the host');
    if (this.epoch !== null && reply.epoch !== this.epoch) {
      pc.close();
      this.epoch = null;
      this.emit('host-restarted', []);
      throw new Error('the host restarted; start again with a fresh copy');
    }
    this.epoch = reply.epoch;
    this.role = reply.role;
    await pc.setRemoteDescription({ type: 'answer', sdp: reply.sdp });
    await opened(channel, pc, pending, unreachable(this.invite));
    const transport: RtcTransport = new RtcTransport(
      channel,
      (m): boolean => this.control(m, transport),
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

  private control(message: Uint8Array, transport: RtcTransport): boolean {
    if (!isControl(message)) return false;
    const c = decodeControl(message);
    if (!c.ok) return true;
    const m = c.value;
    if (m.type === 'welcome') {
      this.role = m.role;
      const { peerId, role, epoch, notebook } = m;
      this.notebookName = notebook ?? this.notebookName;
      this.emit('welcome', [{ peerId, role, epoch, ...(notebook ? { notebook } : {}) }]);
    } else if (m.type === 'role') {
      this.role = m.role;
      this.emit('role', [m.role]);
    } else if (m.type === 'resync') this.emit('resync', [m.message]);
    else if (m.type === 'bye') {
      transport.byeReason = m.reason;
      this.bye = { code: m.code, reason: m.reason };
      this.failure = { kind: 'bye', code: m.code, inviteRevoked: m.inviteRevoked === true };
      this.emit('bye', [m.code, m.reason]);
      if (m.code === 'too-large') {
        this.emit('resync', [`The host refused a change of yours as too large (${m.reason})`]);
      }
      // The host waits for this end to close, so the bye is read before the channel goes.
      transport.close(m.reason);
    }
    return true;
  }

  /** Sends the offer through each signaling server in turn until the host answers. */
  private async signal(
    keys: InviteKeys,
    offer: Offer,
    pending: PendingTransport,
  ): Promise<HostReply> {
    const problems: string[] = [];
    let closing: ServerCloseCode | null = null;
    for (const url of this.invite.signaling) {
      try {
        return await this.signalVia(url, keys, offer, pending);
      } catch (e) {
        if (pending.aborted) throw e;
        problems.push((e as Error).message);
        if (e instanceof SignalingClosed) closing = e.code;
      }
    }
    const message = problems.join('; ');
    throw closing ? new SignalingClosed(message, closing) : new Error(message);
  }

  private signalVia(
    url: string,
    keys: InviteKeys,
    offer: Offer,
    pending: PendingTransport,
  ): Promise<HostReply> {
    const WS = this.options.WebSocket ?? globalThis.WebSocket;
    return new Promise((resolve, reject) => {
      const ws = new WS(url);
      let settled = false;
      let timer: ReturnType<typeof setTimeout>;
      let resend: ReturnType<typeof setInterval> | undefined;
      let closing: ServerCloseCode | null = null;
      const finish = (f: () => void) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        clearInterval(resend);
        ws.close();
        f();
      };
      const arm = (ms: number) => {
        clearTimeout(timer);
        timer = setTimeout(
          () => finish(() => reject(new Error(`the host did not answer through ${url}`))),
          ms,
        );
      };
      arm(this.options.answerTimeoutMs ?? 15_000);
      pending.onAbort(() => finish(() => reject(new Error('cancelled'))));
      ws.onerror = () => finish(() => reject(new Error(`cannot reach ${url}`)));
      ws.onclose = (event: CloseEvent) =>
        finish(() => {
          const message = `${url} closed the connection${event.reason ? `: ${event.reason}` : ''}`;
          reject(closing ? new SignalingClosed(message, closing) : new Error(message));
        });
      ws.onopen = async () => {
        ws.send(JSON.stringify({ type: 'subscribe', topics: [keys.topic], from: offer.from }));
        const data = await encryptText(keys.key, JSON.stringify(offer));
        const publish = JSON.stringify({
          type: 'publish',
          topic: keys.topic,
          from: offer.from,
          to: HOST_PEER_ID,
          data,
        });
        if (settled) return;
        ws.send(publish);
        // Relays acknowledge nothing: until the host replies, the same offer goes again (the
        // host answers one nonce once, so a copy that did arrive changes nothing).
        resend = setInterval(() => {
          if (ws.readyState === ws.OPEN) ws.send(publish);
        }, OFFER_RESEND_MS);
      };
      ws.onmessage = async (event: MessageEvent) => {
        const text =
          typeof event.data === 'string'
            ? event.data
            : new TextDecoder().decode(event.data as ArrayBuffer);
        const m = decodeServerSignal(text);
        if (m.ok && m.value.type === 'closing') closing = m.value.code;
        if (!m.ok || m.value.type !== 'publish') return;
        const reply = await this.openReply(m.value, keys, offer);
        if (!reply) return;
        clearInterval(resend);
        if (reply.type === 'waiting') {
          this.setStatus('waiting', null);
          arm(this.options.knockTimeoutMs ?? 180_000);
          return;
        }
        finish(() => resolve(reply));
      };
    });
  }

  /** A reply meant for this offer and signed by the pinned host key; null for anything else. */
  private async openReply(
    m: PublishSignal,
    keys: InviteKeys,
    offer: Offer,
  ): Promise<HostReply | null> {
    if (m.topic !== keys.topic) return null;
    if (m.to !== undefined && m.to !== offer.from) return null;
    const opened = await decryptText(keys.key, m.data);
    if (!opened.ok) return null;
    const signed = decodeSignedReply(opened.value);
    if (!signed.ok) return null;
    const { body, sig, key } = signed.value;
    if (!(await verifyHostSignature(body, sig, key, this.invite.fingerprint))) return null;
    const reply = decodeHostReply(body);
    if (!reply.ok || reply.value.to !== offer.from || reply.value.nonce !== offer.nonce)
      return null;
    return reply.value;
  }
}

/** A signaling server closed the socket and said why with a code (see SERVER_CLOSE_CODES). */
class SignalingClosed extends Error {
  constructor(
    message: string,
    readonly code: ServerCloseCode,
  ) {
    super(message);
  }
}

/** A DTLS certificate to keep across attempts; null where the implementation cannot make one. */
async function makeCertificate(RTC: typeof RTCPeerConnection): Promise<RTCCertificate | null> {
  try {
    return typeof RTC.generateCertificate === 'function'
      ? await RTC.generateCertificate({ name: 'ECDSA', namedCurve: 'P-256' } as EcKeyGenParams)
      : null;
  } catch {
    return null; // node-datachannel's polyfill: a new certificate (and code) per attempt
  }
}

function gathered(pc: RTCPeerConnection): Promise<void> {
  if (pc.iceGatheringState === 'complete') return Promise.resolve();
  return new Promise((resolve) => {
    const t = setTimeout(resolve, GATHER_TIMEOUT_MS);
    const check = () => {
      if (pc.iceGatheringState !== 'complete') return;
      clearTimeout(t);
      resolve();
    };
    pc.addEventListener('icegatheringstatechange', check);
    pc.addEventListener('icecandidate', (e: RTCPeerConnectionIceEvent) => {
      if (!e.candidate) check();
    });
  });
}

/**
 * How long a data channel may take to open after the host's answer: a pair that connects at all,
 * even through a relay, does so within a few seconds, and a join must fail within 15 s.
 */
const OPEN_TIMEOUT_MS = 11_000;

/** What to tell a guest whose connection to the host could not be made (docs/networks.md). */
function unreachable(invite: Invite): string {
  const turn = (invite.iceServers ?? []).some((s) => s.urls.some((u) => /^turns?:/.test(u)));
  return turn
    ? "the host and you could not connect, not even through the host's TURN server (is it " +
        'running, and reachable from both networks?): see docs/networks.md'
    : 'the host and you cannot reach each other directly; the host needs a TURN server: ' +
        'see docs/networks.md';
}

function opened(
  channel: RTCDataChannel,
  pc: RTCPeerConnection,
  pending: PendingTransport,
  failure: string,
): Promise<void> {
  if (channel.readyState === 'open') return Promise.resolve();
  return new Promise((resolve, reject) => {
    const t = setTimeout(() => reject(new Error(failure)), OPEN_TIMEOUT_MS);
    // ICE gave up (every candidate pair failed): no need to wait for the timeout.
    pc.addEventListener('connectionstatechange', () => {
      if (pc.connectionState !== 'failed') return;
      clearTimeout(t);
      reject(new Error(failure));
    });
    pending.onAbort(() => {
      clearTimeout(t);
      reject(new Error('cancelled'));
    });
    channel.addEventListener('open', () => {
      clearTimeout(t);
      resolve();
    });
    channel.addEventListener('close', () => {
      clearTimeout(t);
      reject(new Error('the connection to the host closed while opening'));
    });
  });
}

/** A Transport handed out before its channel exists: buffers sends, then forwards. */
class PendingTransport implements Transport {
  private inner: Transport | null = null;
  private buffered: Uint8Array[] = [];
  private readonly messageListeners = new Set<(m: Uint8Array) => void>();
  private readonly closeListeners = new Set<(r: string) => void>();
  private readonly aborts = new Set<() => void>();
  private done = false;
  aborted = false;

  connect(inner: Transport): void {
    if (this.done) return inner.close('closed');
    this.inner = inner;
    inner.onMessage((m) => this.messageListeners.forEach((l) => l(m)));
    inner.onClose((r) => this.finish(r));
    for (const m of this.buffered) inner.send(m);
    this.buffered = [];
  }

  fail(reason: string): void {
    this.finish(reason);
  }

  onAbort(f: () => void): void {
    if (this.aborted) f();
    else this.aborts.add(f);
  }

  send(message: Uint8Array): void {
    if (this.done) return;
    if (this.inner) this.inner.send(message);
    else this.buffered.push(message);
  }

  onMessage(listener: (message: Uint8Array) => void): () => void {
    this.messageListeners.add(listener);
    return () => this.messageListeners.delete(listener);
  }

  onClose(listener: (reason: string) => void): () => void {
    this.closeListeners.add(listener);
    return () => this.closeListeners.delete(listener);
  }

  close(reason = 'closed'): void {
    this.inner?.close(reason);
    this.finish(reason);
  }

  private finish(reason: string): void {
    if (this.done) return;
    this.done = true;
    this.buffered = [];
    if (!this.inner) {
      this.aborted = true;
      this.aborts.forEach((f) => f());
    }
    this.aborts.clear();
    this.closeListeners.forEach((l) => l(reason));
    this.closeListeners.clear();
  }
}
