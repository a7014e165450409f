// One side of the NAT traversal tests (nat-traversal.webrtc.ts), as a process of its own: a
// process lives in one network namespace, and the host and the guest each sit in their own LAN
// of the simulated internet. Started by simPeer() below with `node --import tsx`; the test drives
// it over the IPC channel: { id, cmd, arg } in, { id, result } or { id, error } out.
//   host:      start { signaling, ice, notebook? }  → { link }; path; source; joined
//   guest:     join { link } (node-datachannel, the renderer's GuestConnection and HubClient);
//              tryJoin { link } (one attempt, to its end: how it failed and after how long);
//              type { text }; path; watch, typeTimed { count, intervalMs }, times (the bench)
//   chromium:  the same join/type/path from a page in Debian's Chromium
import type { ChildProcess } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type * as Y from 'yjs';
import type { IceConfig } from '../../../host/hub/ice-servers';
import { cellsOf } from '../../../protocol/ydoc-nbformat';
import type { SimInternet, SimNs } from '../../helpers/sim-internet';

/** A candidate pair's two sides as the test reads them. */
export interface Path {
  local: string;
  remote: string;
  /** The local relay candidate's transport to the TURN server, where the stats say. */
  relayProtocol?: string;
}

type Handler = (arg: Record<string, unknown>) => Promise<unknown>;

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, '..', '..', '..');

/** A sim-peer process in namespace `ns` of `sim`, as `role`. */
export function simPeer(sim: SimInternet, ns: SimNs, role: 'host' | 'guest' | 'chromium') {
  const child: ChildProcess = sim.spawn(
    ns,
    process.execPath,
    ['--import', 'tsx', join(here, 'sim-peer.ts'), role],
    { cwd: root, stdio: ['ignore', 'inherit', 'inherit', 'ipc'], env: process.env },
  );
  let next = 0;
  const waiting = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>();
  child.on('message', (m: { id: number; result?: unknown; error?: string }) => {
    const w = waiting.get(m.id);
    waiting.delete(m.id);
    if (m.error !== undefined) w?.reject(new Error(`${role}: ${m.error}`));
    else w?.resolve(m.result);
  });
  child.once('exit', (code, signal) => {
    for (const w of waiting.values()) w.reject(new Error(`${role} exited (${code ?? signal})`));
    waiting.clear();
  });
  return {
    call<T>(cmd: string, arg: Record<string, unknown> = {}): Promise<T> {
      const id = next++;
      return new Promise<T>((resolve, reject) => {
        waiting.set(id, { resolve: resolve as (v: unknown) => void, reject });
        child.send({ id, cmd, arg });
      });
    },
    kill: () => child.kill('SIGKILL'),
  };
}

async function hostHandlers(): Promise<Record<string, Handler>> {
  const { sampleNotebook } = await import('../../helpers/notebooks');
  const { startHost } = await import('./harness');
  let host: Awaited<ReturnType<typeof startHost>> | null = null;
  const joined: string[] = [];
  const source = (i: number) =>
    (cellsOf(host!.session.doc).get(i).get('source') as Y.Text).toString();
  return {
    async start({ signaling, ice, notebook }) {
      // A host shares once at a time: the one before stops (tests reuse this process).
      await host?.close();
      joined.length = 0;
      host = await startHost((notebook as string | undefined) ?? sampleNotebook(), {
        signaling: [signaling as string],
        ice: ice as IceConfig,
      });
      host.hub.on('join', (g) => joined.push(g.peerId));
      const invite = await host.hub.createInvite('editor', 10 * 60_000);
      return { link: invite.link };
    },
    joined: async () => joined.length,
    guests: async () => host!.hub.guests(),
    source: async ({ cell }) => source(cell as number),
    async path() {
      const p = host!.hub.connectionPath(joined.at(-1) ?? '');
      return p && { local: p.local.type, remote: p.remote.type };
    },
  };
}

