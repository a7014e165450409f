// Routing of y-webrtc's messages (subscribe / unsubscribe / publish / ping) between hosts and
// their guests: a guest may subscribe only to hosted topics (derived from an invite secret),
// publish only to the host, and bind peer ids first-come; everything else is dropped.
// Who is a topic's host: on the embedded server, the hub (its socket proved the server's secret),
// which alone may bind the peer id `host`; on a standalone one (`pairbook signal`, many hosts),
// the socket that proved the key the topic is pinned to (host-proof.ts, topic-pins.ts).
import {
  HOST_PEER_ID,
  MAX_TOPICS,
  type PublishSignal,
  type ServerSignal,
  decodeClientSignal,
} from '../../../protocol/signaling-messages';
import { checkHostProof, decodeHostProof } from './host-proof';
import { MAX_HOST_TOPICS, MAX_IDS_PER_SOCKET } from './limits';
import type { Conn, SignalingStats, SocketTable } from './sockets';
import type { TopicPins } from './topic-pins';

/** Who is on which topic, and which socket owns which peer id. */
export class TopicRouter {
  private readonly topics = new Map<string, Set<Conn>>();
  private readonly owners = new Map<string, Conn>();
  /** A standalone server's host socket of each topic. */
  private readonly hosts = new Map<string, Conn>();

  constructor(
    private readonly sockets: SocketTable,
    private readonly stats: SignalingStats,
    private readonly maxGuestSocketMs: () => number,
    /** A standalone server's pins; null on the embedded server. */
    private readonly pins: TopicPins | null = null,
  ) {}

  /** Handles one text message from `conn`. */
  receive(conn: Conn, text: string): void {
    const decoded = decodeClientSignal(text);
    if (!decoded.ok) return this.pins ? this.proof(conn, text) : void this.stats.dropped++;
    const m = decoded.value;
    if (m.type === 'ping') return this.sockets.send(conn, { type: 'pong' });
    if (m.type === 'unsubscribe') {
      for (const topic of m.topics) this.leave(conn, topic);
      return;
    }
    if (m.from !== undefined && !this.bind(conn, m.from)) {
      this.stats.dropped++;
      if (m.from !== HOST_PEER_ID) return;
      const reserved = this.pins
        ? "the peer id host is reserved for each topic's host, who proves its key"
        : 'the peer id host is reserved for the hub';
      return this.sockets.close(conn, 1008, reserved);
    }
    if (m.type === 'subscribe') {
      if (conn.hostKey !== null) return this.claim(conn, conn.hostKey, m.topics);
      return this.subscribe(conn, m.topics);
    }
    if (conn.hub || conn.hostKey !== null) return this.publishFromHost(conn, m);
    this.publishFromGuest(conn, m);
  }

  /** A HostProof answering the socket's challenge makes it a host (standalone server). */
  private proof(conn: Conn, text: string): void {
    const proof = decodeHostProof(text);
    const challenge = conn.challenge;
    if (!proof || challenge === null || conn.topics.size > 0 || conn.ids.size > 0) {
      return void this.stats.dropped++;
    }
    conn.challenge = null;
    const key = checkHostProof(challenge, proof);
    if (key === null) return this.sockets.close(conn, 1008, 'the host proof does not verify');
    if (!this.sockets.becomeHost(conn, key)) {
      this.sockets.close(conn, 1013, 'too many hosts on this server now; try again later');
    }
  }

  private publishFromHost(conn: Conn, m: PublishSignal): void {
    const subscribers = this.topics.get(m.topic);
    if (!subscribers || (this.pins && this.hosts.get(m.topic) !== conn)) {
      return void this.stats.dropped++;
    }
    const target =
      m.to === undefined
        ? null
        : m.to === HOST_PEER_ID
          ? this.hostOf(m.topic)
          : this.owners.get(m.to);
    const receivers = m.to === undefined ? [...subscribers] : target ? [target] : [];
    const delivered = receivers.filter((r) => subscribers.has(r));
    if (delivered.length === 0) return void this.stats.dropped++;
    for (const r of delivered) this.sockets.send(r, { ...m, clients: subscribers.size });
  }

