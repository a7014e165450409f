/**
 * A message pipe between a client and the host: a MessagePort, a WebSocket or a WebRTC data
 * channel. Moves whole messages; knows nothing of what they mean.
 */
export interface Transport {
  /** Sends one message. Dropped silently once the transport is closed. */
  send(message: Uint8Array): void;
  /** Calls `listener` with every message received. Returns an unsubscribe function. */
  onMessage(listener: (message: Uint8Array) => void): () => void;
  /** Calls `listener` once when the pipe closes, from either end. Returns an unsubscribe function. */
  onClose(listener: (reason: string) => void): () => void;
  /** Closes the pipe. Idempotent. */
  close(reason?: string): void;
}

/**
 * The listener bookkeeping every Transport needs, written once: subclasses move the bytes
 * (`send`, `close`), hand what arrives to `deliver`, and call `markClosed` when the pipe ends.
 * A close listener added after the end is still called, asynchronously.
 */
export abstract class TransportBase implements Transport {
  private readonly messageListeners = new Set<(message: Uint8Array) => void>();
  private readonly closeListeners = new Set<(reason: string) => void>();
  private closedReason: string | null = null;

  abstract send(message: Uint8Array): void;
  abstract close(reason?: string): void;

  /** True once the pipe has ended, from either side. */
  protected get isClosed(): boolean {
    return this.closedReason !== null;
  }

  onMessage(listener: (message: Uint8Array) => void): () => void {
    this.messageListeners.add(listener);
    return () => this.messageListeners.delete(listener);
  }

  onClose(listener: (reason: string) => void): () => void {
    const reason = this.closedReason;
    if (reason !== null) {
      void Promise.resolve().then(() => listener(reason));
      return () => undefined;
    }
    this.closeListeners.add(listener);
    return () => this.closeListeners.delete(listener);
  }

  /** Hands one received message to the listeners; nothing is delivered after the end. */
  protected deliver(message: Uint8Array): void {
    if (this.closedReason !== null) return;
    for (const l of this.messageListeners) l(message);
  }

  /** Ends the pipe and tells the close listeners, once. False when it had already ended. */
  protected markClosed(reason: string): boolean {
    if (this.closedReason !== null) return false;
    this.closedReason = reason;
    for (const l of this.closeListeners) l(reason);
    this.closeListeners.clear();
    this.messageListeners.clear();
    return true;
  }
}

/** Two Transports joined back to back in memory: what one sends, the other receives. */
export function createTransportPair(): [Transport, Transport] {
  const make = () => ({
    messages: new Set<(m: Uint8Array) => void>(),
    closes: new Set<(r: string) => void>(),
    closed: false,
  });
  const ends = [make(), make()] as const;
  const transport = (self: 0 | 1): Transport => {
    const me = ends[self];
    const other = ends[self === 0 ? 1 : 0];
    return {
      send(message) {
        if (me.closed) return;
        // Delivered asynchronously, as every real pipe does.
        void Promise.resolve().then(() => {
          if (!other.closed) for (const l of other.messages) l(message);
        });
      },
      onMessage(listener) {
        me.messages.add(listener);
        return () => me.messages.delete(listener);
      },
      onClose(listener) {
        me.closes.add(listener);
        return () => me.closes.delete(listener);
      },
      close(reason = 'closed') {
        for (const end of ends) {
          if (end.closed) continue;
          end.closed = true;
          for (const l of end.closes) l(reason);
        }
      },
    };
  };
  return [transport(0), transport(1)];
}
