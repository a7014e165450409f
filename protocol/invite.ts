// Invite links. Two spellings of the same fields:
//   pairbook://join?v=1&id=SESSION&k=SECRET&fp=FINGERPRINT&s=wss://relay.example/&s=ws://10.0.0.2:4444
//   https://pairbook.example/join#v=1&id=SESSION&k=SECRET&fp=FINGERPRINT&s=...
// The http form keeps everything in the fragment, which browsers never send to the server.
// The role and expiry of an invite are known to the host only: a link cannot grant itself more.
// A link may also carry the host's STUN/TURN servers (docs/networks.md), read by any v=1 reader
// that knows them and ignored by one that does not:
//   &ice=stun:192.0.2.1:3478&ice=turn:192.0.2.1:3478?transport=tcp&iu=USERNAME&ic=CREDENTIAL
// `iu`/`ic` are the TURN credentials of the link's turn:/turns: URLs: short-lived ones the host
// minted for this invite (coturn's REST API scheme), never the host's own.
import { PairbookError, type Result, err, ok } from './errors';

/** What a guest needs to reach and authenticate the host. */
export interface Invite {
  /** Signaling servers (ws: or wss:), tried in order. At least one. */
  signaling: string[];
  /** The sharing session, random per Share. */
  sessionId: string;
  /** The invite's secret (base64url, 32 bytes): derives the signaling key and topic. */
  secret: string;
  /** base64url SHA-256 of the host's ECDSA P-256 public key: pins who may answer. */
  fingerprint: string;
  /** STUN/TURN servers for the guest (RTCIceServer's shape); none: host candidates only. */
  iceServers?: InviteIceServer[];
}

/** An ICE server as a link carries it and RTCPeerConnection takes it. */
export interface InviteIceServer {
  urls: string[];
  username?: string;
  credential?: string;
}

/** Link format version written and understood. */
export const INVITE_VERSION = 1;
/** Most signaling URLs a link may carry. */
export const MAX_SIGNALING_URLS = 4;
/** Most STUN/TURN URLs a link may carry. */
export const MAX_ICE_URLS = 4;

const ID = /^[A-Za-z0-9_-]{8,64}$/;
const SECRET = /^[A-Za-z0-9_-]{43}$/; // 32 bytes of base64url, unpadded
const FINGERPRINT = /^[A-Za-z0-9_-]{43}$/; // SHA-256, base64url, unpadded

/** Writes the `pairbook://join?...` link of `invite`. */
export function formatInvite(invite: Invite): string {
  return `pairbook://join?${query(invite)}`;
}

/** Writes the browser form `BASE/join#...`; `base` is an http(s) origin, with or without a path. */
export function formatWebInvite(invite: Invite, base: string): string {
  return `${base.replace(/\/+$/, '')}/join#${query(invite)}`;
}

function query(invite: Invite): string {
  const pairs: [string, string][] = [
    ['v', String(INVITE_VERSION)],
    ['id', invite.sessionId],
    ['k', invite.secret],
    ['fp', invite.fingerprint],
    ...invite.signaling.map((s): [string, string] => ['s', s]),
  ];
  const ice = invite.iceServers ?? [];
  for (const server of ice) for (const url of server.urls) pairs.push(['ice', url]);
  const turn = ice.find((s) => s.username !== undefined && s.credential !== undefined);
  if (turn) pairs.push(['iu', turn.username as string], ['ic', turn.credential as string]);
  return pairs.map(([k, v]) => `${k}=${encodeURIComponent(v)}`).join('&');
}

/** The key=value pairs of a query string; null when one is not percent-encoded properly. */
function readQuery(text: string): Map<string, string[]> | null {
  const params = new Map<string, string[]>();
  for (const part of text.split('&')) {
    if (part === '') continue;
    const eq = part.indexOf('=');
    const key = eq < 0 ? part : part.slice(0, eq);
    let value: string;
    try {
      value = decodeURIComponent((eq < 0 ? '' : part.slice(eq + 1)).replace(/\+/g, ' '));
    } catch {
      return null;
    }
    params.set(key, [...(params.get(key) ?? []), value]);
  }
  return params;
}

