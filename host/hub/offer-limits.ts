// Bounded memory the hub keeps about offers, so a flood of them costs it little: which keys it
// has seen lately (offer nonces, guests already refused) and a budget of replies per second.

/** Keys seen within `ttlMs`, at most `max` of them (the oldest are forgotten first). */
export class RecentKeys {
  private readonly seen = new Map<string, number>(); // key → when, oldest first

  constructor(
    private readonly max: number,
    private readonly ttlMs: number,
  ) {}

  /** Whether `key` was added within the last ttlMs. */
  has(key: string, now = Date.now()): boolean {
    const at = this.seen.get(key);
    return at !== undefined && now - at < this.ttlMs;
  }

  /** Adds `key`; true when it was not there already (or had expired). */
  add(key: string, now = Date.now()): boolean {
    if (this.has(key, now)) return false;
    this.seen.delete(key);
    this.seen.set(key, now);
    for (const [k, at] of this.seen) {
      if (this.seen.size <= this.max && now - at < this.ttlMs) break;
      this.seen.delete(k);
    }
    return true;
  }

  get size(): number {
    return this.seen.size;
  }
}

/** A token bucket: `burst` at once, refilled at `perSecond`. */
export class ReplyBudget {
  private tokens: number;
  private last: number;

  constructor(
    private readonly perSecond: number,
    private readonly burst: number,
    now = Date.now(),
  ) {
    this.tokens = burst;
    this.last = now;
  }

  /** Takes one token; false when none is left. */
  take(now = Date.now()): boolean {
    this.tokens = Math.min(this.burst, this.tokens + ((now - this.last) / 1000) * this.perSecond);
    this.last = now;
    if (this.tokens < 1) return false;
    this.tokens -= 1;
    return true;
  }
}