async function guestHandlers(): Promise<Record<string, Handler>> {
  const { NodePeerConnection, guestConnection, joinGuest } = await import('./harness');
  const pcs: RTCPeerConnection[] = [];
  class Tracked extends NodePeerConnection {
    constructor(config?: RTCConfiguration) {
      super(config);
      pcs.push(this as unknown as RTCPeerConnection);
    }
  }
  const RTC = Tracked as unknown as typeof RTCPeerConnection;
  let doc: Y.Doc | null = null;
  /** When each character typed (or seen) in cell 0 was sent (or arrived), ms on the machine's clock. */
  const stamps: number[] = [];
  const clock = () => performance.timeOrigin + performance.now();
  const cell0 = () => cellsOf(doc!).get(0).get('source') as Y.Text;
  /** The last join's connection and client: a new join leaves first (tests reuse this process). */
  let last: { destroy(): void }[] = [];
  const leave = () => {
    for (const d of last) d.destroy();
    last = [];
    stamps.length = 0;
  };
  return {
    async join({ link }) {
      leave();
      const t0 = Date.now();
      const joined = await joinGuest(link as string, { RTCPeerConnection: RTC });
      last = [joined.client, joined.connection];
      doc = joined.doc;
      return { ms: Date.now() - t0 };
    },
    async tryJoin({ link }) {
      leave();
      const t0 = Date.now();
      const connection = guestConnection(link as string, { RTCPeerConnection: RTC });
      last = [connection];
      const transport = connection.openTransport();
      const reason = await new Promise<string>((r) => transport.onClose(r));
      return { ms: Date.now() - t0, reason };
    },
    async type({ text }) {
      const t = cell0();
      t.insert(t.length, text as string);
      return t.toString();
    },
    async watch() {
      const text = cell0();
      const base = text.length;
      text.observe(() => {
        const now = clock();
        while (base + stamps.length < text.length) stamps.push(now);
      });
      return null;
    },
    async typeTimed({ count, intervalMs }) {
      const text = cell0();
      for (let i = 0; i < (count as number); i++) {
        stamps.push(clock());
        text.insert(text.length, String.fromCharCode(97 + (i % 26)));
        await new Promise((r) => setTimeout(r, intervalMs as number));
      }
      return null;
    },
    times: async () => [...stamps],
    async path() {
      const pc = pcs.at(-1);
      if (!pc) return null;
      const stats = new Map<string, Record<string, unknown>>();
      (await pc.getStats()).forEach((s: Record<string, unknown>) => stats.set(s.id as string, s));
      const pair = [...stats.values()].find((s) => s.type === 'candidate-pair');
      if (!pair) return null;
      return {
        local: stats.get(pair.localCandidateId as string)?.candidateType,
        remote: stats.get(pair.remoteCandidateId as string)?.candidateType,
      };
    },
  };
}

async function chromiumHandlers(): Promise<Record<string, Handler>> {
  const { inPage, launchChromium, openPage, startPageServer } =
    await import('../../../bench/sharing-pages/pages');
  const [pages, browser] = await Promise.all([startPageServer(), launchChromium()]);
  const page = await openPage(browser, pages.url);
  return {
    async join({ link }) {
      const t0 = Date.now();
      await inPage(page, (pb, l) => pb.joinHub(l, 'Chromium Ada', 3), link as string);
      const reached = await inPage(page, (pb) => pb.reached(20_000));
      if (reached === null) {
        const status = await inPage(page, (pb) => pb.hubStatus());
        throw new Error(
          `never synced (${status})\n${await inPage(page, (pb) => pb.connectionInfo())}`,
        );
      }
      return { ms: Date.now() - t0 };
    },
    async type({ text }) {
      const count = (text as string).length;
      await inPage(page, (pb, n) => pb.type(n, 0), count);
      return null;
    },
    async path() {
      const p = await inPage(page, (pb) => pb.candidatePair());
      return (
        p && { local: p.local.type, remote: p.remote.type, relayProtocol: p.local.relayProtocol }
      );
    },
    async close() {
      await browser.close();
      await pages.close();
      return null;
    },
  };
}

// Run as a script: serve the role's commands.
if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1] && process.send) {
  const role = process.argv[2];
  // libdatachannel's and libjuice's own log, to see why ICE fails.
  if (process.env.PAIRBOOK_SIM_DEBUG) {
    (await import('node-datachannel')).default.initLogger('Debug', (level, message) =>
      console.error(`[${role}] ${level} ${message}`),
    );
  }
  const handlers =
    role === 'host' ? hostHandlers() : role === 'guest' ? guestHandlers() : chromiumHandlers();
  process.on('message', async (m: { id: number; cmd: string; arg: Record<string, unknown> }) => {
    try {
      const h = (await handlers)[m.cmd];
      if (!h) throw new Error(`no command ${m.cmd}`);
      process.send!({ id: m.id, result: (await h(m.arg)) ?? null });
    } catch (e) {
      process.send!({ id: m.id, error: (e as Error).stack ?? String(e) });
    }
  });
  process.on('disconnect', () => process.exit(0));
}
