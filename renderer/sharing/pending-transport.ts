// A Transport handed out before its data channel exists (GuestConnection.openTransport): the
// HubClient can send and listen at once; the attempt connects it, or fails it, later.
import type { Transport } from '../../protocol/transport';

/** A Transport handed out before its channel exists: buffers sends, then forwards. */
export class PendingTransport implements Transport {
  private inner: Transport | null = null;
  private buffered: Uint8Array[] = [];
  private readonly messageListeners = new Set<(m: Uint8Array) => void>();
  private readonly closeListeners = new Set<(r: string) => void>();
  private readonly aborts = new Set<() => void>();
  private done = false;
  aborted = false;

  connect(inner: Transport): void {
    if (this.done) return inner.close('closed');
    this.inner = inner;
    inner.onMessage((m) => this.messageListeners.forEach((l) => l(m)));
    inner.onClose((r) => this.finish(r));
    for (const m of this.buffered) inner.send(m);
    this.buffered = [];
  }

  fail(reason: string): void {
    this.finish(reason);
  }

  onAbort(f: () => void): void {
    if (this.aborted) f();
    else this.aborts.add(f);
  }

  send(message: Uint8Array): void {
    if (this.done) return;
    if (this.inner) this.inner.send(message);
    else this.buffered.push(message);
  }

  onMessage(listener: (message: Uint8Array) => void): () => void {
    this.messageListeners.add(listener);
    return () => this.messageListeners.delete(listener);
  }

  onClose(listener: (reason: string) => void): () => void {
    this.closeListeners.add(listener);
    return () => this.closeListeners.delete(listener);
  }

  close(reason = 'closed'): void {
    this.inner?.close(reason);
    this.finish(reason);
  }

  private finish(reason: string): void {
    if (this.done) return;
    this.done = true;
    this.buffered = [];
    if (!this.inner) {
      this.aborted = true;
      this.aborts.forEach((f) => f());
    }
    this.aborts.clear();
    this.closeListeners.forEach((l) => l(reason));
    this.closeListeners.clear();
  }
}
