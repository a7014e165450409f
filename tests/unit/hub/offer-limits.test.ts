import { describe, expect, it } from 'vitest';
import { RecentKeys, ReplyBudget } from '../../../host/hub/offer-limits';

describe('RecentKeys', () => {
  it('remembers a key until it expires, and never more than its bound', () => {
    const keys = new RecentKeys(3, 1000);
    expect(keys.add('a', 0)).toBe(true);
    expect(keys.add('a', 500)).toBe(false);
    expect(keys.has('a', 999)).toBe(true);
    expect(keys.has('a', 1000)).toBe(false);
    expect(keys.add('a', 1000)).toBe(true);
    for (const k of ['b', 'c', 'd']) keys.add(k, 1001);
    expect(keys.size).toBe(3);
    expect(keys.has('a', 1001)).toBe(false); // the oldest went first
    expect(keys.has('d', 1001)).toBe(true);
  });
});

describe('ReplyBudget', () => {
  it('allows a burst, then the refill rate', () => {
    const budget = new ReplyBudget(10, 20, 0);
    let granted = 0;
    for (let i = 0; i < 1000; i++) if (budget.take(0)) granted++;
    expect(granted).toBe(20);
    for (let t = 1; t <= 1000; t++) if (budget.take(t)) granted++;
    expect(granted).toBe(30); // one second later: 10 more
  });
});
