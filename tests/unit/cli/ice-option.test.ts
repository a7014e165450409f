import { describe, expect, it } from 'vitest';
import { iceOption } from '../../../host/cli/ice-option';

describe('pairbook host --ice', () => {
  it('reads STUN and TURN URLs, the TURN secret from the environment, and takes it out', () => {
    const env: Record<string, string | undefined> = { PAIRBOOK_TURN_SECRET: 's3cret', HOME: '/h' };
    const urls = ['stun:192.0.2.1:3478', 'turn:192.0.2.1:3478?transport=tcp'];
    expect(iceOption(urls, env)).toEqual({
      stun: ['stun:192.0.2.1:3478'],
      turn: { urls: ['turn:192.0.2.1:3478?transport=tcp'], secret: 's3cret' },
    });
    // The kernels the host starts run guests' code: they must not inherit it.
    expect(env).toEqual({ HOME: '/h' });
  });

  it('takes a static TURN user when there is no secret', () => {
    const env = { PAIRBOOK_TURN_USERNAME: 'u', PAIRBOOK_TURN_CREDENTIAL: 'p' };
    expect(iceOption(['turns:turn.example:443'], env)).toEqual({
      turn: { urls: ['turns:turn.example:443'], username: 'u', credential: 'p' },
    });
  });

  it('is nothing without URLs', () => {
    expect(iceOption([], {})).toBeUndefined();
  });

  it.each([
    ['a TURN URL without credentials', ['turn:x'], {}, /PAIRBOOK_TURN_SECRET/],
    [
      'credentials in the URL',
      ['turn:user:pass@x'],
      { PAIRBOOK_TURN_SECRET: 's' },
      /without credentials/,
    ],
    ['not a STUN or TURN URL', ['http://x'], {}, /--ice must be stun:/],
  ])('refuses %s, saying what to do', (_what, urls, env, reason) => {
    expect(() => iceOption(urls, env)).toThrow(reason);
  });
});
