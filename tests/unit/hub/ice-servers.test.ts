import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  TURN_CREDENTIAL_MAX_MS,
  checkIceConfig,
  hostIceServers,
  inviteIceServers,
  turnCredential,
} from '../../../host/hub/ice-servers';
import { InviteBook } from '../../../host/hub/invites';
import { parseInvite } from '../../../protocol/invite';

const secret = 'a-shared-secret-with-coturn';
const turn = {
  urls: ['turn:192.0.2.1:3478?transport=udp', 'turn:192.0.2.1:3478?transport=tcp'],
  secret,
};

describe("the host's STUN/TURN servers", () => {
  it('mints coturn REST API credentials: expiry:who, base64 HMAC-SHA1 of it under the secret', () => {
    const c = turnCredential(secret, 'inv123', 1_767_225_600_500);
    expect(c.username).toBe('1767225600:inv123');
    expect(c.credential).toBe(createHmac('sha1', secret).update(c.username).digest('base64'));
  });

  it('gives a link STUN, and TURN credentials that end with the invite (a day at most)', () => {
    const now = 1_767_225_600_000;
    const [stun, relay] = inviteIceServers(
      { stun: ['stun:192.0.2.1:3478'], turn },
      'inv',
      now + 3_600_000,
      now,
    );
    expect(stun).toEqual({ urls: ['stun:192.0.2.1:3478'] });
    expect(relay?.urls).toEqual(turn.urls);
    expect(relay?.username).toBe(`${(now + 3_600_000) / 1000}:inv`);
    const forever = inviteIceServers({ turn }, 'inv', null, now);
    expect(forever[0]?.username).toBe(`${(now + TURN_CREDENTIAL_MAX_MS) / 1000}:inv`);
    expect(JSON.stringify(forever)).not.toContain(secret);
  });

  it("gives a link no TURN when the host has a static user (the host's own secret)", () => {
    const ice = {
      stun: ['stun:192.0.2.1'],
      turn: { urls: turn.urls, username: 'u', credential: 'p' },
    };
    expect(inviteIceServers(ice, 'inv', null)).toEqual([{ urls: ['stun:192.0.2.1'] }]);
  });

  it('gives the host its own credentials, for the UDP TURN URLs (libjuice relays over UDP only)', () => {
    const servers = hostIceServers({ stun: ['stun:[2001:db8::1]:3479'], turn }, 'host-x', 0);
    expect(servers).toEqual([
      { hostname: '2001:db8::1', port: 3479 },
      {
        hostname: '192.0.2.1',
        port: 3478,
        relayType: 'TurnUdp',
        ...(({ username, credential }) => ({ username, password: credential }))(
          turnCredential(secret, 'host-x', TURN_CREDENTIAL_MAX_MS),
        ),
      },
    ]);
  });

  it('refuses settings it cannot use', () => {
    expect(() => checkIceConfig({ stun: ['turn:x'] })).toThrow(/not a STUN URL/);
    expect(() => checkIceConfig({ turn: { urls: ['stun:x'], secret } })).toThrow(/not a TURN URL/);
    expect(() => checkIceConfig({ turn: { urls: ['turn:x'], secret: '' } })).toThrow(/secret/);
    expect(() => checkIceConfig({ stun: ['stun:x'], turn })).not.toThrow();
  });

  it('puts them in every link an InviteBook makes', async () => {
    const book = new InviteBook(
      {
        signaling: ['ws://192.0.2.1:4444'],
        sessionId: 'session-1234',
        fingerprint: 'f'.repeat(43),
      },
      null,
      (id, expiresAt) => inviteIceServers({ stun: ['stun:192.0.2.1'], turn }, id, expiresAt),
    );
    const record = await book.create('editor', 60_000);
    const parsed = parseInvite(record.link);
    expect(parsed.ok && parsed.value.iceServers?.[1]?.username).toBe(
      `${Math.floor((record.expiresAt as number) / 1000)}:${record.id}`,
    );
  });
});
