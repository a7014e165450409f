import { describe, expect, it } from 'vitest';
import {
  type Invite,
  formatInvite,
  formatWebInvite,
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
