// How a host proves itself to a standalone signaling server (`pairbook signal`), which serves
// many hosts and so cannot know any one of them by a secret it was started with.
//
// The server sends each socket a fresh challenge in its WebSocket handshake's response (header
// HOST_CHALLENGE_HEADER); a host answers with a HostProof message: an ECDSA P-256 public key of
// its own (one per SignalingClient, so per hub and server, kept across reconnects) and its
// signature of the challenge. The server then pins every topic the host claims to that key
// (signaling/topic-pins): another key's claim on it gets nothing. Topics are derived from invite
// secrets only the host knows until it hands out the link, and the host claims an invite's topic
// when it creates the invite, so the first key to claim a topic is its host's.
//
// Other relays send no challenge, and the host then sends no proof: y-webrtc's server and the
// embedded one see nothing new.
import { createHash, createPublicKey, generateKeyPairSync, sign, verify } from 'node:crypto';
import type { KeyObject } from 'node:crypto';

/** Response header of the WebSocket handshake carrying the server's challenge. */
export const HOST_CHALLENGE_HEADER = 'x-pairbook-host-challenge';

/** What a host sends, before it subscribes, when the server challenged it. */
export interface HostProof {
  type: 'host-proof';
  /** The host's public key: SPKI DER, base64url. */
  key: string;
  /** ECDSA P-256 / SHA-256 signature (IEEE P1363) of signedText(challenge), base64url. */
  sig: string;
}

const signedText = (challenge: string) => Buffer.from(`pairbook-signal-host:${challenge}`);

/** A host's key pair for proofs. */
export class HostProver {
  private readonly privateKey: KeyObject;
  private readonly publicKey: string;

  constructor() {
    const pair = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
    this.privateKey = pair.privateKey;
    this.publicKey = pair.publicKey.export({ type: 'spki', format: 'der' }).toString('base64url');
  }

  /** The proof answering `challenge`. */
  prove(challenge: string): HostProof {
    const sig = sign('sha256', signedText(challenge), {
      key: this.privateKey,
      dsaEncoding: 'ieee-p1363',
    });
    return { type: 'host-proof', key: this.publicKey, sig: sig.toString('base64url') };
  }
}

/** A host proof's fields, if `text` is one (a server's side); null for anything else. */
export function decodeHostProof(text: string): { key: string; sig: string } | null {
  if (text.length > 1024 || !text.includes('"host-proof"')) return null;
  let m: unknown;
  try {
    m = JSON.parse(text);
  } catch {
    return null;
  }
  if (typeof m !== 'object' || m === null) return null;
  const { type, key, sig } = m as Record<string, unknown>;
  if (type !== 'host-proof' || typeof key !== 'string' || typeof sig !== 'string') return null;
  return { key, sig };
}

/**
 * The id of the key that signed `challenge` (base64url SHA-256 of its SPKI), when `proof` is a
 * valid P-256 signature of it; null otherwise. Never throws.
 */
export function checkHostProof(
  challenge: string,
  proof: { key: string; sig: string },
): string | null {
  try {
    const der = Buffer.from(proof.key, 'base64url');
    const key = createPublicKey({ key: der, format: 'der', type: 'spki' });
    if (key.asymmetricKeyType !== 'ec' || key.asymmetricKeyDetails?.namedCurve !== 'prime256v1') {
      return null;
    }
    const sig = Buffer.from(proof.sig, 'base64url');
    if (sig.length !== 64) return null;
    const good = verify('sha256', signedText(challenge), { key, dsaEncoding: 'ieee-p1363' }, sig);
    return good ? createHash('sha256').update(der).digest('base64url') : null;
  } catch {
    return null;
  }
}
