import { describe, expect, it } from 'vitest';
import { MAX_DEEP_LINK_CHARS, parseDeepLink } from '../../../electron/main/deep-link';

describe('parseDeepLink', () => {
  it.each([
    ['pairbook://join?s=abc&k=def', { s: 'abc', k: 'def' }],
    ['pairbook://join/?session=1', { session: '1' }],
    ['pairbook://join?signal=wss%3A%2F%2Fexample.org%2Fsig', { signal: 'wss://example.org/sig' }],
    ['PAIRBOOK://join?x=1', { x: '1' }],
  ])('accepts %s', (link, params) => {
    const r = parseDeepLink(link);
    expect(r).toEqual({ ok: true, value: { kind: 'join', href: link, params } });
  });

  it.each([
    ['https://example.org/join?s=1', /not a pairbook:\/\/ link/],
    ['pairbook://open?path=/etc/passwd', /only join links/],
    ['pairbook://join/extra?s=1', /only join links/],
    ['pairbook://join', /carries no invite/],
    ['pairbook://join?', /carries no invite/],
    ['pairbook://user:pw@join?s=1', /user name, password or port/],
    ['pairbook://join:8080?s=1', /user name, password or port/],
    ['pairbook://join?s=1#frag', /fragment/],
    ['pairbook://join?s=1&s=2', /repeats/],
    ['pairbook://join?s=', /is empty/],
    ['pairbook://join?__proto__=1', /unexpected parameter name/],
    ['pairbook://join?a%20b=1', /unexpected parameter name/],
    ['pairbook://join?s=a%00b', /control characters/],
    ['pairbook://join?s=%E2%80%AEevil', /control characters/],
    ['pairbook://join?s=a b', /spaces or control/],
    ['pairbook://join?s=1\n', /spaces or control/],
    [`pairbook://join?s=${'x'.repeat(MAX_DEEP_LINK_CHARS)}`, /longer than/],
    [
      `pairbook://join?${Array.from({ length: 17 }, (_, i) => `k${i}=1`).join('&')}`,
      /more than 16/,
    ],
    ['pairbook://[', /not a valid address/],
  ])('refuses %s, saying why', (link, why) => {
    const r = parseDeepLink(link);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.error).toMatch(why);
  });

  it('refuses anything that is not text', () => {
    expect(parseDeepLink(42 as unknown as string).ok).toBe(false);
  });
});
