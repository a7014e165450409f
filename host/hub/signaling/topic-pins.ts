// A standalone signaling server's record of which host key holds which topic (host-proof.ts).
// A pin outlives its host's socket by PIN_KEPT_MS, so a host whose connection drops (a network
// change, a laptop asleep) finds its topics still its own when it reconnects.

/** How long a topic stays pinned to a key after its host's last socket on it went. */
export const PIN_KEPT_MS = 24 * 60 * 60_000;
/** Most topics pinned at once; beyond, the longest released ones are forgotten first. */
export const MAX_PINS = 65_536;

interface Pin {
  key: string;
  /** When its host left it; null while a socket of that key is on it. */
  releasedAt: number | null;
}

export class TopicPins {
  private readonly pins = new Map<string, Pin>(); // oldest first

  constructor(
    private readonly keptMs = PIN_KEPT_MS,
    private readonly max = MAX_PINS,
  ) {}

  /** Claims `topic` for `key`: true when it is free, or already that key's. */
  claim(topic: string, key: string, now = Date.now()): boolean {
    const pin = this.pins.get(topic);
    if (pin && pin.key !== key && (pin.releasedAt === null || now - pin.releasedAt < this.keptMs)) {
      return false;
    }
    if (pin) this.pins.delete(topic);
    else if (this.pins.size >= this.max && !this.forgetOne(now)) return false;
    this.pins.set(topic, { key, releasedAt: null });
    return true;
  }

  /** The host of `topic` left it. */
  release(topic: string, now = Date.now()): void {
    const pin = this.pins.get(topic);
    if (pin) pin.releasedAt = now;
  }

  get size(): number {
    return this.pins.size;
  }

  /** Forgets an expired pin, or else the one released longest ago; false when all are held. */
  private forgetOne(now: number): boolean {
    let oldest: [string, number] | null = null;
    for (const [topic, pin] of this.pins) {
      if (pin.releasedAt === null) continue;
      if (now - pin.releasedAt >= this.keptMs) return this.pins.delete(topic);
      if (!oldest || pin.releasedAt < oldest[1]) oldest = [topic, pin.releasedAt];
    }
    return oldest !== null && this.pins.delete(oldest[0]);
  }
}
