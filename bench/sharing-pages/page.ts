// The page the sharing benches and the Chromium guest test load (bundled by esbuild, served by
// pages.ts): a guest that joins a Pairbook hub with the renderer's own GuestConnection and
// HubClient over the browser's RTCPeerConnection, or a y-webrtc WebrtcProvider peer (the
// baseline). Exposed as `window.pb` (see PageApi); times are this page's performance.now().
import { peerConnections } from './track-peers';
import { python } from '@codemirror/lang-python';
import * as Y from 'yjs';
import { WebrtcProvider } from 'y-webrtc';
import { parseInvite } from '../../protocol/invite';
import type { Notebook } from '../../protocol/nbformat';
import { cellsOf, loadNotebookIntoDoc } from '../../protocol/ydoc-nbformat';
import { HubClient } from '../../renderer/connection/hub-client';
import { createCodeEditor } from '../../renderer/editor/code-editor';
import { GuestConnection } from '../../renderer/sharing/guest-connection';

/** What a bench page offers to Playwright's page.evaluate. */
export interface PageApi {
  /** Joins a Pairbook hub from `link`; done when `expectCells` cells have arrived (see reached). */
  joinHub(link: string, name: string, expectCells: number): void;
  /**
   * Joins y-webrtc room `room` through `signaling`; with `notebookUrl`, first fills the document
   * from that notebook (the peer that has it). No STUN/TURN: ICE servers are empty.
   */
  joinYWebrtc(room: string, signaling: string, expectCells: number, notebookUrl?: string): void;
  /** ms from the join call until `expectCells` cells were there; null if not within timeoutMs. */
  reached(timeoutMs: number): Promise<number | null>;
  /** ms from the join call until the first data channel opened (null: not yet). */
  connectedMs(): number | null;
  /** Connected y-webrtc peers over WebRTC (not BroadcastChannel). */
  webrtcPeers(): number;
  /** Length of the whole cells array as JSON: to check a sync is complete. */
  contentChars(): number;
  /** Starts recording, per character appended to cell 0's source, when it arrived. */
  watch(): void;
  /** Appends `count` characters to cell 0's source, one every `intervalMs`; resolves when done. */
  type(count: number, intervalMs: number): Promise<void>;
  /** Send (typist) or arrival (watcher) times, ms on the shared high-resolution clock. */
  times(): number[];
  /** Sum of data-channel payload bytes over this page's peer connections. */
  wireBytes(): Promise<{ sent: number; received: number }>;
  /**
   * The candidate pair the page's last peer connection uses, as its stats report it: each side's
   * candidate type (host, srflx, prflx, relay), and for a local relay candidate the transport to
   * the TURN server (relayProtocol); null before one is selected.
   */
  candidatePair(): Promise<{
    local: { type: string; relayProtocol?: string };
    remote: { type: string };
  } | null>;
  /** The last peer connection's states and candidates, to say why a join did not connect. */
  connectionInfo(): Promise<string>;
  /** Closes every RTCPeerConnection of the page, as a pagehide handler would. */
  closePeers(): void;
  /** Status of the Pairbook connection (HubClient), for test diagnostics. */
  hubStatus(): string;
  /** Runs `f` on the guest's document (tests). */
  doc(): Y.Doc;
  /**
   * y-webrtc peers: shows cell 0 in the renderer's own CodeMirror editor (y-codemirror.next,
   * bound to the provider's awareness as `name`), as Pairbook's cells are.
   */
  mountEditor(name: string): void;
}

/** Milliseconds on a clock shared by every page of the machine. */
const clock = () => performance.timeOrigin + performance.now();

let doc: Y.Doc | null = null;
let client: HubClient | null = null;
let t0 = 0;
let reachedAt: number | null = null;
let connectedAt: number | null = null;
let provider: WebrtcProvider | null = null;
const stamps: number[] = [];

function expect(d: Y.Doc, cells: number): void {
  doc = d;
  t0 = performance.now();
  const check = () => {
    if (reachedAt === null && cellsOf(d).length >= cells) reachedAt = performance.now();
  };
  d.on('afterTransaction', check);
  check();
}

const source = () =>
  cellsOf(doc as Y.Doc)
    .get(0)
    .get('source') as Y.Text;

