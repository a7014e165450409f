import { describe, expect, it } from 'vitest';
import { ByteBudget, RateLimit } from '../../../host/hub/guest-limits';
import { FrameAssembler, splitFrames } from '../../../protocol/framing';

const bytes = (n: number) => new Uint8Array(n).fill(7);

describe('reassembly limits', () => {
  it('refuses a message over the cap as it is now (the role may change), as too large', () => {
    let cap = 64 * 1024;
    const a = new FrameAssembler({ maxMessageBytes: () => cap });
    const [first] = splitFrames(bytes(100_000));
    const r = a.push(first as Uint8Array);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.error.code).toBe('too-large');
    cap = 200_000;
    let out: Uint8Array | null = null;
    for (const f of splitFrames(bytes(100_000))) {
      const p = a.push(f);
      expect(p.ok).toBe(true);
      if (p.ok && p.value) out = p.value;
    }
    expect(out?.length).toBe(100_000);
  });

  it('shares room between assemblers by announced size, and gives it back when done or dropped', () => {
    const space = new ByteBudget(250_000);
    const a = new FrameAssembler({ space });
    const b = new FrameAssembler({ space });
    const c = new FrameAssembler({ space });
    const big = splitFrames(bytes(120_000));
    expect(a.push(big[0] as Uint8Array).ok).toBe(true);
    expect(b.push(big[0] as Uint8Array).ok).toBe(true);
    expect(space.inUse).toBe(240_000);
    const refused = c.push(big[0] as Uint8Array);
    expect(refused.ok).toBe(false);
    if (!refused.ok) {
      expect(refused.error.code).toBe('too-large');
      expect(refused.error.message).toMatch(/too much at once/);
    }
    for (const f of big.slice(1)) a.push(f);
    expect(space.inUse).toBe(120_000);
    b.discard();
    expect(space.inUse).toBe(0);
    expect(c.push(big[0] as Uint8Array).ok).toBe(true);
  });
});

describe('RateLimit', () => {
  it('lets a burst through, refuses past it, refills with time, and calls a long flood abuse', () => {
    let now = 0;
    const limit = new RateLimit({ perSecond: 10, burst: 5, strikes: 3 }, () => now);
    const five = Array.from({ length: 5 }, () => limit.take());
    expect(five).toEqual(['ok', 'ok', 'ok', 'ok', 'ok']);
    expect([limit.take(), limit.take(), limit.take(), limit.take()]).toEqual([
      'over',
      'over',
      'over',
      'abuse',
    ]);
    now += 200; // two tokens
    expect([limit.take(), limit.take(), limit.take()]).toEqual(['ok', 'ok', 'over']);
  });
});
