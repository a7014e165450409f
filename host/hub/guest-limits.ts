// Every resource a guest can make the host hold, and its bound. A guest past a bound is told why
// (a refused request gets a reply with code 'rate-limited'), and one that keeps pushing is cut
// off with a `bye` naming the bound (protocol/hub-control.ts). The numbers are here, in one place,
// so docs/threat-model.md can quote them.
import type { GuestRole } from '../../protocol/roles';

const KiB = 1024;
const MiB = 1024 * KiB;

/**
 * Largest message a guest of each role may send, reassembled. A viewer sends presence, a sync
 * step 1 (a state vector) and, on reconnect, a step 2 carrying its replica's delete set (a few
 * bytes per deleted range: a long session of typing and deleting stays well under 1 MiB). An
 * editor or runner also sends its edits: a paste of up to 16 MiB of text, or the step 2 of a
 * replica that edited offline.
 */
export const MAX_GUEST_MESSAGE_BYTES: Record<GuestRole, number> = {
  viewer: 1 * MiB,
  editor: 16 * MiB,
  runner: 16 * MiB,
};

/** Bytes of chunked messages being reassembled at once, across all guests (as announced). */
export const REASSEMBLY_BUDGET_BYTES = 64 * MiB;
/** A chunked message from a guest with no frame for this long is abandoned, the channel closed. */
export const MESSAGE_STALL_MS = 15_000;
/** A chunked message from a guest must be complete this long after its first frame. */
export const MESSAGE_DEADLINE_MS = 120_000;

/**
 * Least bytes waiting to go to one guest past which it is dropped as a slow reader. The cap is
 * the larger of this and twice the largest message sent on the channel (the whole notebook on
 * the first sync), so a 20 MB notebook syncs to a slow link and a guest that stops reading
 * costs the host at most that.
 */
export const SEND_QUEUE_MIN_CAP_BYTES = 32 * MiB;

/**
 * Sync step 1 (each answered with all the guest lacks: the whole notebook for a fresh replica):
 * once per connection, as a client asks; a second: cut off.
 */
export const SYNC_STEP1_LIMIT = { perSecond: 0, burst: 1, strikes: 0 };
/**
 * Awareness updates (cursor moves, typing): 30 a second, 60 at once. Past that only the latest
 * is kept, and relayed when the limit allows; 300 more over the limit: cut off.
 */
export const AWARENESS_LIMIT = { perSecond: 30, burst: 60, strikes: 300 };
/**
 * Requests (run, save, …; each may cost the host a serialization of the notebook): 10 a second,
 * 20 at once; refused past that (code 'rate-limited'); 20 more refused: cut off.
 */
export const REQUEST_LIMIT = { perSecond: 10, burst: 20, strikes: 20 };

/**
 * Saves asked by guests (each serializes the whole notebook and writes it, when it changed), all
 * guests together, since one save serves everyone: 1 every 5 s, 2 at once; refused past that (code
 * 'rate-limited'; autosave still runs). Never 'abuse': the request limit cuts off a flood.
 */
export const SAVE_LIMIT = { perSecond: 0.2, burst: 2, strikes: Number.POSITIVE_INFINITY };

/**
 * Document bytes a guest sends (sync step 2 and updates, counted before they are inspected; each
 * accepted one is journaled and relayed to every guest, and each guest's page applies it), per
 * guest key across its reconnects: 256 KiB a second, 16 MiB at once (the largest paste; typing is
 * a few dozen bytes a keystroke). Past that the update is refused (notice and resync); 16 MiB more
 * refused: cut off. An editor spending it all as fast as it may costs the host under 100 MB and
 * the other guests' keystrokes under 2× their quiet delay (BENCHMARKS.md, abuse).
 */
export const DOC_BYTES_LIMIT = { perSecond: 256 * KiB, burst: 16 * MiB, strikes: 16 * MiB };

/**
 * Document bytes from all guests of one invite together: an attacker reconnecting with a fresh
 * guest key gets a fresh DOC_BYTES_LIMIT, not more of this. 16 MiB at once, then 512 KiB a second;
 * past that updates are refused (notice and resync), never a cut-off (the guest may be honest).
 */
export const INVITE_DOC_BYTES_LIMIT = {
  perSecond: 512 * KiB,
  burst: 16 * MiB,
  strikes: Number.POSITIVE_INFINITY,
};

/**
 * New admissions on an invite whose guests are cut off for abuse (bye codes too-large,
 * malformed, rate-limited, timeout; each reconnect costs the host a DTLS handshake and a full
 * sync of the notebook): the first cut-off is free (an honest paste over the size cap), the
 * second makes the next admission wait 1 s, each further one doubles that up to 30 s, and while
 * the invite is suspect admissions on it are spaced by that much; 60 s with no cut-off forgets it.
 */
export const ADMISSION_BACKOFF = { free: 1, firstMs: 1000, maxMs: 30_000, quietMs: 60_000 };

/** What a rate limit says of one more message. */
export type RateVerdict = 'ok' | 'over' | 'abuse';

/**
 * A token bucket: `burst` messages at once, refilled at `perSecond`. A message with no token is
 * 'over' (refuse it). Those draw on a second bucket of `strikes`, refilled at the same rate: a
 * client sending at twice the rate never empties it; a flood does, and is 'abuse'.
 */
export class RateLimit {
  private tokens: number;
  private strikesLeft: number;
  private last: number;

  constructor(
    private readonly limit: { perSecond: number; burst: number; strikes: number },
    private readonly now: () => number = Date.now,
  ) {
    this.tokens = limit.burst;
    this.strikesLeft = limit.strikes;
    this.last = now();
  }

  /** True when one more message would be allowed now (takes nothing). */
  peek(): boolean {
    this.refill();
    return this.tokens >= 1;
  }

  /** One message costing `cost` tokens (1 a message; for a byte rate, its bytes). */
  take(cost = 1): RateVerdict {
    this.refill();
    if (this.tokens >= cost) {
      this.tokens -= cost;
      return 'ok';
    }
    this.strikesLeft -= cost;
    return this.strikesLeft < 0 ? 'abuse' : 'over';
  }

  private refill(): void {
    const t = this.now();
    const refill = ((t - this.last) / 1000) * this.limit.perSecond;
    this.tokens = Math.min(this.limit.burst, this.tokens + refill);
    this.strikesLeft = Math.min(this.limit.strikes, this.strikesLeft + refill);
    this.last = t;
  }
}

/** Bytes shared by all guests (reassembly space): reserved before use, released after. */
export class ByteBudget {
  private used = 0;

  constructor(readonly total: number) {}

  /** Bytes reserved now. */
  get inUse(): number {
    return this.used;
  }

  /** Reserves `bytes`; false (and nothing reserved) when they do not fit. */
  reserve(bytes: number): boolean {
    if (this.used + bytes > this.total) return false;
    this.used += bytes;
    return true;
  }

  release(bytes: number): void {
    this.used = Math.max(0, this.used - bytes);
  }
}
