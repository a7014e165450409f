// Guests of the fanout bench, several to a Node process (not the host's): Pairbook guests (the
// renderer's own GuestConnection + HubClient over node-datachannel, tests/integration/hub/harness)
// or y-webrtc peers (ywebrtc-node.ts). The first guest of the typist's process types; every other
// guest stamps when each character reached its document, on the machine's shared clock
// (performance.timeOrigin + performance.now(), sub-millisecond). Driven over Node's IPC channel.
import { cpuUsage, memoryUsage } from 'node:process';
import * as Y from 'yjs';
import type { Notebook } from '../../protocol/nbformat';
import { cellsOf, loadNotebookIntoDoc } from '../../protocol/ydoc-nbformat';
import { joinGuest } from '../../tests/integration/hub/harness';
import { yWebrtcPeer } from './ywebrtc-node';

/** Commands from the bench. */
export type GuestCommand =
  | { type: 'join-hub'; link: string; names: string[] }
  | {
      type: 'join-ywebrtc';
      signaling: string;
      room: string;
      names: string[];
      maxConns: number;
      /** The notebook, for the peer that holds it first (the typist). */
      notebook?: string;
    }
  | { type: 'state' }
  | { type: 'watch' }
  | { type: 'type'; keys: number; intervalMs: number }
  | { type: 'arrivals' }
  | { type: 'usage' }
  | { type: 'stop' };

/** Replies to the bench. */
export type GuestReply =
  /** ms each join took (join call → synced / room open). */
  | { type: 'joined'; ms: number[] }
  /**
   * Per guest: cell 0's source length, and connected WebRTC peers (y-webrtc; 1 for Pairbook);
   * exceptions y-webrtc threw from its event handlers (uncaught: a browser reports them and goes
   * on).
   */
  | { type: 'state'; lengths: number[]; peers: number[]; closed: number[]; uncaught: string[] }
  | { type: 'watching' }
  /** When each key was typed. */
  | { type: 'typed'; stamps: number[] }
  /** Per watching guest, when each key since 'watch' arrived. */
  | { type: 'arrivals'; arrivals: number[][] }
  | { type: 'usage'; cpuMs: number; rss: number }
  | { type: 'failed'; message: string };

const clock = () => performance.timeOrigin + performance.now();
const send = (r: GuestReply) => process.send?.(r);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

interface Guest {
  doc: Y.Doc;
  /** Cursor presence (the typist's moves with each key, as an editor's does). */
  awareness: { setLocalStateField(field: string, value: unknown): void };
  peers: () => number;
  closed: () => number;
  destroy: () => void;
  arrivals: number[];
  unwatch: (() => void) | null;
}

const guests: Guest[] = [];
const uncaught: string[] = [];
let uncaughtHandled = false;
const source = (doc: Y.Doc) => cellsOf(doc).get(0)?.get('source') as Y.Text | undefined;

async function joinHub(link: string, name: string): Promise<Guest> {
  const g = await joinGuest(link, { name });
  return {
    doc: g.doc,
    awareness: g.client.awareness,
    peers: () => (g.client.status === 'synced' ? 1 : 0),
    closed: () => 0,
    destroy: () => {
      g.client.destroy();
      g.connection.destroy();
    },
    arrivals: [],
    unwatch: null,
  };
}

async function joinYWebrtc(
  command: Extract<GuestCommand, { type: 'join-ywebrtc' }>,
  name: string,
): Promise<Guest> {
  if (!uncaughtHandled) {
    // y-webrtc 10.3.0 throws from its signaling handler when an answer comes for a connection it
    // already dropped ("Cannot set properties of undefined (setting 'glareToken')"); in a browser
    // that is an error in the console, here it would end the process.
    uncaughtHandled = true;
    process.on('uncaughtException', (e) => {
      if (uncaught.length < 20) uncaught.push(String(e).slice(0, 120));
    });
  }
  const doc = new Y.Doc();
  if (command.notebook) loadNotebookIntoDoc(JSON.parse(command.notebook) as Notebook, doc);
  const peer = await yWebrtcPeer(doc, command.room, command.signaling, command.maxConns);
  peer.provider.awareness.setLocalStateField('user', { name, color: '#1f77b4' });
  return {
    doc,
    awareness: peer.provider.awareness,
    peers: peer.connected,
    closed: peer.closed,
    destroy: () => peer.provider.destroy(),
    arrivals: [],
    unwatch: null,
  };
}

/** Starts recording when each character appended to cell 0's source arrives. */
function watch(g: Guest): void {
  g.unwatch?.();
  const text = source(g.doc);
  if (!text) throw new Error('a guest has no cell 0');
  const base = text.length;
  const arrivals: number[] = [];
  g.arrivals = arrivals;
  const observer = () => {
    const now = clock();
    while (base + arrivals.length < text.length) arrivals.push(now);
  };
  text.observe(observer);
  g.unwatch = () => text.unobserve(observer);
}

/** Appends `keys` characters to cell 0's source, one every `intervalMs` (open loop). */
async function type(g: Guest, keys: number, intervalMs: number): Promise<number[]> {
  const text = source(g.doc);
  if (!text) throw new Error('the typist has no cell 0');
  const stamps: number[] = [];
  const start = performance.now();
  for (let i = 0; i < keys; i++) {
    const wait = start + i * intervalMs - performance.now();
    if (wait > 0) await sleep(wait);
    stamps.push(clock());
    text.insert(text.length, String.fromCharCode(97 + (i % 26)));
    const at = Y.relativePositionToJSON(Y.createRelativePositionFromTypeIndex(text, text.length));
    g.awareness.setLocalStateField('cursor', { anchor: at, head: at });
  }
  return stamps;
}

async function handle(command: GuestCommand): Promise<GuestReply | null> {
  switch (command.type) {
    case 'join-hub':
    case 'join-ywebrtc': {
      const ms: number[] = [];
      for (const name of command.names) {
        const start = performance.now();
        guests.push(
          command.type === 'join-hub'
            ? await joinHub(command.link, name)
            : await joinYWebrtc(command, name),
        );
        ms.push(performance.now() - start);
      }
      return { type: 'joined', ms };
    }
    case 'state':
      return {
        type: 'state',
        lengths: guests.map((g) => source(g.doc)?.length ?? -1),
        peers: guests.map((g) => g.peers()),
        closed: guests.map((g) => g.closed()),
        uncaught,
      };
    case 'watch':
      guests.forEach(watch);
      return { type: 'watching' };
    case 'type':
      return { type: 'typed', stamps: await type(guests[0]!, command.keys, command.intervalMs) };
    case 'arrivals':
      return { type: 'arrivals', arrivals: guests.map((g) => [...g.arrivals]) };
    case 'usage': {
      const u = cpuUsage();
      return { type: 'usage', cpuMs: (u.user + u.system) / 1000, rss: memoryUsage.rss() };
    }
    case 'stop':
      for (const g of guests) g.destroy();
      setTimeout(() => process.exit(0), 200);
      return null;
  }
}

process.on('message', (command: GuestCommand) => {
  handle(command).then(
    (reply) => reply && send(reply),
    (e: unknown) => send({ type: 'failed', message: String((e as Error).stack ?? e) }),
  );
});
