// The host's STUN/TURN servers (docs/networks.md): what the hub's own peer connections use, and
// what each invite link carries for its guests. With a TURN shared secret (coturn's
// `use-auth-secret`), the host mints short-lived credentials by coturn's REST API scheme:
//   username   = `${expiry in Unix seconds}:${who}`
//   credential = base64(HMAC-SHA1(secret, username))
// A guest's expire with its invite (24 h at most), so a link never carries a lasting TURN
// password; the secret itself never leaves the host. With a static TURN user instead, only the
// host relays: guests get the STUN servers only.
import { createHmac } from 'node:crypto';
import type { IceServer } from 'node-datachannel';
import { type InviteIceServer, parseIceUrl } from '../../protocol/invite';

/** The host's STUN/TURN settings. */
export interface IceConfig {
  /** `stun:HOST[:PORT]` URLs: the host and its guests learn their public addresses there. */
  stun?: string[];
  /**
   * A TURN server: `turn:HOST[:PORT][?transport=udp|tcp]` or `turns:` URLs, and either coturn's
   * REST API `secret` (guests get credentials for it with their link) or a static
   * `username`/`credential` (the host's alone: guests get none).
   */
  turn?:
    { urls: string[]; secret: string } | { urls: string[]; username: string; credential: string };
}

/** Longest life of credentials minted for a link (links without an expiry get this). */
export const TURN_CREDENTIAL_MAX_MS = 24 * 60 * 60_000;

/** coturn REST API credentials for `who`, valid until `expiresAtMs`. */
export function turnCredential(
  secret: string,
  who: string,
  expiresAtMs: number,
): { username: string; credential: string } {
  const username = `${Math.floor(expiresAtMs / 1000)}:${who}`;
  return { username, credential: createHmac('sha1', secret).update(username).digest('base64') };
}

/** Throws with what is wrong with `config` (an unreadable URL, a TURN server without a key). */
export function checkIceConfig(config: IceConfig): void {
  for (const url of config.stun ?? []) {
    if (!parseIceUrl(url)?.scheme.startsWith('stun')) throw new Error(`not a STUN URL: ${url}`);
  }
  const turn = config.turn;
  if (!turn) return;
  if (turn.urls.length === 0) throw new Error('a TURN server needs at least one URL');
  for (const url of turn.urls) {
    if (!parseIceUrl(url)?.scheme.startsWith('turn')) throw new Error(`not a TURN URL: ${url}`);
  }
  if ('secret' in turn ? !turn.secret : !turn.username || !turn.credential) {
    throw new Error('a TURN server needs a shared secret or a username and credential');
  }
}

/**
 * What the hub's own PeerConnection takes (node-datachannel). libjuice, its ICE agent, relays
 * over UDP only: the host uses the TURN URLs whose transport is UDP and ignores the others.
 */
export function hostIceServers(config: IceConfig | undefined, who: string, now = Date.now()) {
  const servers: (string | IceServer)[] = [];
  for (const url of config?.stun ?? []) {
    const u = parseIceUrl(url);
    if (u?.scheme === 'stun') servers.push({ hostname: bare(u.host), port: u.port });
  }
  const turn = config?.turn;
  if (!turn) return servers;
  const { username, credential } =
    'secret' in turn ? turnCredential(turn.secret, who, now + TURN_CREDENTIAL_MAX_MS) : turn;
  for (const url of turn.urls) {
    const u = parseIceUrl(url);
    if (!u || u.scheme !== 'turn' || u.transport !== 'udp') continue;
    servers.push({
      hostname: bare(u.host),
      port: u.port,
      username,
      password: credential,
      relayType: 'TurnUdp',
    });
  }
  return servers;
}

/**
 * What invite `inviteId` (expiring at `expiresAt`, null: never) carries for its guests: the STUN
 * servers, and the TURN URLs with credentials minted for it when the host has a shared secret.
 */
export function inviteIceServers(
  config: IceConfig | undefined,
  inviteId: string,
  expiresAt: number | null,
  now = Date.now(),
): InviteIceServer[] {
  const servers: InviteIceServer[] = [];
  if (config?.stun?.length) servers.push({ urls: [...config.stun] });
  const turn = config?.turn;
  if (turn && 'secret' in turn) {
    const until = Math.min(expiresAt ?? Infinity, now + TURN_CREDENTIAL_MAX_MS);
    servers.push({ urls: [...turn.urls], ...turnCredential(turn.secret, inviteId, until) });
  }
  return servers;
}

const bare = (host: string) => host.replace(/^\[(.*)\]$/, '$1');
