import { describe, expect, it } from 'vitest';
import { nextChange } from '../../../host/session/source-changes';
import { ago, staleText } from '../../../renderer/notebook/stale-marker';

const MIN = 60_000;
const NOW = Date.UTC(2026, 0, 1, 12, 0);
const fresh = { source: false, kernelsAgo: 0, newerAbove: null };

describe('what a stale marker says', () => {
  it('names who changed the source and when, once the host says', () => {
    const source = { ...fresh, source: true };
    expect(staleText(source, undefined, NOW)).toBe('Source changed since this ran');
    expect(staleText(source, { by: ['Ada'], at: NOW - 2 * MIN - 5 }, NOW)).toBe(
      'Source changed since this ran — by Ada, 2 min ago',
    );
    expect(staleText(source, { by: ['Ada', 'Bob', 'Cy'], at: NOW }, NOW)).toBe(
      'Source changed since this ran — by Ada, Bob and Cy, just now',
    );
    expect(staleText(source, { by: [], at: NOW - 5 * MIN }, NOW)).toBe(
      'Source changed since this ran — 5 min ago',
    );
  });

  it('says which kernel, and which cell above ran newer code, joined after the source', () => {
    expect(staleText({ ...fresh, kernelsAgo: 1 }, undefined, NOW)).toBe('From the previous kernel');
    expect(staleText({ ...fresh, kernelsAgo: 3 }, undefined, NOW)).toBe('From an earlier kernel');
    expect(staleText({ ...fresh, newerAbove: 4 }, undefined, NOW)).toBe(
      'Cell 4 above ran new code after this',
    );
    expect(
      staleText({ source: true, kernelsAgo: 1, newerAbove: null }, { by: ['Ada'], at: NOW }, NOW),
    ).toBe('Source changed since this ran — by Ada, just now · from the previous kernel');
    expect(staleText({ ...fresh, source: true, newerAbove: 2 }, undefined, NOW)).toBe(
      'Source changed since this ran · cell 2 above ran new code after this',
    );
  });

  it('counts minutes up to an hour, then gives the time; a clock ahead reads "just now"', () => {
    expect(ago(NOW - 59_000, NOW)).toBe('just now');
    expect(ago(NOW + 3 * MIN, NOW)).toBe('just now');
    expect(ago(NOW - 59 * MIN, NOW)).toBe('59 min ago');
    expect(ago(NOW - 61 * MIN, NOW)).toMatch(/^at \d/);
  });
});

describe("the host's record of who changed a source", () => {
  it('starts with the first editor, adds later ones (at most three), and goes when put back', () => {
    const first = nextChange(undefined, true, { by: 'Ada', at: 5 });
    expect(first).toEqual({ by: ['Ada'], at: 5 });
    expect(nextChange(first, true, { by: 'Ada', at: 9 })).toBe(first);
    const second = nextChange(first, true, { by: 'Bob', at: 9 });
    expect(second).toEqual({ by: ['Ada', 'Bob'], at: 5 });
    const third = nextChange(second, true, { by: 'Cy', at: 10 });
    expect(nextChange(third, true, { by: 'Dee', at: 11 })).toBe(third);
    expect(nextChange(third, false, { by: 'Dee', at: 11 })).toBeUndefined();
    expect(nextChange(undefined, true, { by: null, at: 7 })).toEqual({ by: [], at: 7 });
  });
});
