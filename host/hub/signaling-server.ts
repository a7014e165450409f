// The embedded signaling server: y-webrtc's wire protocol (subscribe / unsubscribe / publish /
// ping) over a WebSocket, serving one hub. It relays sealed data it cannot read, and holds against
// anyone who can reach its port:
// - the hub's own socket proves itself with the secret the server was created with (header
//   HUB_AUTH_HEADER); only it may bind the peer id `host`, and no limit meant for guests applies
//   to it;
// - a guest may subscribe only to topics the hub is on (derived from an invite secret), publish
//   only to the host, and bind peer ids first-come; everything else is dropped;
// - sockets are capped per address (IPv6: per /64) and in all, counted from the TCP connection on;
//   when a cap is reached the oldest socket not yet on a hosted topic makes room, so sockets
//   opened without a secret cannot lock guests out;
// - a socket not on a hosted topic by a deadline, a guest socket held longer than a join can take,
//   one that stops answering pings, or one that sends too much is closed, with the reason.
import { randomBytes, timingSafeEqual } from 'node:crypto';
import { type IncomingMessage, type Server, createServer } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { type RawData, WebSocket, WebSocketServer } from 'ws';
import {
  HOST_PEER_ID,
  HUB_AUTH_HEADER,
  MAX_SIGNALING_CHARS,
  MAX_TOPICS,
  type ServerSignal,
  decodeClientSignal,
} from '../../protocol/signaling-messages';

/** Most guest sockets at once. */
export const MAX_SOCKETS = 512;
/**
 * Most guest sockets from one address (IPv6: one /64). A class of 50 behind one NAT, all knocking
 * at once, fits; one address alone takes at most an eighth of the server.
 */
export const MAX_SOCKETS_PER_ADDRESS = 64;
/** Messages per second a guest socket may send before it is cut off. */
export const MAX_MESSAGES_PER_SECOND = 50;
/** Bytes per second a guest socket may send before it is cut off (an offer is a few KiB). */
export const MAX_BYTES_PER_SECOND = 256 * 1024;
/** Time a socket has to subscribe to a hosted topic, from its TCP connection on. */
export const SUBSCRIBE_DEADLINE_MS = 10_000;
/** Longest a guest socket is kept (a knock waits 2 minutes by default). */
export const MAX_GUEST_SOCKET_MS = 180_000;
/** Peer ids one guest socket may bind (a guest needs one per attempt). */
export const MAX_IDS_PER_SOCKET = 8;
/** A guest that reads too slowly to take this much queued output is dropped. */
export const MAX_GUEST_BUFFERED_BYTES = 256 * 1024;
/** Beyond this much queued for the hub, messages to it are dropped (it is never cut off). */
export const MAX_HUB_BUFFERED_BYTES = 4 * 1024 * 1024;
const PING_INTERVAL_MS = 30_000;
const CLOSE_GRACE_MS = 1000;
const MAX_TIMER_MS = 2 ** 31 - 1;

/** Options of a SignalingServer (defaults: the constants above). */
export interface SignalingServerOptions {
  /** Address to listen on. Default 127.0.0.1 (LAN sharing: the machine's LAN address). */
  host?: string;
  /** Port; 0 (default) picks a free one. */
  port?: number;
  /** The secret the hub's socket presents; default: a random one (read `hubSecret`). */
  hubSecret?: string;
  maxSockets?: number;
  maxSocketsPerAddress?: number;
  maxMessagesPerSecond?: number;
  maxBytesPerSecond?: number;
  subscribeDeadlineMs?: number;
  maxGuestSocketMs?: number;
  pingIntervalMs?: number;
}

/** One TCP connection, from before its WebSocket upgrade until it closes. */
interface Conn {
  tcp: Socket;
  /** Per-address key: IPv4 address or IPv6 /64. */
  address: string;
  hub: boolean;
  ws: WebSocket | null;
  /** Hosted topics it subscribed to (for a guest, being on one proves it holds a secret). */
  topics: Set<string>;
  ids: Set<string>;
  alive: boolean;
  window: { start: number; count: number; bytes: number };
  /** The subscribe deadline, then the guest's lifetime. */
  timer: NodeJS.Timeout | null;
  closing: boolean;
}

