// The signaling server: y-webrtc's wire protocol (subscribe / unsubscribe / publish / ping) over
// a WebSocket. Embedded, it serves one hub; standalone (`pairbook signal`, option `standalone`),
// any number of hosts, each proving a key of its own and holding the topics it claimed first
// (signaling/host-proof). It relays sealed data it cannot read, and holds against anyone who can
// reach its port:
// - the hub's own socket proves itself with the secret the server was created with (header
//   HUB_AUTH_HEADER); only it may bind the peer id `host`, and no limit meant for guests applies
//   to it;
// - a guest may subscribe only to topics the hub is on (derived from an invite secret), publish
//   only to the host, and bind peer ids first-come; everything else is dropped (signaling/router);
// - sockets are capped per address (IPv6: per /64) and in all, counted from the TCP connection on;
//   when a cap is reached the oldest socket not yet on a hosted topic makes room, so sockets
//   opened without a secret cannot lock guests out (signaling/sockets);
// - a socket not on a hosted topic by a deadline, a guest socket held longer than a join can take,
//   one that stops answering pings, or one that sends too much is closed, with the reason
//   (signaling/limits).
import { randomBytes, timingSafeEqual } from 'node:crypto';
import { type IncomingMessage, type Server, createServer } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { type RawData, WebSocket, WebSocketServer } from 'ws';
import { HUB_AUTH_HEADER, MAX_SIGNALING_CHARS } from '../../protocol/signaling-messages';
import { addressKey, forwardedAddress } from './signaling/address';
import { HOST_CHALLENGE_HEADER } from './signaling/host-proof';
import {
  CLOSE_GRACE_MS,
  type Limits,
  MAX_HOST_SOCKETS,
  MAX_HOST_TOPICS,
  type SignalingServerOptions,
  resolveLimits,
} from './signaling/limits';
import { TopicRouter } from './signaling/router';
import { type Conn, type SignalingStats, SocketTable } from './signaling/sockets';
import { TopicPins } from './signaling/topic-pins';

export { addressKey };
export * from './signaling/limits';

/** The embedded signaling server of one hub, or a standalone one. start/stop are idempotent. */
export class SignalingServer {
  /** What the hub's socket presents in HUB_AUTH_HEADER. */
  readonly hubSecret: string;
  private http: Server | null = null;
  private wss: WebSocketServer | null = null;
  private starting: Promise<string> | null = null;
  private pingTimer: NodeJS.Timeout | null = null;
  private readonly limits: Limits;
  private readonly stats: SignalingStats = { dropped: 0 };
  private readonly sockets: SocketTable;
  private readonly router: TopicRouter;

  constructor(private readonly options: SignalingServerOptions = {}) {
    this.hubSecret = options.hubSecret ?? randomBytes(32).toString('base64url');
    this.limits = resolveLimits(options);
    this.sockets = new SocketTable(
      this.limits,
      this.stats,
      (conn) => this.router.forget(conn),
      options.trustProxy ?? false,
    );
    this.router = new TopicRouter(
      this.sockets,
      this.stats,
      () => this.limits.maxGuestSocketMs,
      options.standalone ? new TopicPins(2 * MAX_HOST_SOCKETS * MAX_HOST_TOPICS) : null,
    );
  }

  /** Messages dropped (malformed, spoofed, unroutable): for tests and logs. */
  get dropped(): number {
    return this.stats.dropped;
  }

