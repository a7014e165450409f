import { describe, expect, it } from 'vitest';
import { dtlsFingerprints, verificationCode } from '../../../protocol/verification-code';

const offer = (fp: string) =>
  ['v=0', 'o=- 1 2 IN IP4 127.0.0.1', `a=fingerprint:sha-256 ${fp}`, 'a=setup:actpass', ''].join(
    '\r\n',
  );
const FP_A = 'AB:CD:EF:01:23:45:67:89:AB:CD:EF:01:23:45:67:89:AB:CD:EF:01:23:45:67:89:AB:CD:EF:01';
const FP_B = '00:11:22:33:44:55:66:77:88:99:AA:BB:CC:DD:EE:FF:00:11:22:33:44:55:66:77:88:99:AA:BB';

describe('verification codes', () => {
  it('are six digits in two groups, the same for the same connection on both sides', async () => {
    const host = await verificationCode('host-key', 'guest-key', offer(FP_A));
    const guest = await verificationCode('host-key', 'guest-key', offer(FP_A.toLowerCase()));
    expect(host).toMatch(/^\d{3} \d{3}$/);
    expect(guest).toBe(host);
  });

  it('differ when someone else relays their own offer, or pins another host key', async () => {
    const real = await verificationCode('host-key', 'guest-key', offer(FP_A));
    expect(await verificationCode('host-key', 'guest-key', offer(FP_B))).not.toBe(real);
    expect(await verificationCode('other-host', 'guest-key', offer(FP_A))).not.toBe(real);
    expect(await verificationCode('host-key', 'other-guest', offer(FP_A))).not.toBe(real);
  });

  it('reads every DTLS fingerprint of an SDP once, ignoring case and order', () => {
    const sdp = `${offer(FP_B)}${offer(FP_A)}${offer(FP_A.toLowerCase())}`;
    expect(dtlsFingerprints(sdp)).toEqual([`sha-256 ${FP_B}`, `sha-256 ${FP_A}`]);
    expect(dtlsFingerprints('v=0\r\n')).toEqual([]);
  });
});