/** The embedded signaling server of one hub. start/stop are idempotent. */
export class SignalingServer {
  /** What the hub's socket presents in HUB_AUTH_HEADER. */
  readonly hubSecret: string;
  private http: Server | null = null;
  private wss: WebSocketServer | null = null;
  private starting: Promise<string> | null = null;
  private readonly conns = new Map<Socket, Conn>(); // oldest first
  private readonly perAddress = new Map<string, number>();
  private guests = 0;
  private readonly topics = new Map<string, Set<Conn>>();
  private readonly owners = new Map<string, Conn>();
  private pingTimer: NodeJS.Timeout | null = null;
  private readonly limits: Required<Omit<SignalingServerOptions, 'host' | 'port' | 'hubSecret'>>;
  /** Messages dropped (malformed, spoofed, unroutable): for tests and logs. */
  dropped = 0;

  constructor(private readonly options: SignalingServerOptions = {}) {
    this.hubSecret = options.hubSecret ?? randomBytes(32).toString('base64url');
    this.limits = {
      maxSockets: options.maxSockets ?? MAX_SOCKETS,
      maxSocketsPerAddress: options.maxSocketsPerAddress ?? MAX_SOCKETS_PER_ADDRESS,
      maxMessagesPerSecond: options.maxMessagesPerSecond ?? MAX_MESSAGES_PER_SECOND,
      maxBytesPerSecond: options.maxBytesPerSecond ?? MAX_BYTES_PER_SECOND,
      subscribeDeadlineMs: options.subscribeDeadlineMs ?? SUBSCRIBE_DEADLINE_MS,
      maxGuestSocketMs: options.maxGuestSocketMs ?? MAX_GUEST_SOCKET_MS,
      pingIntervalMs: options.pingIntervalMs ?? PING_INTERVAL_MS,
    };
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
      http.on('connection', (tcp: Socket) => this.connect(tcp));
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
      this.pingTimer = setInterval(() => this.ping(), this.limits.pingIntervalMs);
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
    for (const conn of [...this.conns.values()]) {
      conn.tcp.destroy();
      this.forget(conn);
    }
    this.wss?.close();
    await new Promise<void>((resolve) => http.close(() => resolve()));
  }

  /** Guest sockets open now (the hub's not counted), upgraded or not. */
  socketCount(): number {
    return this.guests;
  }

  private connect(tcp: Socket): void {
    const address = addressKey(tcp.remoteAddress ?? '');
    const max = this.limits;
    if ((this.perAddress.get(address) ?? 0) >= max.maxSocketsPerAddress && !this.evict(address)) {
      return void tcp.destroy();
    }
    if (this.guests >= max.maxSockets && !this.evict(null)) return void tcp.destroy();
    const conn: Conn = {
      tcp,
      address,
      hub: false,
      ws: null,
      topics: new Set(),
      ids: new Set(),
      alive: true,
      window: { start: Date.now(), count: 0, bytes: 0 },
      timer: null,
      closing: false,
    };
    this.conns.set(tcp, conn);
    this.perAddress.set(address, (this.perAddress.get(address) ?? 0) + 1);
    this.guests++;
    const deadline = Math.round(this.limits.subscribeDeadlineMs / 1000);
    conn.timer = setTimeout(
      () => this.close(conn, 1008, `subscribe to an invite's topic within ${deadline} s`),
      this.limits.subscribeDeadlineMs,
    );
    conn.timer.unref();
    tcp.once('close', () => this.forget(conn));
  }

  /** Closes the oldest socket not on a hosted topic (from `address`, or any); false if none. */
  private evict(address: string | null): boolean {
    for (const conn of this.conns.values()) {
      if (conn.hub || conn.topics.size > 0 || (address !== null && conn.address !== address)) {
        continue;
      }
      // At once, so a flood of connections never holds more descriptors than the caps.
      conn.closing = true;
      conn.tcp.destroy();
      this.forget(conn);
      return true;
    }
    return false;
  }

  private upgrade(req: IncomingMessage, tcp: Socket, head: Buffer): void {
    const conn = this.conns.get(tcp);
    if (!conn || !this.wss) return void tcp.destroy();
    const presented = req.headers[HUB_AUTH_HEADER];
    if (presented !== undefined) {
      if (typeof presented !== 'string' || !this.isHubSecret(presented)) {
        tcp.end('HTTP/1.1 401 Unauthorized\r\nConnection: close\r\nContent-Length: 0\r\n\r\n');
        setTimeout(() => tcp.destroy(), CLOSE_GRACE_MS).unref();
        return;
      }
      this.becomeHub(conn);
    }
    this.wss.handleUpgrade(req, tcp, head, (ws) => this.accept(conn, ws));
  }

