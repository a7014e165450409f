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

/** Backoff of an AdmissionThrottle (ADMISSION_BACKOFF in guest-limits.ts). */
export interface Backoff {
  /** Cut-offs in a quiet period that cost no wait (an honest guest's one paste too large). */
  free: number;
  firstMs: number;
  maxMs: number;
  quietMs: number;
}

interface Suspicion {
  /** Abusive cut-offs since the last quiet period. */
  cutOffs: number;
  lastCutOffAt: number;
  /** No admission before this. */
  nextAt: number;
}

/**
 * Admissions per key (an invite) after guests admitted with it were cut off for abuse: past the
 * `free` ones, a cut-off makes the next admission wait `firstMs`, each further one doubles that up to `maxMs`,
 * and while the key is suspect every admission pushes the next one out by the same delay. A key
 * with no cut-off for `quietMs` is forgotten. Keys never cut off cost nothing.
 */
export class AdmissionThrottle {
  private readonly suspects = new Map<string, Suspicion>();

  constructor(private readonly backoff: Backoff) {}

  /** Milliseconds until an admission on `key` may go ahead; 0: now. */
  wait(key: string, now = Date.now()): number {
    const s = this.current(key, now);
    return s ? Math.max(0, s.nextAt - now) : 0;
  }

  /** An admission on `key` went ahead: while it is suspect, the next one waits. */
  admitted(key: string, now = Date.now()): void {
    const s = this.current(key, now);
    if (s) s.nextAt = Math.max(s.nextAt, now + this.delay(s.cutOffs));
  }

  /** A guest admitted on `key` was cut off for abuse. Returns the cut-offs counted and the wait. */
  cutOff(key: string, now = Date.now()): { cutOffs: number; waitMs: number } {
    const s = this.current(key, now) ?? { cutOffs: 0, lastCutOffAt: now, nextAt: now };
    s.cutOffs++;
    s.lastCutOffAt = now;
    s.nextAt = Math.max(s.nextAt, now + this.delay(s.cutOffs));
    this.suspects.set(key, s);
    return { cutOffs: s.cutOffs, waitMs: s.nextAt - now };
  }

  /** Keys suspect now. */
  get size(): number {
    return this.suspects.size;
  }

  private delay(cutOffs: number): number {
    const n = cutOffs - this.backoff.free;
    return n <= 0 ? 0 : Math.min(this.backoff.maxMs, this.backoff.firstMs * 2 ** (n - 1));
  }

  private current(key: string, now: number): Suspicion | null {
    const s = this.suspects.get(key);
    if (!s) return null;
    // Quiet since the last cut-off, and past any wait it set.
    if (now - s.lastCutOffAt >= this.backoff.quietMs && now >= s.nextAt) {
      this.suspects.delete(key);
      return null;
    }
    return s;
  }
}
