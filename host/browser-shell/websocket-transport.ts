import type { WebSocket } from 'ws';
import type { Transport } from '../../protocol/transport';

/**
 * A Transport over one WebSocket of the browser shell: binary frames are hub messages. Text
 * frames are the shell's own JSON side channel (`sendShellMessage`), never hub messages.
 */
export class WebSocketTransport implements Transport {
  private closed = false;
  private readonly closeListeners = new Set<(reason: string) => void>();

  constructor(private readonly socket: WebSocket) {
    socket.on('close', (_code, reason) => this.finish(reason.toString() || 'socket closed'));
    socket.on('error', (e) => this.finish(`socket error: ${e.message}`));
  }

  send(message: Uint8Array): void {
    if (this.closed || this.socket.readyState !== this.socket.OPEN) return;
    this.socket.send(message, { binary: true });
  }

  /** Sends one JSON value as a text frame (shell state such as file saved/dirty). */
  sendShellMessage(value: unknown): void {
    if (this.closed || this.socket.readyState !== this.socket.OPEN) return;
    this.socket.send(JSON.stringify(value), { binary: false });
  }

  onMessage(listener: (message: Uint8Array) => void): () => void {
    const handler = (data: Buffer | ArrayBuffer | Buffer[], isBinary: boolean) => {
      if (!isBinary) return;
      const bytes = Array.isArray(data) ? Buffer.concat(data) : Buffer.from(data as ArrayBuffer);
      listener(new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength));
    };
    this.socket.on('message', handler);
    return () => this.socket.off('message', handler);
  }

  onClose(listener: (reason: string) => void): () => void {
    this.closeListeners.add(listener);
    return () => this.closeListeners.delete(listener);
  }

  close(reason = 'closed'): void {
    // WebSocket close reasons are limited to 123 bytes.
    if (!this.closed) this.socket.close(1000, reason.slice(0, 120));
    this.finish(reason);
  }

  private finish(reason: string): void {
    if (this.closed) return;
    this.closed = true;
    for (const l of this.closeListeners) l(reason);
    this.closeListeners.clear();
  }
}
