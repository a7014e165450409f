// Crypto of the signaling channel, WebCrypto only (globalThis.crypto.subtle: Node 20, browsers).
// - Each invite secret derives, with HKDF-SHA-256, an AES-GCM key and a relay topic. Like
//   y-webrtc's room password (which uses PBKDF2, as a password is low-entropy; a 32-byte random
//   secret needs no stretching), a relay sees only the topic and ciphertext.
// - The host signs every message it sends with an ECDSA P-256 key; the link pins the key's
//   SHA-256 fingerprint, so another holder of the same link cannot answer as the host.
import { PairbookError, type Result, err, ok } from './errors';
import { type WebCryptoKey, fromUtf8, randomBytes, subtle, utf8 } from './web-platform';

/** Bytes of an invite secret. */
export const SECRET_BYTES = 32;
const SALT = utf8('pairbook-signaling-v1');
const IV_BYTES = 12;

const B64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';

/** base64url without padding. */
export function toBase64Url(bytes: Uint8Array): string {
  let out = '';
  for (let i = 0; i < bytes.length; i += 3) {
    const n = ((bytes[i] as number) << 16) | ((bytes[i + 1] ?? 0) << 8) | (bytes[i + 2] ?? 0);
    const chars = Math.min(4, Math.ceil(((bytes.length - i) * 8) / 6));
    for (let c = 0; c < chars; c++) out += B64[(n >> (18 - 6 * c)) & 63];
  }
  return out;
}

/** Reads base64url (unpadded, as toBase64Url writes it); null when it is not that. */
export function fromBase64Url(text: string): Uint8Array | null {
  if (!/^[A-Za-z0-9_-]*$/.test(text) || text.length % 4 === 1) return null;
  const out = new Uint8Array(Math.floor((text.length * 6) / 8));
  let bits = 0;
  let value = 0;
  let at = 0;
  for (const ch of text) {
    value = (value << 6) | B64.indexOf(ch);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out[at++] = (value >> bits) & 0xff;
    }
  }
  // Non-zero leftover bits mean a non-canonical spelling: refuse, so each value has one form.
  if ((value & ((1 << bits) - 1)) !== 0) return null;
  return out;
}

/** A fresh random base64url token of `bytes` bytes (secrets, session ids, peer ids, nonces). */
export function randomToken(bytes = SECRET_BYTES): string {
  return toBase64Url(randomBytes(bytes));
}

/** What one invite's secret derives. */
export interface InviteKeys {
  /** AES-GCM-256 key of the signaling messages of this invite. */
  key: WebCryptoKey;
  /** The relay topic (y-webrtc "room") of this invite: reveals nothing of the secret. */
  topic: string;
}

/** Derives the signaling key and topic of an invite (`secret` base64url, `sessionId`). */
export async function deriveInviteKeys(secret: string, sessionId: string): Promise<InviteKeys> {
  const raw = fromBase64Url(secret);
  if (!raw || raw.length < 16)
    throw new PairbookError('invalid-message', 'invite secret too short');
  const base = await subtle().importKey('raw', raw, 'HKDF', false, ['deriveKey', 'deriveBits']);
  const info = (label: string) => utf8(`${label}:${sessionId}`);
  const key = await subtle().deriveKey(
    { name: 'HKDF', hash: 'SHA-256', salt: SALT, info: info('aes') },
    base,
    { name: 'AES-GCM', length: 256 },
    false,
    ['encrypt', 'decrypt'],
  );
  const topicBits = await subtle().deriveBits(
    { name: 'HKDF', hash: 'SHA-256', salt: SALT, info: info('topic') },
    base,
    128,
  );
  return { key, topic: `pairbook-${toBase64Url(new Uint8Array(topicBits))}` };
}

/** Encrypts `text` as base64url(iv ‖ AES-GCM ciphertext). */
export async function encryptText(key: WebCryptoKey, text: string): Promise<string> {
  const iv = randomBytes(IV_BYTES);
  const sealed = new Uint8Array(await subtle().encrypt({ name: 'AES-GCM', iv }, key, utf8(text)));
  const out = new Uint8Array(IV_BYTES + sealed.length);
  out.set(iv, 0);
  out.set(sealed, IV_BYTES);
  return toBase64Url(out);
}

/** Decrypts what encryptText wrote. An error (never a throw) for a wrong key or tampering. */
export async function decryptText(key: WebCryptoKey, data: string): Promise<Result<string>> {
  const bytes = fromBase64Url(data);
  if (!bytes || bytes.length < IV_BYTES + 16) {
    return err(new PairbookError('invalid-message', 'signaling data is not sealed'));
  }
  try {
    const plain = await subtle().decrypt(
      { name: 'AES-GCM', iv: bytes.subarray(0, IV_BYTES) },
      key,
      bytes.subarray(IV_BYTES),
    );
    return ok(fromUtf8(plain));
  } catch {
    return err(new PairbookError('invalid-message', 'signaling data did not open with this key'));
  }
}

/** The host's signing identity. */
export interface HostIdentity {
  privateKey: WebCryptoKey;
  /** Raw (uncompressed point, 65 bytes) public key, base64url. */
  publicKey: string;
  /** base64url SHA-256 of the raw public key: what invite links pin. */
  fingerprint: string;
}

const ECDSA = { name: 'ECDSA', namedCurve: 'P-256' } as const;
const SIGN = { name: 'ECDSA', hash: 'SHA-256' } as const;

/** Creates a host identity (a fresh key per sharing session unless one is kept). */
export async function createHostIdentity(): Promise<HostIdentity> {
  const pair = await subtle().generateKey(ECDSA, false, ['sign', 'verify']);
  const raw = new Uint8Array(await subtle().exportKey('raw', pair.publicKey));
  return {
    privateKey: pair.privateKey,
    publicKey: toBase64Url(raw),
    fingerprint: await fingerprintOf(raw),
  };
}

/** base64url SHA-256 of a raw public key. */
export async function fingerprintOf(rawPublicKey: Uint8Array): Promise<string> {
  return toBase64Url(new Uint8Array(await subtle().digest('SHA-256', rawPublicKey)));
}

/** Signs `text` (UTF-8) with the host's key; base64url of the P1363 signature. */
export async function signText(identity: HostIdentity, text: string): Promise<string> {
  const sig = await subtle().sign(SIGN, identity.privateKey, utf8(text));
  return toBase64Url(new Uint8Array(sig));
}

/**
 * Checks that `text` was signed by the key `publicKey` and that this key has the pinned
 * `fingerprint`. False for anything malformed; never throws.
 */
export async function verifyHostSignature(
  text: string,
  signature: string,
  publicKey: string,
  fingerprint: string,
): Promise<boolean> {
  const raw = fromBase64Url(publicKey);
  const sig = fromBase64Url(signature);
  if (!raw || !sig || raw.length !== 65 || sig.length !== 64) return false;
  if ((await fingerprintOf(raw)) !== fingerprint) return false;
  try {
    const key = await subtle().importKey('raw', raw, ECDSA, false, ['verify']);
    return await subtle().verify(SIGN, key, sig, utf8(text));
  } catch {
    return false;
  }
}