  // A guest speaks only to the host, on a topic it joined, under a peer id of its own.
  private publishFromGuest(conn: Conn, m: PublishSignal): void {
    if (m.to !== HOST_PEER_ID || m.from === undefined || !conn.topics.has(m.topic)) {
      return void this.stats.dropped++;
    }
    const subscribers = this.topics.get(m.topic);
    const host = this.hostOf(m.topic);
    if (!host || !subscribers?.has(host)) {
      this.stats.dropped++;
      return this.sockets.close(
        conn,
        1013,
        'the host is not connected to this server now; try again',
      );
    }
    this.sockets.send(host, { ...m, clients: subscribers.size });
  }

  private subscribe(conn: Conn, topics: string[]): void {
    const proven = conn.topics.size > 0;
    for (const topic of topics) {
      if (!conn.hub && (conn.topics.size >= MAX_TOPICS || !this.hosted(topic))) continue;
      this.join(conn, topic);
    }
    if (conn.hub || proven) return;
    if (conn.topics.size === 0) {
      this.stats.dropped++;
      this.sockets.send(conn, { type: 'closing', code: 'no-host' } satisfies ServerSignal);
      return this.sockets.close(
        conn,
        1008,
        'no host shares this topic on this server (a wrong link, or the host stopped sharing it)',
      );
    }
    // On a hosted topic: it holds a secret. It may stay as long as a join can take.
    this.sockets.expire(
      conn,
      this.maxGuestSocketMs(),
      'connection held too long; reconnect to try again',
    );
  }

  /** A standalone server's host claims topics: those pinned to another key it does not get. */
  private claim(conn: Conn, key: string, topics: string[]): void {
    for (const topic of topics) {
      if (conn.topics.size >= MAX_HOST_TOPICS || !this.pins?.claim(topic, key)) {
        this.stats.dropped++;
        continue;
      }
      this.join(conn, topic);
      this.hosts.set(topic, conn);
    }
    if (conn.topics.size > 0) return this.sockets.settle(conn);
    this.sockets.close(conn, 1008, 'another host holds this topic on this server');
  }

  private join(conn: Conn, topic: string): void {
    conn.topics.add(topic);
    const set = this.topics.get(topic) ?? new Set();
    set.add(conn);
    this.topics.set(topic, set);
  }

  /** The host's socket of `topic` (on the embedded server, the hub's, on the topic or not). */
  private hostOf(topic: string): Conn | undefined {
    return this.pins ? this.hosts.get(topic) : this.owners.get(HOST_PEER_ID);
  }

  private hosted(topic: string): boolean {
    const host = this.hostOf(topic);
    return host !== undefined && host.topics.has(topic);
  }

  // On the embedded server `host` is the hub's (the newest hub socket's); on a standalone one,
  // any proven host's, each on its own topics. Any other id belongs to the first socket that
  // uses it, until that socket closes.
  private bind(conn: Conn, id: string): boolean {
    if (id === HOST_PEER_ID) {
      if (this.pins) return conn.hostKey !== null;
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

  private leave(conn: Conn, topic: string): void {
    conn.topics.delete(topic);
    const set = this.topics.get(topic);
    set?.delete(conn);
    if (set?.size === 0) this.topics.delete(topic);
    if (this.hosts.get(topic) === conn) {
      this.hosts.delete(topic);
      this.pins?.release(topic);
    }
  }

  /** Takes a socket that went off every topic, and releases its peer ids. */
  forget(conn: Conn): void {
    for (const topic of [...conn.topics]) this.leave(conn, topic);
    for (const id of conn.ids) if (this.owners.get(id) === conn) this.owners.delete(id);
  }
}
