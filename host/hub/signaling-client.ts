// The hub's connection to one signaling server (embedded or any y-webrtc one): subscribes to the
// topics of the live invites, publishes replies, and reconnects (re-subscribing) when the
// connection drops.
import { WebSocket } from 'ws';
import {
  HOST_PEER_ID,
  type PublishSignal,
  decodeServerSignal,
} from '../../protocol/signaling-messages';

const RECONNECT_MIN_MS = 250;
const RECONNECT_MAX_MS = 10_000;
const PING_INTERVAL_MS = 20_000;

/** One signaling server connection of the hub. */
export class SignalingClient {
  private socket: WebSocket | null = null;
  private readonly topics = new Set<string>();
  private retryMs = RECONNECT_MIN_MS;
  private retryTimer: NodeJS.Timeout | null = null;
  private pingTimer: NodeJS.Timeout | null = null;
  private stopped = false;
  private opened: Promise<void> | null = null;

  constructor(
    readonly url: string,
    private readonly onPublish: (message: PublishSignal) => void,
    private readonly onProblem: (message: string) => void = () => {},
  ) {}

  /** Connects; resolves once the first connection is open (rejects if it cannot be). */
  start(): Promise<void> {
    this.opened ??= new Promise((resolve, reject) => this.connect(resolve, reject));
    return this.opened;
  }

  /** Subscribes to `topic` (now and after every reconnect). */
  subscribe(topic: string): void {
    this.topics.add(topic);
    this.send({ type: 'subscribe', topics: [topic], from: HOST_PEER_ID });
  }

  /** Unsubscribes from `topic`. */
  unsubscribe(topic: string): void {
    this.topics.delete(topic);
    this.send({ type: 'unsubscribe', topics: [topic] });
  }

  /** Publishes sealed `data` on `topic` to peer `to`, from the host. */
  publish(topic: string, data: string, to: string): void {
    this.send({ type: 'publish', topic, data, from: HOST_PEER_ID, to });
  }

  /** Closes for good. Idempotent. */
  stop(): void {
    this.stopped = true;
    if (this.retryTimer) clearTimeout(this.retryTimer);
    if (this.pingTimer) clearInterval(this.pingTimer);
    this.socket?.close();
    this.socket = null;
  }

  private send(value: unknown): void {
    if (this.socket?.readyState === WebSocket.OPEN) this.socket.send(JSON.stringify(value));
  }

  private connect(resolve?: () => void, reject?: (e: Error) => void): void {
    if (this.stopped) return;
    const socket = new WebSocket(this.url, { maxPayload: 1024 * 1024 });
    this.socket = socket;
    socket.on('open', () => {
      this.retryMs = RECONNECT_MIN_MS;
      this.send({ type: 'subscribe', topics: [...this.topics], from: HOST_PEER_ID });
      this.pingTimer = setInterval(() => this.send({ type: 'ping' }), PING_INTERVAL_MS);
      this.pingTimer.unref();
      resolve?.();
      resolve = undefined;
      reject = undefined;
    });
    socket.on('message', (data) => {
      const m = decodeServerSignal(data.toString());
      if (m.ok && m.value.type === 'publish') this.onPublish(m.value);
    });
    socket.on('error', (e) => {
      this.onProblem(`signaling server ${this.url}: ${e.message}`);
      reject?.(new Error(`cannot reach the signaling server ${this.url}: ${e.message}`));
      reject = undefined;
      resolve = undefined;
    });
    socket.on('close', () => {
      if (this.pingTimer) clearInterval(this.pingTimer);
      if (this.socket !== socket || this.stopped) return;
      this.socket = null;
      this.retryTimer = setTimeout(() => this.connect(), this.retryMs);
      this.retryMs = Math.min(this.retryMs * 2, RECONNECT_MAX_MS);
    });
  }
}