  private isHubSecret(presented: string): boolean {
    const a = Buffer.from(presented);
    const b = Buffer.from(this.hubSecret);
    return a.length === b.length && timingSafeEqual(a, b);
  }

  private becomeHub(conn: Conn): void {
    if (conn.timer) clearTimeout(conn.timer);
    conn.timer = null;
    conn.hub = true;
    this.uncount(conn);
  }

  private accept(conn: Conn, ws: WebSocket): void {
    if (conn.closing || !this.conns.has(conn.tcp)) return void ws.terminate();
    conn.ws = ws;
    ws.on('pong', () => (conn.alive = true));
    ws.on('message', (data: RawData, isBinary: boolean) => {
      if (conn.closing) return;
      if (!conn.hub) {
        const over = this.overRate(conn, byteLength(data));
        if (over) return this.close(conn, 1008, over);
      }
      if (isBinary) return void this.dropped++;
      this.receive(conn, data.toString());
    });
    ws.on('error', () => conn.tcp.destroy());
  }

  private overRate(conn: Conn, bytes: number): string | null {
    const now = Date.now();
    if (now - conn.window.start >= 1000) conn.window = { start: now, count: 0, bytes: 0 };
    conn.window.bytes += bytes;
    if (++conn.window.count > this.limits.maxMessagesPerSecond) return 'too many messages';
    if (conn.window.bytes > this.limits.maxBytesPerSecond) return 'too much data';
    return null;
  }

  private receive(conn: Conn, text: string): void {
    const decoded = decodeClientSignal(text);
    if (!decoded.ok) return void this.dropped++;
    const m = decoded.value;
    if (m.type === 'ping') return this.send(conn, { type: 'pong' });
    if (m.type === 'unsubscribe') {
      for (const topic of m.topics) this.leave(conn, topic);
      return;
    }
    if (m.from !== undefined && !this.bind(conn, m.from)) {
      this.dropped++;
      if (m.from === HOST_PEER_ID)
        this.close(conn, 1008, 'the peer id host is reserved for the hub');
      return;
    }
    if (m.type === 'subscribe') return this.subscribe(conn, m.topics);
    // publish
    const subscribers = this.topics.get(m.topic);
    if (conn.hub) {
      if (!subscribers) return void this.dropped++;
      const target = m.to === undefined ? null : this.owners.get(m.to);
      const receivers = m.to === undefined ? [...subscribers] : target ? [target] : [];
      const delivered = receivers.filter((r) => subscribers.has(r));
      if (delivered.length === 0) return void this.dropped++;
      for (const r of delivered) this.send(r, { ...m, clients: subscribers.size });
      return;
    }
    // A guest speaks only to the host, on a topic it joined, under a peer id of its own.
    if (m.to !== HOST_PEER_ID || m.from === undefined || !conn.topics.has(m.topic)) {
      return void this.dropped++;
    }
    const host = this.owners.get(HOST_PEER_ID);
    if (!host || !subscribers?.has(host)) {
      this.dropped++;
      return this.close(conn, 1013, 'the host is not connected to this server now; try again');
    }
    this.send(host, { ...m, clients: subscribers.size });
  }

  private subscribe(conn: Conn, topics: string[]): void {
    const proven = conn.topics.size > 0;
    for (const topic of topics) {
      if (!conn.hub && (conn.topics.size >= MAX_TOPICS || !this.hosted(topic))) continue;
      conn.topics.add(topic);
      const set = this.topics.get(topic) ?? new Set();
      set.add(conn);
      this.topics.set(topic, set);
    }
    if (conn.hub || proven) return;
    if (conn.topics.size === 0) {
      this.dropped++;
      this.send(conn, { type: 'closing', code: 'no-host' } satisfies ServerSignal);
      return this.close(
        conn,
        1008,
        'no host shares this topic on this server (a wrong link, or the host stopped sharing it)',
      );
    }
    // On a hosted topic: it holds a secret. It may stay as long as a join can take.
    if (conn.timer) clearTimeout(conn.timer);
    conn.timer = setTimeout(
      () => this.close(conn, 1008, 'connection held too long; reconnect to try again'),
      Math.min(this.limits.maxGuestSocketMs, MAX_TIMER_MS),
    );
    conn.timer.unref();
  }

