// Routing of y-webrtc's messages (subscribe / unsubscribe / publish / ping) between a hub and its
// guests: a guest may subscribe only to topics the hub is on (derived from an invite secret),
// publish only to the host, and bind peer ids first-come; only the hub may bind the peer id
// `host`. Everything else is dropped.
import {
  HOST_PEER_ID,
  MAX_TOPICS,
  type PublishSignal,
  type ServerSignal,
  decodeClientSignal,
} from '../../../protocol/signaling-messages';
import { MAX_IDS_PER_SOCKET } from './limits';
import type { Conn, SignalingStats, SocketTable } from './sockets';

/** Who is on which topic, and which socket owns which peer id. */
export class TopicRouter {
  private readonly topics = new Map<string, Set<Conn>>();
  private readonly owners = new Map<string, Conn>();

  constructor(
    private readonly sockets: SocketTable,
    private readonly stats: SignalingStats,
    private readonly maxGuestSocketMs: () => number,
  ) {}

  /** Handles one text message from `conn`. */
  receive(conn: Conn, text: string): void {
    const decoded = decodeClientSignal(text);
    if (!decoded.ok) return void this.stats.dropped++;
    const m = decoded.value;
    if (m.type === 'ping') return this.sockets.send(conn, { type: 'pong' });
    if (m.type === 'unsubscribe') {
      for (const topic of m.topics) this.leave(conn, topic);
      return;
    }
    if (m.from !== undefined && !this.bind(conn, m.from)) {
      this.stats.dropped++;
      if (m.from === HOST_PEER_ID)
        this.sockets.close(conn, 1008, 'the peer id host is reserved for the hub');
      return;
    }
    if (m.type === 'subscribe') return this.subscribe(conn, m.topics);
    if (conn.hub) return this.publishFromHub(m);
    this.publishFromGuest(conn, m);
  }

  private publishFromHub(m: PublishSignal): void {
    const subscribers = this.topics.get(m.topic);
    if (!subscribers) return void this.stats.dropped++;
    const target = m.to === undefined ? null : this.owners.get(m.to);
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
    const host = this.owners.get(HOST_PEER_ID);
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
      conn.topics.add(topic);
      const set = this.topics.get(topic) ?? new Set();
      set.add(conn);
      this.topics.set(topic, set);
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

  private leave(conn: Conn, topic: string): void {
    conn.topics.delete(topic);
    const set = this.topics.get(topic);
    set?.delete(conn);
    if (set?.size === 0) this.topics.delete(topic);
  }

  /** Takes a socket that went off every topic, and releases its peer ids. */
  forget(conn: Conn): void {
    for (const topic of [...conn.topics]) this.leave(conn, topic);
    for (const id of conn.ids) if (this.owners.get(id) === conn) this.owners.delete(id);
  }
}
