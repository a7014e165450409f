// The sockets of a signaling server, from their TCP connection on: capped per address (IPv6: per
// /64) and in all, the oldest not yet on a hosted topic making room when a cap is reached; each
// with its deadline, rate window and output allowance, and closed saying why.
import type { Socket } from 'node:net';
import { WebSocket } from 'ws';
import { addressKey } from './address';
import {
  CLOSE_GRACE_MS,
  HOST_RATE_FACTOR,
  type Limits,
  MAX_HOST_SOCKETS,
  MAX_HOST_SOCKETS_PER_ADDRESS,
  MAX_GUEST_BUFFERED_BYTES,
  MAX_HUB_BUFFERED_BYTES,
  MAX_TIMER_MS,
} from './limits';

/** One TCP connection, from before its WebSocket upgrade until it closes. */
export interface Conn {
  tcp: Socket;
  /** Per-address key: IPv4 address or IPv6 /64; null until known (behind a trusted proxy). */
  address: string | null;
  hub: boolean;
  /** A standalone server's challenge to this socket, until it is answered (host-proof.ts). */
  challenge: string | null;
  /** The id of the key this socket proved, once it did: a host of a standalone server. */
  hostKey: string | null;
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

/** Counters shared by a server's parts. */
export interface SignalingStats {
  /** Messages dropped (malformed, spoofed, unroutable). */
  dropped: number;
}

/** Every socket of one server, oldest first. */
export class SocketTable {
  private readonly conns = new Map<Socket, Conn>(); // oldest first
  private readonly perAddress = new Map<string, number>();
  private guests = 0;
  /** A standalone server's host sockets, per address and in all. */
  private readonly hostsPerAddress = new Map<string, number>();
  private hosts = 0;

  constructor(
    private readonly limits: Limits,
    private readonly stats: SignalingStats,
    /** Told of each socket as it goes, to forget its topics and ids. */
    private readonly onForget: (conn: Conn) => void,
    /** Count each socket per address only once `place` is told its address (trusted proxy). */
    private readonly deferAddress = false,
  ) {}

  /** Guest sockets open now (the hub's not counted), upgraded or not. */
  get guestCount(): number {
    return this.guests;
  }

  /** The socket of `tcp`, if it is still counted. */
  get(tcp: Socket): Conn | undefined {
    return this.conns.get(tcp);
  }

  /** Counts a new TCP connection, or refuses it (destroyed) when no room can be made. */
  add(tcp: Socket): Conn | null {
    const address = this.deferAddress ? null : addressKey(tcp.remoteAddress ?? '');
    const max = this.limits;
    if (address !== null && !this.roomAt(address)) {
      tcp.destroy();
      return null;
    }
    if (this.guests >= max.maxSockets && !this.evict(null)) {
      tcp.destroy();
      return null;
    }
    const conn: Conn = {
      tcp,
      address,
      hub: false,
      challenge: null,
      hostKey: null,
      ws: null,
      topics: new Set(),
      ids: new Set(),
      alive: true,
      window: { start: Date.now(), count: 0, bytes: 0 },
      timer: null,
      closing: false,
    };
    this.conns.set(tcp, conn);
    if (address !== null) this.perAddress.set(address, (this.perAddress.get(address) ?? 0) + 1);
    this.guests++;
    const deadline = Math.round(max.subscribeDeadlineMs / 1000);
    this.expire(
      conn,
      max.subscribeDeadlineMs,
      `subscribe to an invite's topic within ${deadline} s`,
    );
    tcp.once('close', () => this.forget(conn));
    return conn;
  }

  /**
   * Counts a socket whose address was deferred under `address` (a key of addressKey); false, and
   * the socket not counted there, when no room can be made.
   */
  place(conn: Conn, address: string): boolean {
    if (conn.address !== null) return true;
    if (!this.roomAt(address)) return false;
    conn.address = address;
    this.perAddress.set(address, (this.perAddress.get(address) ?? 0) + 1);
    return true;
  }

  private roomAt(address: string): boolean {
    const full = (this.perAddress.get(address) ?? 0) >= this.limits.maxSocketsPerAddress;
    return !full || this.evict(address);
  }

