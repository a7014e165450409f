// A guest's offer on its way to the host, and the host's reply on its way back, through the
// invite's signaling servers in turn: encrypted with the invite's key, sent again until the host
// replies (relays acknowledge nothing), and believed only when signed by the key the invite pins.
import type { Invite } from '../../protocol/invite';
import {
  type InviteKeys,
  decryptText,
  encryptText,
  verifyHostSignature,
} from '../../protocol/signaling-crypto';
import {
  HOST_PEER_ID,
  type HostReply,
  type Offer,
  type PublishSignal,
  type ServerCloseCode,
  decodeHostReply,
  decodeServerSignal,
  decodeSignedReply,
} from '../../protocol/signaling-messages';
import type { PendingTransport } from './pending-transport';

/** How often an offer the host has not replied to is sent again. */
const OFFER_RESEND_MS = 3000;

/** What an offer's exchange needs to know. */
export interface ExchangeOptions {
  invite: Invite;
  keys: InviteKeys;
  /** How long to wait for the host's answer. Default 15 s (while knocking: knockTimeoutMs). */
  answerTimeoutMs?: number;
  /** How long to wait to be admitted after knocking. Default 3 minutes. */
  knockTimeoutMs?: number;
  WebSocket?: typeof WebSocket;
  /** The host was asked to admit this guest: the guest is knocking. */
  onWaiting(): void;
}

/** A signaling server closed the socket and said why with a code (see SERVER_CLOSE_CODES). */
export class SignalingClosed extends Error {
  constructor(
    message: string,
    readonly code: ServerCloseCode,
  ) {
    super(message);
  }
}

/** Sends the offer through each signaling server in turn until the host answers. */
export async function exchangeOffer(
  o: ExchangeOptions,
  offer: Offer,
  pending: PendingTransport,
): Promise<HostReply> {
  const problems: string[] = [];
  let closing: ServerCloseCode | null = null;
  for (const url of o.invite.signaling) {
    try {
      return await exchangeVia(url, o, offer, pending);
    } catch (e) {
      if (pending.aborted) throw e;
      problems.push((e as Error).message);
      if (e instanceof SignalingClosed) closing = e.code;
    }
  }
  const message = problems.join('; ');
  throw closing ? new SignalingClosed(message, closing) : new Error(message);
}

/** Sends the offer through the signaling server at `url`; resolves with the host's reply. */
function exchangeVia(
  url: string,
  o: ExchangeOptions,
  offer: Offer,
  pending: PendingTransport,
): Promise<HostReply> {
  return new Promise((resolve, reject) => {
    new ServerExchange(url, o, offer, pending, resolve, reject);
  });
}

/** The offer through one signaling server: settles once, with the host's reply or why not. */
class ServerExchange {
  private readonly ws: WebSocket;
  private settled = false;
  private timer: ReturnType<typeof setTimeout> | undefined;
  private resend: ReturnType<typeof setInterval> | undefined;
  private closing: ServerCloseCode | null = null;

  constructor(
    private readonly url: string,
    private readonly o: ExchangeOptions,
    private readonly offer: Offer,
    pending: PendingTransport,
    private readonly resolve: (reply: HostReply) => void,
    private readonly reject: (e: Error) => void,
  ) {
    const WS = o.WebSocket ?? globalThis.WebSocket;
    const ws = new WS(url);
    this.ws = ws;
    this.arm(o.answerTimeoutMs ?? 15_000);
    pending.onAbort(() => this.finish(() => reject(new Error('cancelled'))));
    ws.onerror = () => this.finish(() => reject(new Error(`cannot reach ${url}`)));
    ws.onclose = (event: CloseEvent) =>
      this.finish(() => {
        const message = `${url} closed the connection${event.reason ? `: ${event.reason}` : ''}`;
        reject(this.closing ? new SignalingClosed(message, this.closing) : new Error(message));
      });
    ws.onopen = () => this.publish();
    ws.onmessage = (event: MessageEvent) => this.receive(event);
  }

  private finish(f: () => void): void {
    if (this.settled) return;
    this.settled = true;
    clearTimeout(this.timer);
    clearInterval(this.resend);
    this.ws.close();
    f();
  }

  /** Gives the host `ms` more to reply. */
  private arm(ms: number): void {
    clearTimeout(this.timer);
    this.timer = setTimeout(
      () =>
        this.finish(() => this.reject(new Error(`the host did not answer through ${this.url}`))),
      ms,
    );
  }

  private async publish(): Promise<void> {
    const { ws, offer } = this;
    const { keys } = this.o;
    ws.send(JSON.stringify({ type: 'subscribe', topics: [keys.topic], from: offer.from }));
    const data = await encryptText(keys.key, JSON.stringify(offer));
    const publish = JSON.stringify({
      type: 'publish',
      topic: keys.topic,
      from: offer.from,
      to: HOST_PEER_ID,
      data,
    });
    if (this.settled) return;
    ws.send(publish);
    // Relays acknowledge nothing: until the host replies, the same offer goes again (the host
    // answers one nonce once, so a copy that did arrive changes nothing).
    this.resend = setInterval(() => {
      if (ws.readyState === ws.OPEN) ws.send(publish);
    }, OFFER_RESEND_MS);
  }

  private async receive(event: MessageEvent): Promise<void> {
    const text =
      typeof event.data === 'string'
        ? event.data
        : new TextDecoder().decode(event.data as ArrayBuffer);
    const m = decodeServerSignal(text);
    if (m.ok && m.value.type === 'closing') this.closing = m.value.code;
    if (!m.ok || m.value.type !== 'publish') return;
    const reply = await openReply(m.value, this.o, this.offer);
    if (!reply) return;
    clearInterval(this.resend);
    if (reply.type === 'waiting') {
      this.o.onWaiting();
      this.arm(this.o.knockTimeoutMs ?? 180_000);
      return;
    }
    this.finish(() => this.resolve(reply));
  }
}

/** A reply meant for this offer and signed by the pinned host key; null for anything else. */
async function openReply(
  m: PublishSignal,
  { keys, invite }: ExchangeOptions,
  offer: Offer,
): Promise<HostReply | null> {
  if (m.topic !== keys.topic) return null;
  if (m.to !== undefined && m.to !== offer.from) return null;
  const opened = await decryptText(keys.key, m.data);
  if (!opened.ok) return null;
  const signed = decodeSignedReply(opened.value);
  if (!signed.ok) return null;
  const { body, sig, key } = signed.value;
  if (!(await verifyHostSignature(body, sig, key, invite.fingerprint))) return null;
  const reply = decodeHostReply(body);
  if (!reply.ok || reply.value.to !== offer.from || reply.value.nonce !== offer.nonce) return null;
  return reply.value;
}
