// The hub's connection to one signaling server (embedded or any y-webrtc one): subscribes to the
// topics of the live invites, publishes replies, and reconnects (re-subscribing) when the
// connection drops. The y-webrtc protocol acknowledges nothing, so every subscription is checked
// with a probe the hub publishes to itself on that topic: a subscription whose probe does not come
// back is reported and made again, never left silently dead. A standalone server (`pairbook
// signal`) challenges each socket; the client then proves a key of its own before it subscribes,
// and the server reserves the topics it claims to that key (signaling/host-proof.ts).
import { WebSocket } from 'ws';
import {
  HOST_PEER_ID,
  HUB_AUTH_HEADER,
  MAX_TOPICS,
  type PublishSignal,
  decodeServerSignal,
} from '../../protocol/signaling-messages';
import { randomToken } from '../../protocol/signaling-crypto';
import { HOST_CHALLENGE_HEADER, HostProver } from './signaling/host-proof';

const RECONNECT_MIN_MS = 250;
const RECONNECT_MAX_MS = 10_000;
const PING_INTERVAL_MS = 20_000;
/** Silence after which the connection is taken for dead (the server answers pings). */
const SILENCE_LIMIT_MS = 2 * PING_INTERVAL_MS + 5000;
/** Time a subscription's probe has to come back before it is made again. */
export const PROBE_TIMEOUT_MS = 5000;
const PROBE_RETRY_MAX_MS = 60_000;
const PROBE_PREFIX = 'pairbook-probe:';

/** Options of a SignalingClient. */
export interface SignalingClientOptions {
  /** Told of each problem (connection lost, subscription not confirmed), in words. */
  onProblem?: (message: string) => void;
  /** The embedded server's hub secret; only ever sent to that server. */
  hubSecret?: string;
  /** Override of PROBE_TIMEOUT_MS (tests). */
  probeTimeoutMs?: number;
}

/** One signaling server connection of the hub. */
export class SignalingClient {
  private socket: WebSocket | null = null;
  private readonly topics = new Set<string>();
  /** Topics whose probe is out: topic → the probe's data. */
  private readonly probing = new Map<string, string>();
  private probeTimer: NodeJS.Timeout | null = null;
  private probeRetryMs: number;
  private retryMs = RECONNECT_MIN_MS;
  private retryTimer: NodeJS.Timeout | null = null;
  private pingTimer: NodeJS.Timeout | null = null;
  private lastHeard = 0;
  private stopped = false;
  private opened: Promise<void> | null = null;
  private readonly onProblem: (message: string) => void;
  /** This client's key for standalone servers' challenges, made at the first one. */
  private prover: HostProver | null = null;

  constructor(
    readonly url: string,
    private readonly onPublish: (message: PublishSignal) => void,
    private readonly options: SignalingClientOptions = {},
  ) {
    this.onProblem = options.onProblem ?? (() => {});
    this.probeRetryMs = this.probeTimeoutMs;
  }

  private get probeTimeoutMs(): number {
    return this.options.probeTimeoutMs ?? PROBE_TIMEOUT_MS;
  }

  /** Connects; resolves once the first connection is open (rejects if it cannot be). */
  start(): Promise<void> {
    this.opened ??= new Promise((resolve, reject) => this.connect(resolve, reject));
    return this.opened;
  }

  /** Subscribes to `topic` (now and after every reconnect), and checks that it holds. */
  subscribe(topic: string): void {
    this.topics.add(topic);
    this.subscribeAll([topic]);
  }

  /** Unsubscribes from `topic`. */
  unsubscribe(topic: string): void {
    this.topics.delete(topic);
    this.probing.delete(topic);
    this.send({ type: 'unsubscribe', topics: [topic] });
  }

  /** Publishes sealed `data` on `topic` to peer `to`, from the host. */
  publish(topic: string, data: string, to: string): void {
    this.send({ type: 'publish', topic, data, from: HOST_PEER_ID, to });
  }

  /** Whether every subscription's probe has come back on the current connection. */
  get confirmed(): boolean {
    return this.socket?.readyState === WebSocket.OPEN && this.probing.size === 0;
  }

  /** Closes for good. Idempotent. */
  stop(): void {
    this.stopped = true;
    if (this.retryTimer) clearTimeout(this.retryTimer);
    if (this.pingTimer) clearInterval(this.pingTimer);
    if (this.probeTimer) clearTimeout(this.probeTimer);
    this.socket?.close();
    this.socket = null;
  }

