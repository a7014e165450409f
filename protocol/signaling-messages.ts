// Messages on a signaling server. The outer layer is y-webrtc's wire protocol, so any y-webrtc
// signaling server can relay a session:
//   client → server: {type:'subscribe'|'unsubscribe', topics:[...]} | {type:'publish', topic, data} | {type:'ping'}
//   server → client: {type:'publish', topic, data, ...} (to every subscriber of topic) | {type:'pong'}
// Pairbook adds `from` (the sender's peer id) and `to` (the one recipient) to a publish; relays
// pass unknown fields on, and the embedded server uses them to route and to bind peer ids.
// `data` is sealed (signaling-crypto) JSON of a SealedMessage: a guest's Offer, or a host's
// signed reply. See docs/protocol.md.
import { PairbookError, type Result, err, ok } from './errors';
import { type GuestRole, isGuestRole } from './roles';

/** Largest signaling message read, in characters (an SDP with candidates is a few KiB). */
export const MAX_SIGNALING_CHARS = 64 * 1024;
/** Most topics one socket may subscribe to. */
export const MAX_TOPICS = 32;
/** Peer id of the host on every topic. */
export const HOST_PEER_ID = 'host';
/**
 * HTTP header with which the hub's own socket proves itself to the embedded signaling server (the
 * secret the server was created with; never sent to another server).
 */
export const HUB_AUTH_HEADER = 'x-pairbook-hub';

/** What a client sends to a signaling server. */
export type ClientSignal =
  /** `from` (Pairbook's addition) binds the sender's peer id before it publishes anything. */
  | { type: 'subscribe'; topics: string[]; from?: string }
  | { type: 'unsubscribe'; topics: string[] }
  | PublishSignal
  | { type: 'ping' };

/** One relayed message. */
export interface PublishSignal {
  type: 'publish';
  topic: string;
  data: string;
  from?: string;
  to?: string;
}

/**
 * Why the embedded signaling server is about to close a client's socket, sent just before the
 * close (whose reason is prose): 'no-host', no host shares any topic it subscribed to (a wrong
 * link, or the host stopped sharing it). Pairbook's addition; other relays never send it.
 */
export const SERVER_CLOSE_CODES = ['no-host'] as const;
export type ServerCloseCode = (typeof SERVER_CLOSE_CODES)[number];

/** What a signaling server sends to a client. */
export type ServerSignal =
  PublishSignal | { type: 'pong' } | { type: 'closing'; code: ServerCloseCode };

const PEER_ID = /^[A-Za-z0-9_-]{1,64}$/;
const TOPIC = /^[\x21-\x7e]{1,128}$/;

const bad = (why: string) =>
  err(new PairbookError('invalid-message', `bad signaling message: ${why}`));

function parseObject(text: string): Result<Record<string, unknown>> {
  if (typeof text !== 'string' || text.length > MAX_SIGNALING_CHARS) return bad('too long');
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return bad('not JSON');
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    return bad('not an object');
  return ok(value as Record<string, unknown>);
}

function readPublish(m: Record<string, unknown>): Result<PublishSignal> {
  if (typeof m.topic !== 'string' || !TOPIC.test(m.topic)) return bad('bad topic');
  if (typeof m.data !== 'string' || m.data.length === 0) return bad('publish without data');
  const out: PublishSignal = { type: 'publish', topic: m.topic, data: m.data };
  for (const key of ['from', 'to'] as const) {
    const v = m[key];
    if (v === undefined) continue;
    if (typeof v !== 'string' || !PEER_ID.test(v)) return bad(`bad ${key}`);
    out[key] = v;
  }
  return ok(out);
}

/** Reads what a client sent (the server's side). */
export function decodeClientSignal(text: string): Result<ClientSignal> {
  const parsed = parseObject(text);
  if (!parsed.ok) return parsed;
  const m = parsed.value;
  switch (m.type) {
    case 'subscribe':
    case 'unsubscribe':
      if (
        !Array.isArray(m.topics) ||
        m.topics.length > MAX_TOPICS ||
        !m.topics.every((t) => typeof t === 'string' && TOPIC.test(t))
      ) {
        return bad('bad topics');
      }
      return ok(
        m.type === 'subscribe'
          ? typeof m.from === 'string' && PEER_ID.test(m.from)
            ? { type: 'subscribe', topics: m.topics as string[], from: m.from }
            : { type: 'subscribe', topics: m.topics as string[] }
          : { type: 'unsubscribe', topics: m.topics as string[] },
      );
    case 'publish':
      return readPublish(m);
    case 'ping':
      return ok({ type: 'ping' });
    default:
      return bad('unknown type');
  }
}

/** Reads what a server relayed (a client's side). */
export function decodeServerSignal(text: string): Result<ServerSignal> {
  const parsed = parseObject(text);
  if (!parsed.ok) return parsed;
  if (parsed.value.type === 'pong') return ok({ type: 'pong' });
  if (parsed.value.type === 'publish') return readPublish(parsed.value);
  const { type, code } = parsed.value;
  if (type === 'closing' && (SERVER_CLOSE_CODES as readonly unknown[]).includes(code)) {
    return ok({ type: 'closing', code: code as ServerCloseCode });
  }
  return bad('unknown type');
}

/** A guest asks to join: sealed with the invite key, sent to HOST_PEER_ID. */
export interface Offer {
  type: 'offer';
  /** The guest's peer id for this attempt (matches the envelope's `from`). */
  from: string;
  /** Fresh per attempt; the host's reply must carry it back. */
  nonce: string;
  /** The guest's stable identity across reconnects (random, kept by the guest). */
  guest: string;
  /** Display name. */
  name: string;
  /** The host epoch this guest's replica last synced with; null for a fresh replica. */
  epoch: string | null;
  /** The WebRTC offer, all ICE candidates included (no trickle). */
  sdp: string;
}

