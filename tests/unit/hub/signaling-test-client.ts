// A bare signaling client for tests: speaks the server's WebSocket protocol directly, records what
// it receives and how it was closed; `sync()` waits until the server has read its sends.
import { WebSocket } from 'ws';
import { HUB_AUTH_HEADER } from '../../../protocol/signaling-messages';

export interface ClientOptions {
  /** The hub's secret, sent as the hub's own socket sends it. */
  hubSecret?: string;
  /** Source address (any 127.x.y.z reaches a server on 127.0.0.1). */
  localAddress?: string;
  /** false: never answer the server's pings (a dead peer). */
  autoPong?: boolean;
}

export class Client {
  readonly received: Record<string, unknown>[] = [];
  closedWith: number | null = null;
  closeReason = '';
  private pongs: (() => void)[] = [];
  readonly closed: Promise<number>;

  private constructor(readonly ws: WebSocket) {
    ws.on('message', (d) => {
      const m = JSON.parse(d.toString()) as Record<string, unknown>;
      if (m.type === 'pong') this.pongs.shift()?.();
      else this.received.push(m);
    });
    this.closed = new Promise((resolve) =>
      ws.on('close', (code, reason) => {
        this.closedWith = code;
        this.closeReason = reason.toString();
        this.pongs.splice(0).forEach((p) => p());
        resolve(code);
      }),
    );
  }

  /** Opens a client; rejects when the server refuses the connection. */
  static async open(url: string, options: ClientOptions = {}): Promise<Client> {
    const ws = new WebSocket(url, {
      headers: options.hubSecret ? { [HUB_AUTH_HEADER]: options.hubSecret } : {},
      ...(options.localAddress ? { localAddress: options.localAddress } : {}),
      autoPong: options.autoPong ?? true,
    });
    ws.on('error', () => {});
    const client = new Client(ws);
    await new Promise((resolve, reject) => {
      ws.once('open', resolve);
      ws.once('close', () => reject(new Error('refused')));
      ws.once('unexpected-response', (_req, res) => reject(new Error(`HTTP ${res.statusCode}`)));
    });
    return client;
  }

  send(value: unknown): void {
    if (this.ws.readyState === WebSocket.OPEN) {
      this.ws.send(typeof value === 'string' ? value : JSON.stringify(value));
    }
  }

  /** Resolves once the server has handled everything sent before (it answers pings in order). */
  sync(): Promise<void> {
    if (this.closedWith !== null) return Promise.resolve();
    return new Promise((r) => {
      this.pongs.push(r);
      this.send({ type: 'ping' });
    });
  }

  datas(): unknown[] {
    return this.received.map((m) => m.data);
  }
}
