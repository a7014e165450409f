import { describe, expect, it } from 'vitest';
import {
  createHostIdentity,
  decryptText,
  deriveInviteKeys,
  encryptText,
  fromBase64Url,
  randomToken,
  signText,
  toBase64Url,
  verifyHostSignature,
} from '../../../../protocol/signaling-crypto';

describe('signaling crypto', () => {
  it('round-trips base64url of every length', () => {
    for (let n = 0; n < 40; n++) {
      const b = crypto.getRandomValues(new Uint8Array(n));
      const text = toBase64Url(b);
      expect(text).toBe(Buffer.from(b).toString('base64url'));
      expect(fromBase64Url(text)).toEqual(b);
    }
    expect(fromBase64Url('a+b/')).toBeNull();
  });

  it('opens with the same secret and session only', async () => {
    const secret = randomToken();
    const a = await deriveInviteKeys(secret, 'session-1');
    const sealed = await encryptText(a.key, 'hello');
    expect(await decryptText(a.key, sealed)).toEqual({ ok: true, value: 'hello' });
    const other = await deriveInviteKeys(randomToken(), 'session-1');
    expect((await decryptText(other.key, sealed)).ok).toBe(false);
    const otherSession = await deriveInviteKeys(secret, 'session-2');
    expect((await decryptText(otherSession.key, sealed)).ok).toBe(false);
    expect(otherSession.topic).not.toBe(a.topic);
    expect(a.topic).not.toContain(secret);
  });

  it('detects tampering and garbage without throwing', async () => {
    const { key } = await deriveInviteKeys(randomToken(), 's');
    const sealed = await encryptText(key, 'hello');
    const flipped = sealed.slice(0, -2) + (sealed.endsWith('A') ? 'BA' : 'AA');
    expect((await decryptText(key, flipped)).ok).toBe(false);
    expect((await decryptText(key, '!!')).ok).toBe(false);
    expect((await decryptText(key, '')).ok).toBe(false);
  });

  it("accepts the host's signature only under the pinned key", async () => {
    const host = await createHostIdentity();
    const mallory = await createHostIdentity();
    const sig = await signText(host, 'body');
    expect(await verifyHostSignature('body', sig, host.publicKey, host.fingerprint)).toBe(true);
    expect(await verifyHostSignature('body!', sig, host.publicKey, host.fingerprint)).toBe(false);
    const forged = await signText(mallory, 'body');
    expect(await verifyHostSignature('body', forged, mallory.publicKey, host.fingerprint)).toBe(
      false,
    );
    expect(await verifyHostSignature('body', 'x', 'y', host.fingerprint)).toBe(false);
  });
});
