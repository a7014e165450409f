// A short code the host and a guest read aloud to check they reached each other, as Signal's
// safety numbers or Bluetooth pairing do. Both sides derive it from what pins the connection
// end to end: the host's signing key (pinned in the link), the guest's key, and the DTLS
// certificate fingerprint in the guest's WebRTC offer. Someone else holding the same link can
// relay their own offer in the guest's name, but then the host sees a different code. The host's
// side of DTLS needs no place here: the guest only accepts answers the pinned key signed.
import { subtle, utf8 } from './web-platform';

/** Digits in a code, shown as two groups of three ("482 913"). */
export const VERIFICATION_CODE_DIGITS = 6;

/** The DTLS certificate fingerprints (`a=fingerprint:` lines) of an SDP, sorted; [] if none. */
export function dtlsFingerprints(sdp: string): string[] {
  const found = new Set<string>();
  for (const m of sdp.matchAll(/^a=fingerprint:(\S+) (\S+)\s*$/gim)) {
    found.add(`${m[1]!.toLowerCase()} ${m[2]!.toUpperCase()}`);
  }
  return [...found].sort();
}

/**
 * The code for one guest's connection: host key fingerprint, guest key and the offer's SDP.
 * The same inputs always give the same code, on Node and in browsers.
 */
export async function verificationCode(
  hostFingerprint: string,
  guestKey: string,
  offerSdp: string,
): Promise<string> {
  const input = ['pairbook-verify-1', hostFingerprint, guestKey, ...dtlsFingerprints(offerSdp)];
  const digest = new Uint8Array(await subtle().digest('SHA-256', utf8(input.join('\n'))));
  const n = new DataView(digest.buffer).getUint32(0) % 10 ** VERIFICATION_CODE_DIGITS;
  const digits = String(n).padStart(VERIFICATION_CODE_DIGITS, '0');
  return `${digits.slice(0, 3)} ${digits.slice(3)}`;
}
