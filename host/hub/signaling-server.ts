// The embedded signaling server: y-webrtc's wire protocol (subscribe / unsubscribe / publish /
// ping) over a WebSocket, so the same clients work against it or any y-webrtc server. On top:
// a publish's `from` peer id is bound to the first socket that uses it, and one with `to` goes
// only to the socket bound to that id, so a guest can neither pose as another peer nor read or
// inject into another guest's handshake. It relays sealed data it cannot read.
import type { AddressInfo } from 'node:net';
import { type WebSocket, WebSocketServer } from 'ws';
import { MAX_SIGNALING_CHARS, decodeClientSignal } from '../../protocol/signaling-messages';

/** Options of a SignalingServer. */
export interface SignalingServerOptions {
  /** Address to listen on. Default 127.0.0.1 (LAN sharing: the machine's LAN address). */
  host?: string;
  /** Port; 0 (default) picks a free one. */
  port?: number;
  /** Most sockets at once. Default 256. */
  maxSockets?: number;
  /** Messages per second one socket may send before it is cut off. Default 50. */
  maxMessagesPerSecond?: number;
}

/** Peer ids one socket may bind. */
const MAX_IDS_PER_SOCKET = 8;
const PING_INTERVAL_MS = 30_000;

interface SocketState {
  topics: Set<string>;
  ids: Set<string>;
  alive: boolean;
  window: { start: number; count: number };
}

/** A y-webrtc-compatible signaling server with peer-id binding. start/stop are idempotent. */
export class SignalingServer {
  private wss: WebSocketServer | null = null;
  private starting: Promise<string> | null = null;
  private readonly topics = new Map<string, Set<WebSocket>>();
  private readonly owners = new Map<string, WebSocket>();
  private readonly sockets = new Map<WebSocket, SocketState>();
  private pingTimer: NodeJS.Timeout | null = null;
  /** Messages dropped (malformed, spoofed, unroutable): for tests and logs. */
  dropped = 0;

  constructor(private readonly options: SignalingServerOptions = {}) {}

  /** Starts listening; resolves with the server's ws:// URL. */
  start(): Promise<string> {
    this.starting ??= new Promise((resolve, reject) => {
      const wss = new WebSocketServer({
        host: this.options.host ?? '127.0.0.1',
        port: this.options.port ?? 0,
        maxPayload: MAX_SIGNALING_CHARS * 4,
      });
      wss.once('error', reject);
      wss.once('listening', () => {
        const { address, port } = wss.address() as AddressInfo;
        resolve(`ws://${address.includes(':') ? `[${address}]` : address}:${port}`);
      });
      wss.on('connection', (socket) => this.accept(socket));
      this.wss = wss;
      this.pingTimer = setInterval(() => this.ping(), PING_INTERVAL_MS);
      this.pingTimer.unref();
    });
    return this.starting;
  }

  /** Closes every socket and stops listening. */
  async stop(): Promise<void> {
    if (!this.wss) return;
    const wss = this.wss;
    this.wss = null;
    if (this.pingTimer) clearInterval(this.pingTimer);
    for (const socket of this.sockets.keys()) socket.terminate();
    await new Promise<void>((resolve) => wss.close(() => resolve()));
  }

  private accept(socket: WebSocket): void {
    if (this.sockets.size >= (this.options.maxSockets ?? 256)) {
      socket.close(1013, 'too many connections');
      return;
    }
    const state: SocketState = {
      topics: new Set(),
      ids: new Set(),
      alive: true,
      window: { start: Date.now(), count: 0 },
    };
    this.sockets.set(socket, state);
    socket.on('pong', () => (state.alive = true));
    socket.on('message', (data, isBinary) => {
      if (!this.withinRate(state)) return socket.close(1008, 'too many messages');
      if (isBinary) return void this.dropped++;
      this.receive(socket, state, data.toString());
    });
    socket.on('close', () => this.forget(socket, state));
    socket.on('error', () => this.forget(socket, state));
  }

  private withinRate(state: SocketState): boolean {
    const now = Date.now();
    if (now - state.window.start >= 1000) state.window = { start: now, count: 0 };
    return ++state.window.count <= (this.options.maxMessagesPerSecond ?? 50);
  }

  private receive(socket: WebSocket, state: SocketState, text: string): void {
    const decoded = decodeClientSignal(text);
    if (!decoded.ok) return void this.dropped++;
    const m = decoded.value;
    if (m.type === 'ping') return send(socket, { type: 'pong' });
    if (m.type === 'subscribe') {
      if (m.from !== undefined && !this.bind(socket, state, m.from)) return void this.dropped++;
      for (const topic of m.topics) {
        if (state.topics.size >= 32) break;
        state.topics.add(topic);
        const set = this.topics.get(topic) ?? new Set();
        set.add(socket);
        this.topics.set(topic, set);
      }
      return;
    }
    if (m.type === 'unsubscribe') {
      for (const topic of m.topics) this.leave(socket, state, topic);
      return;
    }
    // publish
    if (m.from !== undefined && !this.bind(socket, state, m.from)) return void this.dropped++;
    const subscribers = this.topics.get(m.topic);
    if (!subscribers) return void this.dropped++;
    let receivers: WebSocket[];
    if (m.to !== undefined) {
      const target = this.owners.get(m.to);
      receivers = target && subscribers.has(target) ? [target] : [];
    } else receivers = [...subscribers];
    if (receivers.length === 0) return void this.dropped++;
    const out = { ...m, clients: subscribers.size };
    for (const r of receivers) send(r, out);
  }

  // A peer id belongs to the first socket that uses it, until that socket closes.
  private bind(socket: WebSocket, state: SocketState, id: string): boolean {
    const owner = this.owners.get(id);
    if (owner) return owner === socket;
    if (state.ids.size >= MAX_IDS_PER_SOCKET) return false;
    this.owners.set(id, socket);
    state.ids.add(id);
    return true;
  }

  private leave(socket: WebSocket, state: SocketState, topic: string): void {
    state.topics.delete(topic);
    const set = this.topics.get(topic);
    set?.delete(socket);
    if (set?.size === 0) this.topics.delete(topic);
  }

  private forget(socket: WebSocket, state: SocketState): void {
    if (!this.sockets.delete(socket)) return;
    for (const topic of [...state.topics]) this.leave(socket, state, topic);
    for (const id of state.ids) if (this.owners.get(id) === socket) this.owners.delete(id);
  }

  private ping(): void {
    for (const [socket, state] of this.sockets) {
      if (!state.alive) {
        socket.terminate();
        continue;
      }
      state.alive = false;
      socket.ping();
    }
  }
}

function send(socket: WebSocket, value: unknown): void {
  if (socket.readyState === socket.OPEN) socket.send(JSON.stringify(value));
}