  private send(value: unknown): void {
    if (this.socket?.readyState === WebSocket.OPEN) this.socket.send(JSON.stringify(value));
  }

  /** Subscribes in messages of at most MAX_TOPICS topics (servers refuse longer ones). */
  private subscribeAll(topics: string[]): void {
    if (this.socket?.readyState !== WebSocket.OPEN) return;
    for (let i = 0; i < topics.length; i += MAX_TOPICS) {
      this.send({ type: 'subscribe', topics: topics.slice(i, i + MAX_TOPICS), from: HOST_PEER_ID });
    }
    for (const topic of topics) {
      const probe = PROBE_PREFIX + randomToken(9);
      this.probing.set(topic, probe);
      this.send({ type: 'publish', topic, data: probe, from: HOST_PEER_ID, to: HOST_PEER_ID });
    }
    this.probeTimer ??= setTimeout(() => this.checkProbes(), this.probeRetryMs);
    this.probeTimer.unref();
  }

  private checkProbes(): void {
    this.probeTimer = null;
    if (this.stopped || this.probing.size === 0) return;
    const n = this.probing.size;
    this.onProblem(
      `signaling server ${this.url} did not confirm ${n === 1 ? "an invite's subscription" : `${n} invites' subscriptions`}: ` +
        'guests with those links cannot reach the host through it; subscribing again',
    );
    this.probeRetryMs = Math.min(this.probeRetryMs * 2, PROBE_RETRY_MAX_MS);
    this.subscribeAll([...this.probing.keys()]);
  }

  private onProbe(m: PublishSignal): boolean {
    if (m.from !== HOST_PEER_ID || !m.data.startsWith(PROBE_PREFIX)) return false;
    if (this.probing.get(m.topic) === m.data) {
      this.probing.delete(m.topic);
      if (this.probing.size === 0) this.probeRetryMs = this.probeTimeoutMs;
    }
    return true;
  }

  private connect(resolve?: () => void, reject?: (e: Error) => void): void {
    if (this.stopped) return;
    const socket = new WebSocket(this.url, {
      maxPayload: 1024 * 1024,
      headers: this.options.hubSecret ? { [HUB_AUTH_HEADER]: this.options.hubSecret } : {},
    });
    this.socket = socket;
    let challenge: string | null = null;
    socket.on('upgrade', (res) => {
      const header = res.headers[HOST_CHALLENGE_HEADER];
      if (typeof header === 'string' && header.length > 0) challenge = header;
    });
    socket.on('open', () => {
      this.retryMs = RECONNECT_MIN_MS;
      this.lastHeard = Date.now();
      this.probing.clear();
      if (challenge !== null) {
        this.prover ??= new HostProver();
        this.send(this.prover.prove(challenge));
      }
      this.subscribeAll([...this.topics]);
      this.pingTimer = setInterval(() => {
        if (Date.now() - this.lastHeard > SILENCE_LIMIT_MS) return socket.terminate();
        this.send({ type: 'ping' });
      }, PING_INTERVAL_MS);
      this.pingTimer.unref();
      resolve?.();
      resolve = undefined;
      reject = undefined;
    });
    socket.on('message', (data) => {
      this.lastHeard = Date.now();
      const m = decodeServerSignal(data.toString());
      if (!m.ok || m.value.type !== 'publish' || this.onProbe(m.value)) return;
      this.onPublish(m.value);
    });
    socket.on('error', (e) => {
      this.onProblem(`signaling server ${this.url}: ${e.message}`);
      reject?.(new Error(`cannot reach the signaling server ${this.url}: ${e.message}`));
      reject = undefined;
      resolve = undefined;
    });
    socket.on('close', (code, reason) => {
      if (this.pingTimer) clearInterval(this.pingTimer);
      if (this.socket !== socket || this.stopped) return;
      this.onProblem(
        `signaling server ${this.url} closed the connection (${code}${reason.length ? ` ${reason.toString()}` : ''}); reconnecting`,
      );
      this.socket = null;
      this.retryTimer = setTimeout(() => this.connect(), this.retryMs);
      this.retryMs = Math.min(this.retryMs * 2, RECONNECT_MAX_MS);
    });
  }
}