/**
 * Why the host turned a guest away: the invite expired or was revoked, the host removed this
 * guest, did not let them in ('denied') or did not answer their knock ('knock-timeout'), stopped
 * sharing while they knocked, their replica is from before the host restarted ('stale-replica'),
 * or joins on the invite are spaced out after abuse ('throttled'); 'refused' for anything else.
 */
export const REFUSAL_CODES = [
  'invite-expired',
  'invite-revoked',
  'removed',
  'denied',
  'knock-timeout',
  'stopped',
  'stale-replica',
  'throttled',
  'refused',
] as const;
export type RefusalCode = (typeof REFUSAL_CODES)[number];

/** Longest a refusal may ask a guest to wait before trying again (a longer one is ignored). */
const MAX_RETRY_MS = 10 * 60_000;

/** What the host answers, inside a SignedReply. */
export type HostReply =
  | {
      type: 'answer';
      to: string;
      nonce: string;
      sdp: string;
      role: GuestRole;
      sessionId: string;
      epoch: string;
    }
  /** Admission is pending: the host was asked to admit this guest. */
  | { type: 'waiting'; to: string; nonce: string }
  /**
   * No entry: why, for code (`code`) and for the guest to read (`reason`); `retryMs` when the
   * guest may try again after that long ('throttled').
   */
  | {
      type: 'refused';
      to: string;
      nonce: string;
      reason: string;
      code: RefusalCode;
      retryMs?: number;
    };

/** A host reply as sent: its JSON `body`, the host's public key and its signature of `body`. */
export interface SignedReply {
  type: 'signed';
  body: string;
  key: string;
  sig: string;
}

const TOKEN = /^[A-Za-z0-9_-]{8,64}$/;
const MAX_NAME_CHARS = 64;
const MAX_SDP_CHARS = 32 * 1024;

/** Reads a sealed message opened by the host: only an Offer is accepted. */
export function decodeOffer(text: string): Result<Offer> {
  const parsed = parseObject(text);
  if (!parsed.ok) return parsed;
  const m = parsed.value;
  if (m.type !== 'offer') return bad('not an offer');
  if (typeof m.from !== 'string' || !PEER_ID.test(m.from) || m.from === HOST_PEER_ID) {
    return bad('bad peer id');
  }
  if (typeof m.nonce !== 'string' || !TOKEN.test(m.nonce)) return bad('bad nonce');
  if (typeof m.guest !== 'string' || !TOKEN.test(m.guest)) return bad('bad guest id');
  if (typeof m.name !== 'string' || m.name.length > MAX_NAME_CHARS) return bad('bad name');
  if (m.epoch !== null && (typeof m.epoch !== 'string' || !TOKEN.test(m.epoch))) {
    return bad('bad epoch');
  }
  if (typeof m.sdp !== 'string' || m.sdp.length > MAX_SDP_CHARS || !m.sdp.startsWith('v=0')) {
    return bad('bad sdp');
  }
  return ok({
    type: 'offer',
    from: m.from,
    nonce: m.nonce,
    guest: m.guest,
    name: cleanName(m.name),
    epoch: m.epoch as string | null,
    sdp: m.sdp,
  });
}

/** A display name without control characters, trimmed; "Guest" when nothing is left. */
export function cleanName(name: string): string {
  // eslint-disable-next-line no-control-regex
  const clean = name.replace(/[\u0000-\u001f\u007f-\u009f\u200b-\u200f\u202a-\u202e]/g, '').trim();
  return clean.slice(0, MAX_NAME_CHARS) || 'Guest';
}

/** Reads a sealed message opened by a guest: only a SignedReply is accepted. */
export function decodeSignedReply(text: string): Result<SignedReply> {
  const parsed = parseObject(text);
  if (!parsed.ok) return parsed;
  const m = parsed.value;
  if (m.type !== 'signed' || typeof m.body !== 'string') return bad('not a signed reply');
  if (typeof m.key !== 'string' || typeof m.sig !== 'string') return bad('unsigned reply');
  return ok({ type: 'signed', body: m.body, key: m.key, sig: m.sig });
}

/** Reads the body of a SignedReply whose signature was checked. */
export function decodeHostReply(body: string): Result<HostReply> {
  const parsed = parseObject(body);
  if (!parsed.ok) return parsed;
  const m = parsed.value;
  if (typeof m.to !== 'string' || typeof m.nonce !== 'string') return bad('reply without to/nonce');
  const base = { to: m.to, nonce: m.nonce };
  switch (m.type) {
    case 'answer':
      if (typeof m.sdp !== 'string' || !isGuestRole(m.role)) return bad('bad answer');
      if (typeof m.sessionId !== 'string' || typeof m.epoch !== 'string') return bad('bad answer');
      return ok({
        type: 'answer',
        ...base,
        sdp: m.sdp,
        role: m.role,
        sessionId: m.sessionId,
        epoch: m.epoch,
      });
    case 'waiting':
      return ok({ type: 'waiting', ...base });
    case 'refused':
      return ok({
        type: 'refused',
        ...base,
        reason: typeof m.reason === 'string' ? m.reason.slice(0, 500) : 'refused',
        code: (REFUSAL_CODES as readonly unknown[]).includes(m.code)
          ? (m.code as RefusalCode)
          : 'refused',
        ...(typeof m.retryMs === 'number' && m.retryMs >= 0 && m.retryMs <= MAX_RETRY_MS
          ? { retryMs: m.retryMs }
          : {}),
      });
    default:
      return bad('unknown reply');
  }
}
