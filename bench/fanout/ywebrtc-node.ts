// y-webrtc 10.3.0 (the fanout bench's baseline) in Node, several peers to a process, each as if
// it were a browser of its own:
// - WebRTC from node-datachannel's polyfill, handed to simple-peer as its `wrtc` option, with
//   one change: createOffer and createAnswer resolve with a plain {type, sdp} as browsers do
//   (the polyfill's RTCSessionDescription has a read-only `sdp`, which simple-peer assigns);
// - no STUN servers (simple-peer's default lists public ones): host candidates only;
// - a module instance of y-webrtc's own per peer (imported with a query of its own): y-webrtc
//   keeps its rooms and signaling sockets in module globals, one room of a name per instance;
// - no BroadcastChannel: lib0's broadcastchannel hands a message to every subscriber in the
//   process at once, so peers in one process would sync without WebRTC. Each peer leaves it as
//   soon as its room exists, before the next peer is created;
// - a connection attempt still not open after STALE_MS is closed, as a browser's ICE timeout would
//   close it sooner: node-datachannel's polyfill loses about one attempt in ten when both ends
//   answer at once ("Got a remote candidate without ICE transport" on the offerer, which closes;
//   the answerer would wait for libjuice's ICE timeout before y-webrtc tries that pair again).
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import * as bc from 'lib0/broadcastchannel';
import * as polyfill from 'node-datachannel/polyfill';
import { WebSocket } from 'ws';
import type { WebrtcProvider } from 'y-webrtc';
import type * as Y from 'yjs';

// lib0's websocket client (y-webrtc's signaling) uses the global WebSocket; Node 20 has none.
(globalThis as { WebSocket?: unknown }).WebSocket ??= WebSocket;
// Each y-webrtc room listens for process 'exit'.
process.setMaxListeners(0);

/** node-datachannel's RTCPeerConnection, its offers and answers plain objects as in browsers. */
class BrowserLikePeerConnection extends polyfill.RTCPeerConnection {
  override async createOffer(): Promise<RTCSessionDescriptionInit> {
    const d = (await super.createOffer()) as RTCSessionDescriptionInit;
    return { type: d.type, sdp: d.sdp };
  }

  override async createAnswer(): Promise<RTCSessionDescriptionInit> {
    const d = (await super.createAnswer()) as RTCSessionDescriptionInit;
    return { type: d.type, sdp: d.sdp };
  }
}

const wrtc = { ...polyfill, RTCPeerConnection: BrowserLikePeerConnection };

// The package's exports map offers only its entry points: find src/ through the main entry.
const main = createRequire(import.meta.url).resolve('y-webrtc');
const source = pathToFileURL(
  join(main.slice(0, main.lastIndexOf('/node_modules/y-webrtc/') + 23), 'src/y-webrtc.js'),
).href;
let instances = 0;
/** A WebRTC connection not open after this long is closed (y-webrtc then tries again). */
const STALE_MS = 8000;

interface RoomInternals {
  name: string;
  bcconnected: boolean;
  _bcSubscriber: (data: ArrayBuffer) => void;
  webrtcConns: Map<string, { connected: boolean; closed: boolean; peer: { destroy(): void } }>;
}

/** A y-webrtc peer on `doc` in `room`, with a signaling server of its own URL list. */
export async function yWebrtcPeer(
  doc: Y.Doc,
  room: string,
  signaling: string,
  maxConns: number,
): Promise<{
  provider: WebrtcProvider;
  /** Peers connected over WebRTC now. */
  connected: () => number;
  /** Connections that closed, failed attempts included (y-webrtc announces itself again). */
  closed: () => number;
}> {
  const y = (await import(`${source}?peer=${instances++}`)) as typeof import('y-webrtc');
  const provider = new y.WebrtcProvider(room, doc, {
    signaling: [signaling],
    filterBcConns: false,
    maxConns,
    peerOpts: { wrtc, config: { iceServers: [] } },
  });
  // The provider opens its room once its (here: no) key is derived: a promise it made first.
  await (provider as unknown as { key: Promise<unknown> }).key;
  const r = provider.room as unknown as RoomInternals | null;
  if (!r) throw new Error('y-webrtc opened no room');
  r.bcconnected = false;
  bc.unsubscribe(r.name, r._bcSubscriber);
  let closed = 0;
  provider.on('peers', ({ removed }: { removed: string[] }) => (closed += removed.length));
  const seen = new WeakMap<object, number>();
  const stale = setInterval(() => {
    const now = performance.now();
    for (const conn of r.webrtcConns.values()) {
      if (conn.connected || conn.closed) continue;
      const since = seen.get(conn) ?? now;
      seen.set(conn, since);
      if (now - since > STALE_MS) conn.peer.destroy();
    }
  }, 1000);
  stale.unref();
  doc.on('destroy', () => clearInterval(stale));
  return {
    provider,
    connected: () => [...r.webrtcConns.values()].filter((c) => c.connected).length,
    closed: () => closed,
  };
}