/** Reads an invite link of either form. Never throws; the error says what is wrong with it. */
export function parseInvite(link: string): Result<Invite> {
  const bad = (why: string) =>
    err(
      new PairbookError('invalid-invite', `this invite link ${why} — ask the host for a new one`),
    );
  const text = link.trim();
  if (text.length > 4096) return bad('is too long');
  let raw: Map<string, string[]> | null;
  if (text.startsWith('pairbook://join?')) {
    raw = readQuery(text.slice('pairbook://join?'.length));
  } else if (/^https?:\/\/[^/?#\s]+(\/[^?#\s]*)?\/join#/i.test(text)) {
    raw = readQuery(text.slice(text.indexOf('#') + 1));
  } else return bad('is not a Pairbook invite (it should start with pairbook://join)');
  if (!raw) return bad('is garbled');
  const params = {
    get: (k: string) => raw.get(k)?.[0] ?? null,
    getAll: (k: string) => raw.get(k) ?? [],
  };

  const version = params.get('v');
  if (version !== String(INVITE_VERSION)) {
    return bad(
      `is of version ${version ?? 'unknown'}; this Pairbook reads version ${INVITE_VERSION}`,
    );
  }
  const sessionId = params.get('id') ?? '';
  if (!ID.test(sessionId)) return bad('has no valid session id');
  const secret = params.get('k') ?? '';
  if (!SECRET.test(secret)) return bad('has no valid secret (it may have been cut short)');
  const fingerprint = params.get('fp') ?? '';
  if (!FINGERPRINT.test(fingerprint)) return bad('has no valid host fingerprint');
  const signaling = params.getAll('s');
  if (signaling.length === 0) return bad('names no signaling server');
  if (signaling.length > MAX_SIGNALING_URLS) return bad('names too many signaling servers');
  for (const s of signaling) {
    if (!isSignalingUrl(s))
      return bad(
        `names a signaling server that is not a ws:// or wss:// address (${s.slice(0, 80)})`,
      );
  }
  const ice = readIce(params.getAll('ice'), params.get('iu'), params.get('ic'));
  if (typeof ice === 'string') return bad(ice);
  return ok({
    signaling,
    sessionId,
    secret,
    fingerprint,
    ...(ice.length ? { iceServers: ice } : {}),
  });
}

/** The ICE servers of a link's `ice`, `iu` and `ic`; a string says what is wrong with them. */
function readIce(
  urls: string[],
  username: string | null,
  credential: string | null,
): InviteIceServer[] | string {
  if (urls.length > MAX_ICE_URLS) return 'names too many STUN/TURN servers';
  for (const url of urls) {
    if (!parseIceUrl(url)) return `names a STUN/TURN server it cannot read (${url.slice(0, 80)})`;
  }
  const stun = urls.filter((u) => /^stuns?:/.test(u));
  const turn = urls.filter((u) => /^turns?:/.test(u));
  const servers: InviteIceServer[] = stun.length ? [{ urls: stun }] : [];
  if (turn.length > 0) {
    if (!username || !credential || username.length > 256 || credential.length > 256) {
      return 'names a TURN server without valid credentials';
    }
    servers.push({ urls: turn, username, credential });
  }
  return servers;
}

/** A STUN or TURN URL's parts (RFC 7064, RFC 7065). */
export interface IceUrl {
  scheme: 'stun' | 'stuns' | 'turn' | 'turns';
  host: string;
  port: number;
  /** TURN's transport to the server: udp unless the URL says tcp (turns: is always tcp). */
  transport: 'udp' | 'tcp';
}

/** Reads `stun:HOST[:PORT]` or `turn(s):HOST[:PORT][?transport=udp|tcp]`; null if it is not one. */
export function parseIceUrl(url: string): IceUrl | null {
  const m =
    /^(stuns?|turns?):(\[[0-9a-fA-F:.]+\]|[A-Za-z0-9.-]+)(?::(\d{1,5}))?(?:\?transport=(udp|tcp))?$/.exec(
      url,
    );
  if (!m || url.length > 256) return null;
  const scheme = m[1] as IceUrl['scheme'];
  if (scheme.startsWith('stun') && m[4]) return null;
  const tls = scheme.endsWith('s');
  const port = m[3] ? Number(m[3]) : tls ? 5349 : 3478;
  if (port < 1 || port > 65535) return null;
  const transport = tls || m[4] === 'tcp' ? 'tcp' : 'udp';
  return { scheme, host: m[2] as string, port, transport };
}

/** True when `url` is a ws: or wss: URL with a host. */
export function isSignalingUrl(url: string): boolean {
  return (
    url.length <= 512 &&
    /^wss?:\/\/(\[[0-9a-fA-F:.]+\]|[A-Za-z0-9.-]+)(:\d{1,5})?(\/[^\s#]*)?$/.test(url)
  );
}