const api: PageApi = {
  joinHub(link, name, expectCells) {
    const invite = parseInvite(link);
    if (!invite.ok) throw invite.error;
    const connection = new GuestConnection(invite.value, { name });
    connection.on('status', (s) => {
      if (s === 'connected' && connectedAt === null) connectedAt = performance.now();
    });
    client = new HubClient(() => connection.openTransport());
    expect(client.doc, expectCells);
    client.connect();
  },
  joinYWebrtc(room, signaling, expectCells, notebookUrl) {
    const d = new Y.Doc();
    const start = async () => {
      if (notebookUrl) {
        const nb = (await (await fetch(notebookUrl)).json()) as Notebook;
        loadNotebookIntoDoc(nb, d);
      }
      expect(d, expectCells);
      provider = new WebrtcProvider(room, d, {
        signaling: [signaling],
        // Same-origin pages would otherwise sync over BroadcastChannel and skip WebRTC.
        filterBcConns: false,
        // simple-peer's default lists public STUN servers: none here.
        peerOpts: { config: { iceServers: [] } },
      });
      provider.on('peers', ({ webrtcPeers }) => {
        if (webrtcPeers.length > 0 && connectedAt === null) connectedAt = performance.now();
      });
    };
    void start();
  },
  async reached(timeoutMs) {
    const end = performance.now() + timeoutMs;
    while (reachedAt === null && performance.now() < end) {
      await new Promise((r) => setTimeout(r, 5));
    }
    return reachedAt === null ? null : reachedAt - t0;
  },
  connectedMs: () => (connectedAt === null ? null : connectedAt - t0),
  webrtcPeers: () => (provider?.room ? provider.room.webrtcConns.size : 0),
  contentChars: () => JSON.stringify(cellsOf(doc as Y.Doc).toJSON()).length,
  watch() {
    const text = source();
    const base = text.length;
    text.observe(() => {
      const now = clock();
      while (base + stamps.length < text.length) stamps.push(now);
    });
  },
  async type(count, intervalMs) {
    const text = source();
    for (let i = 0; i < count; i++) {
      stamps.push(clock());
      text.insert(text.length, String.fromCharCode(97 + (i % 26)));
      await new Promise((r) => setTimeout(r, intervalMs));
    }
  },
  times: () => [...stamps],
  async wireBytes() {
    let sent = 0;
    let received = 0;
    for (const pc of peerConnections) {
      if (pc.connectionState === 'closed') continue;
      (await pc.getStats()).forEach(
        (s: { type: string; bytesSent?: number; bytesReceived?: number }) => {
          if (s.type !== 'data-channel') return;
          sent += s.bytesSent ?? 0;
          received += s.bytesReceived ?? 0;
        },
      );
    }
    return { sent, received };
  },
  async candidatePair() {
    const pc = peerConnections.at(-1);
    if (!pc) return null;
    const stats = new Map<string, Record<string, unknown>>();
    (await pc.getStats()).forEach((s: Record<string, unknown>) => stats.set(s.id as string, s));
    const transport = [...stats.values()].find((s) => s.type === 'transport');
    const pair = stats.get(transport?.selectedCandidatePairId as string);
    if (!pair) return null;
    const local = stats.get(pair.localCandidateId as string);
    const remote = stats.get(pair.remoteCandidateId as string);
    return {
      local: {
        type: String(local?.candidateType),
        ...(local?.relayProtocol ? { relayProtocol: String(local.relayProtocol) } : {}),
      },
      remote: { type: String(remote?.candidateType) },
    };
  },
  async connectionInfo() {
    const pc = peerConnections.at(-1);
    if (!pc) return 'no peer connection';
    const stats = new Map<string, Record<string, unknown>>();
    (await pc.getStats()).forEach((s: Record<string, unknown>) => stats.set(s.id as string, s));
    const kind = (id: unknown) => {
      const c = stats.get(id as string);
      return `${c?.candidateType}${c?.relayProtocol ? `/${c.relayProtocol}` : ''} ${c?.address}:${c?.port}`;
    };
    const pairs = [...stats.values()]
      .filter((s) => s.type === 'candidate-pair')
      .map(
        (p) =>
          `pair ${kind(p.localCandidateId)} -> ${kind(p.remoteCandidateId)}: ${p.state}, ` +
          `${p.requestsSent} requests, ${p.responsesReceived} responses, ` +
          `${p.requestsReceived} requests received`,
      );
    const candidates = (sdp: string | undefined) =>
      (sdp ?? '').split(/\r?\n/).filter((l) => l.startsWith('a=candidate'));
    return [
      `${peerConnections.length} peer connection(s); the last: ${pc.connectionState}, ICE ${pc.iceConnectionState}`,
      'local:',
      ...candidates(pc.localDescription?.sdp),
      'remote:',
      ...candidates(pc.remoteDescription?.sdp),
      ...pairs,
    ].join('\n');
  },
  closePeers: () => peerConnections.forEach((pc) => pc.close()),
  hubStatus: () => client?.status ?? 'none',
  doc: () => doc as Y.Doc,
  mountEditor(name) {
    if (!provider) throw new Error('mountEditor is for y-webrtc peers: joinYWebrtc first');
    provider.awareness.setLocalStateField('user', {
      name,
      color: '#1f77b4',
      colorLight: '#1f77b433',
    });
    const ytext = source();
    createCodeEditor({
      parent: document.body.appendChild(document.createElement('div')),
      ytext,
      awareness: provider.awareness,
      undoManager: new Y.UndoManager(ytext),
      language: { code: python() },
      keys: [],
      onFocus: () => {},
    });
  },
};

(globalThis as unknown as { pb: PageApi }).pb = api;