  /** Starts listening; resolves with the server's ws:// URL. */
  start(): Promise<string> {
    this.starting ??= new Promise((resolve, reject) => {
      const http = createServer((_req, res) => {
        res.writeHead(426, { 'content-type': 'text/plain', connection: 'close' });
        res.end('Pairbook signaling: WebSocket only\n');
      });
      http.headersTimeout = this.limits.subscribeDeadlineMs;
      http.requestTimeout = this.limits.subscribeDeadlineMs;
      const wss = new WebSocketServer({ noServer: true, maxPayload: MAX_SIGNALING_CHARS });
      if (this.options.standalone)
        wss.on('headers', (headers, req) => this.challenge(headers, req));
      http.on('connection', (tcp: Socket) => void this.sockets.add(tcp));
      http.on('upgrade', (req: IncomingMessage, tcp: Socket, head: Buffer) =>
        this.upgrade(req, tcp, head),
      );
      http.once('error', reject);
      http.listen(this.options.port ?? 0, this.options.host ?? '127.0.0.1', () => {
        const { address, port } = http.address() as AddressInfo;
        resolve(`ws://${address.includes(':') ? `[${address}]` : address}:${port}`);
      });
      this.http = http;
      this.wss = wss;
      this.pingTimer = setInterval(() => this.sockets.ping(), this.limits.pingIntervalMs);
      this.pingTimer.unref();
    });
    return this.starting;
  }

  /** Closes every socket and stops listening. */
  async stop(): Promise<void> {
    if (!this.http) return;
    const http = this.http;
    this.http = null;
    if (this.pingTimer) clearInterval(this.pingTimer);
    this.sockets.destroyAll();
    this.wss?.close();
    await new Promise<void>((resolve) => http.close(() => resolve()));
  }

  /** Guest sockets open now (the hub's not counted), upgraded or not. */
  socketCount(): number {
    return this.sockets.guestCount;
  }

  private upgrade(req: IncomingMessage, tcp: Socket, head: Buffer): void {
    const conn = this.sockets.get(tcp);
    if (!conn || !this.wss) return void tcp.destroy();
    if (this.options.trustProxy) {
      const address = forwardedAddress(req.headers['x-forwarded-for']) ?? tcp.remoteAddress ?? '';
      if (!this.sockets.place(conn, addressKey(address))) return void tcp.destroy();
    }
    const presented = this.options.standalone ? undefined : req.headers[HUB_AUTH_HEADER];
    if (presented !== undefined) {
      if (typeof presented !== 'string' || !this.isHubSecret(presented)) {
        tcp.end('HTTP/1.1 401 Unauthorized\r\nConnection: close\r\nContent-Length: 0\r\n\r\n');
        setTimeout(() => tcp.destroy(), CLOSE_GRACE_MS).unref();
        return;
      }
      this.sockets.becomeHub(conn);
    }
    this.wss.handleUpgrade(req, tcp, head, (ws) => this.accept(conn, ws));
  }

  /** A standalone server challenges every socket in its handshake's response. */
  private challenge(headers: string[], req: IncomingMessage): void {
    const conn = this.sockets.get(req.socket);
    if (!conn) return;
    conn.challenge = randomBytes(24).toString('base64url');
    headers.push(`${HOST_CHALLENGE_HEADER}: ${conn.challenge}`);
  }

  private isHubSecret(presented: string): boolean {
    const a = Buffer.from(presented);
    const b = Buffer.from(this.hubSecret);
    return a.length === b.length && timingSafeEqual(a, b);
  }

  private accept(conn: Conn, ws: WebSocket): void {
    if (conn.closing || this.sockets.get(conn.tcp) !== conn) return void ws.terminate();
    conn.ws = ws;
    ws.on('pong', () => (conn.alive = true));
    ws.on('message', (data: RawData, isBinary: boolean) => {
      if (conn.closing) return;
      if (!conn.hub) {
        const over = this.sockets.overRate(conn, byteLength(data));
        if (over) return this.sockets.close(conn, 1008, over);
      }
      if (isBinary) return void this.stats.dropped++;
      this.router.receive(conn, data.toString());
    });
    ws.on('error', () => conn.tcp.destroy());
  }
}

function byteLength(data: RawData): number {
  if (Array.isArray(data)) return data.reduce((n, b) => n + b.length, 0);
  return data instanceof ArrayBuffer ? data.byteLength : data.length;
}
