import { describe, expect, it } from 'vitest';
import {
  type Invite,
  formatInvite,
  formatWebInvite,
  parseIceUrl,
  parseInvite,
} from '../../../../protocol/invite';
import { randomToken } from '../../../../protocol/signaling-crypto';

const invite: Invite = {
  signaling: ['ws://127.0.0.1:4444', 'wss://relay.example/path?x=1'],
  sessionId: randomToken(12),
  secret: randomToken(32),
  fingerprint: randomToken(32),
};

describe('invite links', () => {
  it('reads back the pairbook:// form', () => {
    expect(parseInvite(formatInvite(invite))).toEqual({ ok: true, value: invite });
  });

  it('reads back the https form, with everything in the fragment', () => {
    const link = formatWebInvite(invite, 'https://pairbook.example/');
    expect(link.startsWith('https://pairbook.example/join#')).toBe(true);
    expect(link.split('#')[0]).not.toContain(invite.secret);
    expect(parseInvite(link)).toEqual({ ok: true, value: invite });
  });

  const good = formatInvite(invite);
  it.each([
    ['not a link', 'hello', /should start with pairbook/],
    ['another version', good.replace('v=1', 'v=9'), /version 9/],
    ['no secret', good.replace(/&k=[^&]+/, ''), /secret/],
    ['a cut secret', good.replace(/(&k=[^&]{10})[^&]+/, '$1'), /secret/],
    ['a bad fingerprint', good.replace(/&fp=[^&]+/, '&fp=xyz'), /fingerprint/],
    ['no signaling server', good.replace(/&s=[^&]+/g, ''), /signaling/],
    ['an http signaling server', good.replace(/&s=[^&]+/, '&s=http%3A%2F%2Fx'), /ws:\/\//],
    ['bad percent-encoding', good + '&s=%E0%A4%A', /garbled/],
    ['an http link without /join', 'https://x.example/#v=1', /not a Pairbook invite/],
  ])('refuses %s with a reason', (_name, link, reason) => {
    const r = parseInvite(link);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.error.message).toMatch(reason);
  });
});

describe("invite links with the host's STUN/TURN servers", () => {
  const withIce: Invite = {
    ...invite,
    iceServers: [
      { urls: ['stun:192.0.2.1:3478'] },
      {
        urls: ['turn:192.0.2.1:3478?transport=udp', 'turns:turn.example:443?transport=tcp'],
        username: '1767225600:AbCdEf',
        credential: 'q+/Zx0b1c2d3e4f5g6h7i8j9k0A=',
      },
    ],
  };

  it('reads them back, in both forms', () => {
    expect(parseInvite(formatInvite(withIce))).toEqual({ ok: true, value: withIce });
    const web = formatWebInvite(withIce, 'https://pairbook.example');
    expect(parseInvite(web)).toEqual({ ok: true, value: withIce });
  });

  it('are ignored by a link without them, and a STUN-only link carries no credentials', () => {
    expect(formatInvite(invite)).not.toContain('ice=');
    const stunOnly = { ...invite, iceServers: [{ urls: ['stun:[2001:db8::1]:3478'] }] };
    expect(formatInvite(stunOnly)).not.toMatch(/&i[uc]=/);
    expect(parseInvite(formatInvite(stunOnly))).toEqual({ ok: true, value: stunOnly });
  });

  const good = formatInvite(withIce);
  it.each([
    ['TURN without credentials', good.replace(/&iu=[^&]+/, ''), /TURN server without valid/],
    ['an http URL as a STUN server', good + '&ice=http%3A%2F%2Fx', /cannot read/],
    ['STUN with a transport', good + '&ice=stun%3Ax%3Ftransport%3Dtcp', /cannot read/],
    ['too many servers', good + '&ice=stun%3Aa&ice=stun%3Ab&ice=stun%3Ac', /too many/],
  ])('refuses %s', (_name, link, reason) => {
    const r = parseInvite(link);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.error.message).toMatch(reason);
  });

  it('parses STUN and TURN URLs (RFC 7064, RFC 7065)', () => {
    expect(parseIceUrl('stun:192.0.2.1')).toEqual({
      scheme: 'stun',
      host: '192.0.2.1',
      port: 3478,
      transport: 'udp',
    });
    expect(parseIceUrl('turns:turn.example')).toMatchObject({ port: 5349, transport: 'tcp' });
    expect(parseIceUrl('turn:turn.example:80?transport=tcp')).toMatchObject({
      port: 80,
      transport: 'tcp',
    });
    for (const bad of ['turn:', 'turn:x:99999', 'stun:x?transport=udp', 'turn:x y', 'ws://x']) {
      expect(parseIceUrl(bad)).toBeNull();
    }
  });
});
