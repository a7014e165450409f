import { describe, expect, it } from 'vitest';
import {
  ADMISSION_BACKOFF,
  DOC_BYTES_LIMIT,
  MAX_GUEST_MESSAGE_BYTES,
  RateLimit,
} from '../../../host/hub/guest-limits';
import { AdmissionThrottle } from '../../../host/hub/offer-limits';

const backoff = { free: 0, firstMs: 1000, maxMs: 30_000, quietMs: 60_000 };

describe('AdmissionThrottle', () => {
  it('lets every admission through on a key never cut off', () => {
    const t = new AdmissionThrottle(backoff);
    for (let i = 0; i < 100; i++) {
      expect(t.wait('a', i)).toBe(0);
      t.admitted('a', i);
    }
    expect(t.size).toBe(0);
  });

  it('backs off 1 s, 2 s, 4 s … up to 30 s after each abusive cut-off, on that key only', () => {
    const t = new AdmissionThrottle(backoff);
    const waits: number[] = [];
    let now = 0;
    for (let i = 0; i < 8; i++) {
      const { waitMs } = t.cutOff('a', now);
      waits.push(waitMs);
      expect(t.wait('a', now)).toBe(waitMs);
      expect(t.wait('b', now)).toBe(0);
      now += waitMs;
      expect(t.wait('a', now)).toBe(0);
      t.admitted('a', now);
    }
    expect(waits).toEqual([1000, 2000, 4000, 8000, 16_000, 30_000, 30_000, 30_000]);
  });

  it('spaces admissions on a suspect key by the current delay', () => {
    const t = new AdmissionThrottle(backoff);
    t.cutOff('a', 0);
    t.cutOff('a', 0); // 2 s
    expect(t.wait('a', 1999)).toBe(1);
    t.admitted('a', 2000);
    expect(t.wait('a', 2000)).toBe(2000);
    expect(t.wait('a', 4000)).toBe(0);
  });

  it('forgets a key after a quiet period: the next cut-off starts again at 1 s', () => {
    const t = new AdmissionThrottle(backoff);
    for (let i = 0; i < 6; i++) t.cutOff('a', 0);
    expect(t.wait('a', 59_999)).toBe(0); // the 30 s wait is over, the key still suspect
    t.admitted('a', 59_999);
    expect(t.wait('a', 60_000)).toBeGreaterThan(0);
    expect(t.wait('a', 89_998)).toBe(1);
    expect(t.wait('a', 89_999)).toBe(0);
    expect(t.size).toBe(0);
    expect(t.cutOff('a', 90_000)).toEqual({ cutOffs: 1, waitMs: 1000 });
  });
});

describe('ADMISSION_BACKOFF', () => {
  it('lets the first cut-off in a quiet period go free, then waits 1 s doubling to 30 s', () => {
    const t = new AdmissionThrottle(ADMISSION_BACKOFF);
    const waits = [0, 1, 2, 3, 4, 5, 6, 7].map(() => t.cutOff('a', 0).waitMs);
    expect(waits).toEqual([0, 1000, 2000, 4000, 8000, 16_000, 30_000, 30_000]);
    expect(t.wait('a', 29_999)).toBe(1);
  });
});

describe('the document byte rate', () => {
  it('lets a 16 MiB paste through as a burst, and typing at any human pace for ever', () => {
    let now = 0;
    const limit = new RateLimit(DOC_BYTES_LIMIT, () => now);
    expect(limit.take(MAX_GUEST_MESSAGE_BYTES.editor)).toBe('ok');
    expect(limit.take(MAX_GUEST_MESSAGE_BYTES.editor)).toBe('over'); // a second one right after
    now += 64_000; // 16 MiB at 256 KiB a second: back to a full burst
    expect(limit.take(MAX_GUEST_MESSAGE_BYTES.editor)).toBe('ok');
    now += 64_000;
    for (let i = 0; i < 100_000; i++) {
      now += 10; // 100 keystrokes a second, 200 bytes each
      expect(limit.take(200)).toBe('ok');
    }
  });

  it('refuses past the rate, and calls a sustained flood abuse', () => {
    const limit = new RateLimit(DOC_BYTES_LIMIT, () => 0);
    const MiB = 1024 * 1024;
    const verdicts: string[] = [];
    for (let i = 0; i < 64; i++) verdicts.push(limit.take(MiB));
    expect(verdicts.slice(0, 16).every((v) => v === 'ok')).toBe(true);
    expect(verdicts.slice(16, 32).every((v) => v === 'over')).toBe(true);
    expect(verdicts[32]).toBe('abuse');
  });
});