  /** Closes `conn` after `ms` with `reason` (replacing its previous deadline). */
  expire(conn: Conn, ms: number, reason: string): void {
    if (conn.timer) clearTimeout(conn.timer);
    conn.timer = setTimeout(() => this.close(conn, 1008, reason), Math.min(ms, MAX_TIMER_MS));
    conn.timer.unref();
  }

  /** Lifts `conn`'s deadline (a standalone server's host, once it holds a topic). */
  settle(conn: Conn): void {
    if (conn.timer) clearTimeout(conn.timer);
    conn.timer = null;
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

  /** Makes `conn` the hub's: no deadline, no cap, not counted. */
  becomeHub(conn: Conn): void {
    this.settle(conn);
    conn.hub = true;
    this.uncount(conn);
  }

  /** Makes `conn` a standalone server's host with key `key`; false when hosts are at a cap. */
  becomeHost(conn: Conn, key: string): boolean {
    const address = conn.address ?? '';
    const here = this.hostsPerAddress.get(address) ?? 0;
    if (this.hosts >= MAX_HOST_SOCKETS || here >= MAX_HOST_SOCKETS_PER_ADDRESS) return false;
    conn.hostKey = key;
    this.hostsPerAddress.set(address, here + 1);
    this.hosts++;
    return true;
  }

  /** Counts `bytes` more from a socket not the hub's; why it must be cut off, or null. */
  overRate(conn: Conn, bytes: number): string | null {
    const now = Date.now();
    if (now - conn.window.start >= 1000) conn.window = { start: now, count: 0, bytes: 0 };
    conn.window.bytes += bytes;
    const factor = conn.hostKey === null ? 1 : HOST_RATE_FACTOR;
    if (++conn.window.count > this.limits.maxMessagesPerSecond * factor) return 'too many messages';
    if (conn.window.bytes > this.limits.maxBytesPerSecond * factor) return 'too much data';
    return null;
  }

  send(conn: Conn, value: unknown): void {
    const ws = conn.ws;
    if (!ws || ws.readyState !== WebSocket.OPEN || conn.closing) return;
    if (conn.hub && ws.bufferedAmount > MAX_HUB_BUFFERED_BYTES) return void this.stats.dropped++;
    if (!conn.hub && ws.bufferedAmount > MAX_GUEST_BUFFERED_BYTES) {
      return this.close(conn, 1008, 'reading too slowly');
    }
    ws.send(JSON.stringify(value));
  }

  /** Closes with `code` and `reason` (as a WebSocket, when upgraded); the TCP goes within 1 s. */
  close(conn: Conn, code: number, reason: string): void {
    if (conn.closing) return;
    conn.closing = true;
    if (conn.timer) clearTimeout(conn.timer);
    conn.timer = null;
    if (!conn.ws) return void conn.tcp.destroy();
    conn.ws.close(code, reason);
    setTimeout(() => conn.tcp.destroy(), CLOSE_GRACE_MS).unref();
  }

  private uncount(conn: Conn): void {
    this.guests--;
    if (conn.address === null) return;
    const n = (this.perAddress.get(conn.address) ?? 1) - 1;
    if (n > 0) this.perAddress.set(conn.address, n);
    else this.perAddress.delete(conn.address);
  }

  private uncountHost(address: string): void {
    const n = (this.hostsPerAddress.get(address) ?? 1) - 1;
    if (n > 0) this.hostsPerAddress.set(address, n);
    else this.hostsPerAddress.delete(address);
    this.hosts--;
  }

  private forget(conn: Conn): void {
    if (!this.conns.delete(conn.tcp)) return;
    if (!conn.hub) this.uncount(conn);
    if (conn.hostKey !== null) this.uncountHost(conn.address ?? '');
    if (conn.timer) clearTimeout(conn.timer);
    this.onForget(conn);
  }

  /** Pings every upgraded socket; destroys those that did not answer the last ping. */
  ping(): void {
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

  /** Destroys every socket at once. */
  destroyAll(): void {
    for (const conn of [...this.conns.values()]) {
      conn.tcp.destroy();
      this.forget(conn);
    }
  }
}
