// The hub's end of signaling (docs/architecture.md): the embedded signaling server, or the servers
// given; the host's key and its invites, each invite's topic subscribed; guests' sealed offers
// opened, and the host's replies signed and sealed, refusals within a budget. What an offer asks
// is the hub's to decide.
import type { GuestRole } from '../../protocol/roles';
import {
  type HostIdentity,
  createHostIdentity,
  decryptText,
  encryptText,
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
import type { Refusal } from './admission';
import { type IceConfig, inviteIceServers } from './ice-servers';
import { type InviteRecord, InviteBook } from './invites';
import { RecentKeys, ReplyBudget } from './offer-limits';
import { SignalingClient } from './signaling-client';
import { SignalingServer } from './signaling-server';

/** Guests already told why they cannot join, by invite: how many, how long. */
const REFUSED_GUESTS = { max: 4096, ttlMs: 60 * 60_000 };
/** Refusals signed and sent, per second and at once. */
const REFUSALS = { perSecond: 10, burst: 20 };

/** An offer that opened with an invite's key: what it says, and how to answer it. */
export interface Asking {
  offer: Offer;
  invite: InviteRecord;
  reply: (r: HostReply) => Promise<void>;
  /** Tells the guest it is not let in (and the handler, `refused`). */
  refuse: (refusal: { reason: string; code: RefusalCode; retryMs?: number }) => Promise<void>;
  /**
   * Refuses before any knock: told once per guest key and invite (and `why`), within a budget
   * of refusals per second; a flood of such offers gets nothing more.
   */
  turnAway: (refusal: Refusal) => Promise<void>;
}

/** Where HubSignaling hands the offers it opens. */
export interface OfferHandler {
  /** Whether offers are wanted now (false: they are not even opened). */
  taking(): boolean;
  /** An offer that opened and names its sender as the relay bound it. */
  offer(ask: Asking): Promise<void>;
  /** The guest of `ask` is being told it is not let in. */
  refused(ask: Asking, reason: string, code: RefusalCode): void;
}

/** Options of HubSignaling (the hub's options of the same names). */
export interface HubSignalingOptions {
  sessionId: string;
  signaling?: string[];
  listen?: { host?: string; port?: number };
  /** How long the embedded server keeps a guest's socket. */
  maxGuestSocketMs: number;
  webBase?: string;
  ice?: IceConfig;
}

/** Signaling for one hub. */
export class HubSignaling {
  private identity!: HostIdentity;
  private invites!: InviteBook;
  private server: SignalingServer | null = null;
  private clients: SignalingClient[] = [];
  private readonly refusedGuests = new RecentKeys(REFUSED_GUESTS.max, REFUSED_GUESTS.ttlMs);
  private readonly refusals = new ReplyBudget(REFUSALS.perSecond, REFUSALS.burst);
  /** Sealed messages that did not open with any invite key (wrong or no secret). */
  unopened = 0;

  constructor(
    private readonly options: HubSignalingOptions,
    private readonly handler: OfferHandler,
  ) {}

  /** Creates the host's key and starts signaling (the embedded server unless servers were given). */
  async start(): Promise<void> {
    this.identity = await createHostIdentity();
    let urls = this.options.signaling ?? [];
    if (urls.length === 0) {
      this.server = new SignalingServer({
        ...this.options.listen,
        maxGuestSocketMs: this.options.maxGuestSocketMs,
      });
      urls = [await this.server.start()];
    }
    const { sessionId, webBase, ice } = this.options;
    this.invites = new InviteBook(
      { signaling: urls, sessionId, fingerprint: this.identity.fingerprint },
      webBase ?? null,
      (id, expiresAt) => inviteIceServers(ice, id, expiresAt),
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
  }

  /** The host key's fingerprint, as links pin it. */
  get fingerprint(): string {
    return this.identity.fingerprint;
  }

  /** The embedded signaling server (null when external servers are used). */
  get signalingServer(): SignalingServer | null {
    return this.server;
  }

  /** Creates an invite (see InviteBook.create) and listens on its topic. After start(). */
  async createInvite(
    role: GuestRole,
    expiresInMs: number | null,
    knock: boolean,
  ): Promise<InviteRecord> {
    const record = await this.invites.create(role, expiresInMs, knock);
    for (const c of this.clients) c.subscribe(record.keys.topic);
    return record;
  }

  /** Revokes invite `id`; false if there is no such live invite (or signaling never started). */
  revokeInvite(id: string): boolean {
    return this.invites?.revoke(id) ?? false;
  }

  /** Every invite, live or not. */
  listInvites(): InviteRecord[] {
    return this.invites?.list() ?? [];
  }

  /** Stops the clients and the embedded server. */
  async stop(): Promise<void> {
    for (const c of this.clients) c.stop();
    await this.server?.stop();
  }

  private async onPublish(client: SignalingClient, message: PublishSignal): Promise<void> {
    if (!this.handler.taking() || message.from === HOST_PEER_ID) return;
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
    const ask: Asking = {
      offer: offer.value,
      invite,
      reply: (r) => this.reply(client, invite, r),
      refuse: (refusal) => this.refuse(ask, refusal),
      turnAway: (refusal) => this.turnAway(ask, refusal),
    };
    await this.handler.offer(ask);
  }

  private async turnAway(ask: Asking, refusal: Refusal): Promise<void> {
    const key = `${ask.invite.id} ${ask.offer.guest} ${refusal.why}`;
    if (this.refusedGuests.has(key) || !this.refusals.take()) return;
    this.refusedGuests.add(key);
    await this.refuse(ask, refusal);
  }

  private async refuse(
    ask: Asking,
    { reason, code, retryMs }: { reason: string; code: RefusalCode; retryMs?: number },
  ): Promise<void> {
    this.handler.refused(ask, reason, code);
    const { offer: o } = ask;
    const r: HostReply = { type: 'refused', to: o.from, nonce: o.nonce, reason, code };
    await ask.reply(retryMs === undefined ? r : { ...r, retryMs });
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
