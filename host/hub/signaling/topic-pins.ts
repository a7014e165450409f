// A standalone signaling server's record of which host key holds which topic (host-proof.ts).
// A pin outlives its host's socket by PIN_KEPT_MS, so a host whose connection drops (a network
// change, a laptop asleep) finds its topics still its own when it reconnects.

/** How long a topic stays pinned to a key after its host's last socket on it went. */
export const PIN_KEPT_MS = 24 * 60 * 60_000;

export class TopicPins {
  private readonly pins = new Map<string, string>(); // topic → key id
  private readonly released = new Map<string, number>(); // topic → when, oldest first

  /**
   * `max`: most topics pinned at once; the server makes it twice what its host sockets can hold,
   * so held pins never fill it. Beyond, the pin released longest ago is forgotten.
   */
  constructor(
    private readonly max: number,
    private readonly keptMs = PIN_KEPT_MS,
  ) {}

  /** Claims `topic` for `key`: true when it is free, or already that key's. */
  claim(topic: string, key: string, now = Date.now()): boolean {
    const holder = this.pins.get(topic);
    if (holder !== undefined && holder !== key) {
      const at = this.released.get(topic);
      if (at === undefined || now - at < this.keptMs) return false;
    }
    if (holder === undefined && this.pins.size >= this.max && !this.forgetOldest()) return false;
    this.pins.set(topic, key);
    this.released.delete(topic);
    return true;
  }

  /** The host of `topic` left it. */
  release(topic: string, now = Date.now()): void {
    if (!this.pins.has(topic)) return;
    this.released.delete(topic);
    this.released.set(topic, now);
  }

  get size(): number {
    return this.pins.size;
  }

  /** Forgets the pin released longest ago; false when every pin is held. */
  private forgetOldest(): boolean {
    const oldest = this.released.keys().next();
    if (oldest.done) return false;
    this.released.delete(oldest.value);
    this.pins.delete(oldest.value);
    return true;
  }
}