  private hosted(topic: string): boolean {
    const host = this.owners.get(HOST_PEER_ID);
    return host !== undefined && host.topics.has(topic);
  }

  // `host` is the hub's (the newest hub socket's); any other id belongs to the first socket
  // that uses it, until that socket closes.
  private bind(conn: Conn, id: string): boolean {
    if (id === HOST_PEER_ID) {
      if (!conn.hub) return false;
      this.owners.set(id, conn);
      conn.ids.add(id);
      return true;
    }
    const owner = this.owners.get(id);
    if (owner) return owner === conn;
    if (!conn.hub && conn.ids.size >= MAX_IDS_PER_SOCKET) return false;
    this.owners.set(id, conn);
    conn.ids.add(id);
    return true;
  }

  private send(conn: Conn, value: unknown): void {
    const ws = conn.ws;
    if (!ws || ws.readyState !== WebSocket.OPEN || conn.closing) return;
    if (conn.hub && ws.bufferedAmount > MAX_HUB_BUFFERED_BYTES) return void this.dropped++;
    if (!conn.hub && ws.bufferedAmount > MAX_GUEST_BUFFERED_BYTES) {
      return this.close(conn, 1008, 'reading too slowly');
    }
    ws.send(JSON.stringify(value));
  }

  /** Closes with `code` and `reason` (as a WebSocket, when upgraded); the TCP goes within 1 s. */
  private close(conn: Conn, code: number, reason: string): void {
    if (conn.closing) return;
    conn.closing = true;
    if (conn.timer) clearTimeout(conn.timer);
    conn.timer = null;
    if (!conn.ws) return void conn.tcp.destroy();
    conn.ws.close(code, reason);
    setTimeout(() => conn.tcp.destroy(), CLOSE_GRACE_MS).unref();
  }

  private leave(conn: Conn, topic: string): void {
    conn.topics.delete(topic);
    const set = this.topics.get(topic);
    set?.delete(conn);
    if (set?.size === 0) this.topics.delete(topic);
  }

  private uncount(conn: Conn): void {
    const n = (this.perAddress.get(conn.address) ?? 1) - 1;
    if (n > 0) this.perAddress.set(conn.address, n);
    else this.perAddress.delete(conn.address);
    this.guests--;
  }

  private forget(conn: Conn): void {
    if (!this.conns.delete(conn.tcp)) return;
    if (!conn.hub) this.uncount(conn);
    if (conn.timer) clearTimeout(conn.timer);
    for (const topic of [...conn.topics]) this.leave(conn, topic);
    for (const id of conn.ids) if (this.owners.get(id) === conn) this.owners.delete(id);
  }

  private ping(): void {
    for (const conn of this.conns.values()) {
      if (!conn.ws || conn.closing) continue;
      if (!conn.alive) {
        conn.tcp.destroy();
        continue;
      }
      conn.alive = false;
      conn.ws.ping();
    }
  }
}

function byteLength(data: RawData): number {
  if (Array.isArray(data)) return data.reduce((n, b) => n + b.length, 0);
  return data instanceof ArrayBuffer ? data.byteLength : data.length;
}

/** The key sockets are counted under: an IPv4 address, or an IPv6 address's /64. */
export function addressKey(address: string): string {
  const plain = address.replace(/%.*$/, '').toLowerCase();
  const v4 = /^(?:::ffff:)?(\d{1,3}(?:\.\d{1,3}){3})$/.exec(plain);
  if (v4) return v4[1] as string;
  if (!plain.includes(':')) return plain;
  const [head = '', tail] = plain.split('::');
  const h = head ? head.split(':') : [];
  const t = tail ? tail.split(':') : [];
  const groups =
    tail === undefined ? h : [...h, ...Array<string>(8 - h.length - t.length).fill('0'), ...t];
  return `${groups
    .slice(0, 4)
    .map((g) => Number.parseInt(g || '0', 16).toString(16))
    .join(':')}::/64`;
}
