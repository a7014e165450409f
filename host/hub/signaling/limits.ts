// The signaling server's limits: what a guest's socket may hold and send, and for how long.

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
/**
 * A standalone server's host socket (host-proof.ts) may send this many times a guest's messages
 * and bytes per second: a hub subscribing to all its invites after a reconnect sends a burst of
 * a subscription per 32 and a probe per invite (MAX_HOST_TOPICS: 1056 messages).
 */
export const HOST_RATE_FACTOR = 40;
/**
 * Most topics one host socket of a standalone server may hold: a hub's invites, live or not
 * (it stays on an expired or revoked one's topic, to tell its guests why).
 */
export const MAX_HOST_TOPICS = 1024;
/**
 * Most host sockets of a standalone server, in all and from one address (IPv6: one /64): anyone
 * may be a host there, and a host's socket is never made to room for others, so hosts may take
 * a quarter of the sockets at most and guests always find room.
 */
export const MAX_HOST_SOCKETS = 128;
export const MAX_HOST_SOCKETS_PER_ADDRESS = 16;
export const PING_INTERVAL_MS = 30_000;
/** Time a closed socket's TCP connection is given to take the close before it is destroyed. */
export const CLOSE_GRACE_MS = 1000;
/** Longest delay setTimeout takes. */
export const MAX_TIMER_MS = 2 ** 31 - 1;

/** Options of a SignalingServer (defaults: the constants above). */
export interface SignalingServerOptions {
  /** Address to listen on. Default 127.0.0.1 (LAN sharing: the machine's LAN address). */
  host?: string;
  /** Port; 0 (default) picks a free one. */
  port?: number;
  /** The secret the hub's socket presents; default: a random one (read `hubSecret`). */
  hubSecret?: string;
  /**
   * Serve many hosts (`pairbook signal`): no hub secret; a host proves a key of its own
   * (host-proof.ts) and each topic is reserved to the first key that claims it. Default false.
   */
  standalone?: boolean;
  /**
   * Count sockets under the client address a reverse proxy puts last in X-Forwarded-For (only
   * when every connection comes through that proxy). Default false: the TCP peer's address.
   */
  trustProxy?: boolean;
  maxSockets?: number;
  maxSocketsPerAddress?: number;
  maxMessagesPerSecond?: number;
  maxBytesPerSecond?: number;
  subscribeDeadlineMs?: number;
  maxGuestSocketMs?: number;
  pingIntervalMs?: number;
}

/** The limits of one server, every default filled in. */
export type Limits = Required<
  Omit<SignalingServerOptions, 'host' | 'port' | 'hubSecret' | 'standalone' | 'trustProxy'>
>;

export function resolveLimits(options: SignalingServerOptions): Limits {
  return {
    maxSockets: options.maxSockets ?? MAX_SOCKETS,
    maxSocketsPerAddress: options.maxSocketsPerAddress ?? MAX_SOCKETS_PER_ADDRESS,
    maxMessagesPerSecond: options.maxMessagesPerSecond ?? MAX_MESSAGES_PER_SECOND,
    maxBytesPerSecond: options.maxBytesPerSecond ?? MAX_BYTES_PER_SECOND,
    subscribeDeadlineMs: options.subscribeDeadlineMs ?? SUBSCRIBE_DEADLINE_MS,
    maxGuestSocketMs: options.maxGuestSocketMs ?? MAX_GUEST_SOCKET_MS,
    pingIntervalMs: options.pingIntervalMs ?? PING_INTERVAL_MS,
  };
}
