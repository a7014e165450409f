import { Dealer } from 'zeromq';

/** How often the heartbeat pings the kernel. */
export const HEARTBEAT_INTERVAL_MS = 1000;

/** How long without an echo before the kernel is declared dead, by default. */
export const HEARTBEAT_TIMEOUT_MS = 10_000;

/**
 * Pings the kernel's heartbeat socket (which echoes from its own thread, even while code runs)
 * and calls `onDead` once if `timeoutMs` of consecutive pings go unanswered. Misses are counted
 * per tick rather than by wall time, so a stalled event loop in this process is not taken for a
 * dead kernel.
 */
export class Heartbeat {
  private readonly socket = new Dealer({ linger: 0, sendTimeout: 0 });
  private readonly timer: NodeJS.Timeout;
  private answered = true;
  private misses = 0;
  private stopped = false;

  constructor(
    address: string,
    private readonly onDead: (silentMs: number) => void,
    private readonly timeoutMs = HEARTBEAT_TIMEOUT_MS,
  ) {
    this.socket.connect(address);
    void this.listen();
    this.timer = setInterval(() => this.tick(), HEARTBEAT_INTERVAL_MS);
    this.timer.unref();
  }

  /** Stops pinging (idempotent). */
  stop(): void {
    if (this.stopped) return;
    this.stopped = true;
    clearInterval(this.timer);
    this.socket.close();
  }

  private tick(): void {
    this.misses = this.answered ? 0 : this.misses + 1;
    if (this.misses * HEARTBEAT_INTERVAL_MS >= this.timeoutMs) {
      this.stop();
      this.onDead(this.misses * HEARTBEAT_INTERVAL_MS);
      return;
    }
    this.answered = false;
    // sendTimeout 0: if the kernel stopped reading, fail the ping rather than queue it.
    this.socket.send('ping').catch(() => undefined);
  }

  private async listen(): Promise<void> {
    try {
      while (!this.stopped) {
        await this.socket.receive();
        this.answered = true;
      }
    } catch {
      // closed by stop(); nothing to report
    }
  }
}
