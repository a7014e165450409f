import type { WebSocket } from 'ws';
import { TransportBase } from '../../protocol/transport';

/**
 * A Transport over one WebSocket of the browser shell: binary frames are hub messages. Text
 * frames are the shell's own JSON side channel (`sendShellMessage`), never hub messages.
 */
export class WebSocketTransport extends TransportBase {
  constructor(private readonly socket: WebSocket) {
    super();
    socket.on('message', (data: Buffer | ArrayBuffer | Buffer[], isBinary: boolean) => {
      if (!isBinary) return;
      const bytes = Array.isArray(data) ? Buffer.concat(data) : Buffer.from(data as ArrayBuffer);
      this.deliver(new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength));
    });
    socket.on('close', (_code, reason) => this.markClosed(reason.toString() || 'socket closed'));
    socket.on('error', (e) => this.markClosed(`socket error: ${e.message}`));
  }

  send(message: Uint8Array): void {
    if (this.isClosed || this.socket.readyState !== this.socket.OPEN) return;
    this.socket.send(message, { binary: true });
  }

  /** Sends one JSON value as a text frame (shell state such as file saved/dirty). */
  sendShellMessage(value: unknown): void {
    if (this.isClosed || this.socket.readyState !== this.socket.OPEN) return;
    this.socket.send(JSON.stringify(value), { binary: false });
  }

  close(reason = 'closed'): void {
    // WebSocket close reasons are limited to 123 bytes.
    if (!this.isClosed) this.socket.close(1000, reason.slice(0, 120));
    this.markClosed(reason);
  }
}
