// Sharing across NATs, in a simulated internet on this machine (tests/helpers/sim-internet.ts,
// docs/networks.md): a host in Node behind one NAT, a guest behind another, coturn and y-webrtc's
// own signaling server on the "public" side between them. One simulated internet serves every
// variant: each test sets its NATs, the host shares a new link and a guest joins with it. Each
// variant asserts the candidate pair the peer connections' own stats report, and that an edit of
// the guest reaches the host.
// Needs root, nftables and coturn: skipped, saying why, where they are missing.
// PAIRBOOK_SIM_DEBUG=1: libdatachannel's and coturn's own logs, to see why a connection fails.
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { IceConfig } from '../../../host/hub/ice-servers';
import { type Coturn, coturnMissing, startCoturn } from '../../helpers/coturn';
import {
  type SimInternet,
  VARIANTS,
  simInternetMissing,
  startSimInternet,
} from '../../helpers/sim-internet';
import { type Path, simPeer } from './sim-peer';

const missing = simInternetMissing() ?? coturnMissing();
if (missing) console.log(`NAT traversal tests skipped: ${missing}`);

const SIGNALING_PORT = 4444;

/** y-webrtc's signaling server, as shipped (it has no host option: all of the public side). */
const yWebrtcServer = (() => {
  const main = createRequire(import.meta.url).resolve('y-webrtc');
  return join(main.slice(0, main.lastIndexOf('/node_modules/y-webrtc/') + 23), 'bin/server.js');
})();

type Peer = ReturnType<typeof simPeer>;

/**
 * One simulated internet for every variant (its NATs are set per test: sim.setVariant), with
 * coturn and signaling on its public side, a host process in the host LAN and, in the guest LAN,
 * a node-datachannel guest and a Chromium guest, each started once: starting processes is most
 * of the time these tests take.
 */
let world: {
  sim: SimInternet;
  host: Peer;
  guests: { guest: Peer; chromium: Peer };
  coturn: Coturn;
  signaling: string;
} | null = null;
const cleanup: (() => Promise<void>)[] = [];

beforeAll(async () => {
  if (missing) return;
  const sim = await startSimInternet(VARIANTS.cone);
  cleanup.push(() => sim.stop());
  // The processes take the longest to start: first, all at once.
  const host = simPeer(sim, 'host', 'host');
  const guests = {
    guest: simPeer(sim, 'guest', 'guest'),
    chromium: simPeer(sim, 'guest', 'chromium'),
  };
  cleanup.push(async () => {
    await guests.chromium.call('close').catch(() => {});
    for (const p of [host, guests.guest, guests.chromium]) p.kill();
  });
  const coturn = await startCoturn(sim);
  cleanup.push(() => coturn.stop());
  const signaling = sim.spawn('public', process.execPath, [yWebrtcServer], {
    env: { ...process.env, PORT: String(SIGNALING_PORT) },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  await new Promise<void>((resolve, reject) => {
    signaling.once('exit', (code) => reject(new Error(`signaling exited (${code})`)));
    signaling.stdout?.on('data', (d: Buffer) => {
      if (d.toString().includes('Signaling server running')) resolve();
    });
  });
  // Each process answers once it has loaded.
  await Promise.all([host.call('joined'), guests.guest.call('path')]);
  world = {
    sim,
    host,
    guests,
    coturn,
    signaling: `ws://${sim.addresses.public}:${SIGNALING_PORT}`,
  };
});

afterAll(async () => {
  for (const f of cleanup.reverse()) await f().catch(() => {});
});

/**
 * The simulated internet set to `variant`, the host sharing a new link with STUN, and TURN when
 * `turn`, and the guest process of `guest` (node-datachannel or Chromium) to join with it.
 */
async function scenario(
  variant: keyof typeof VARIANTS,
  { turn, guest = 'guest' }: { turn: boolean; guest?: 'guest' | 'chromium' },
): Promise<{ host: Peer; guest: Peer; link: string }> {
  const w = world as NonNullable<typeof world>;
  w.sim.setVariant(VARIANTS[variant]);
  const address = w.coturn.address;
  const ice: IceConfig = {
    stun: [`stun:${address}`],
    ...(turn
      ? {
          turn: {
            urls: [`turn:${address}?transport=udp`, `turn:${address}?transport=tcp`],
            secret: w.coturn.secret,
          },
        }
      : {}),
  };
  const { link } = await w.host.call<{ link: string }>('start', { signaling: w.signaling, ice });
  return { host: w.host, guest: w.guests[guest], link };
}

/** The guest types `text` at the end of cell 0; resolves when the host's document has it. */
async function guestEditReachesHost(host: Peer, guest: Peer, text: string): Promise<void> {
  const before = await host.call<string>('source', { cell: 0 });
  await guest.call('type', { text });
  const end = Date.now() + 10_000;
  while ((await host.call<string>('source', { cell: 0 })) !== before + text) {
    if (Date.now() > end) throw new Error("the guest's edit never reached the host");
    await new Promise((r) => setTimeout(r, 25));
  }
}

const relayed = (p: Path | null) => p !== null && (p.local === 'relay' || p.remote === 'relay');

describe.skipIf(missing !== null)('sharing across NATs, in a simulated internet', () => {
  it('both behind port-preserving NATs, STUN only: a direct connection between reflexive addresses', async () => {
    const { host, guest, link } = await scenario('cone', { turn: false });
    expect(link).toContain('ice=stun');
    expect(link).not.toContain('turn');
    await guest.call('join', { link });
    const [g, h] = [await guest.call<Path>('path'), await host.call<Path>('path')];
    console.log(`cone: guest ${JSON.stringify(g)}, host ${JSON.stringify(h)}`);
    expect(relayed(g) || relayed(h)).toBe(false);
    // What People shows the host.
    expect(await host.call<{ relayed?: boolean }[]>('guests')).toMatchObject([{ relayed: false }]);
    // Neither can reach the other's LAN address: each reaches the other's NAT's public address,
    // learnt from STUN (srflx) or from the checks themselves (prflx).
    expect(['srflx', 'prflx']).toContain(g?.remote);
    expect(['srflx', 'prflx']).toContain(h?.remote);
    await guestEditReachesHost(host, guest, 'across two NATs');
  });

  it('the guest behind a port-randomizing NAT: through the TURN relay', async () => {
    const { host, guest, link } = await scenario('guest-symmetric', { turn: true });
    expect(link).toMatch(/ice=turn.*&iu=\d+%3A/);
    await guest.call('join', { link });
    const [g, h] = [await guest.call<Path>('path'), await host.call<Path>('path')];
    console.log(`guest-symmetric: guest ${JSON.stringify(g)}, host ${JSON.stringify(h)}`);
    expect(relayed(g)).toBe(true);
    expect(relayed(h)).toBe(true);
    expect(await host.call<{ relayed?: boolean }[]>('guests')).toMatchObject([{ relayed: true }]);
    await guestEditReachesHost(host, guest, 'relayed');
  });

  it('the guest behind a port-randomizing NAT, in Chromium: through the TURN relay', async () => {
    const { host, guest, link } = await scenario('guest-symmetric', {
      turn: true,
      guest: 'chromium',
    });
    await guest.call('join', { link });
    const [g, h] = [await guest.call<Path>('path'), await host.call<Path>('path')];
    console.log(`guest-symmetric, Chromium: guest ${JSON.stringify(g)}, host ${JSON.stringify(h)}`);
    expect(relayed(g)).toBe(true);
    expect(relayed(h)).toBe(true);
    await guestEditReachesHost(host, guest, 'abcde');
  });

  // Blocked, not by Pairbook: Chromium's checks through a TURN/TCP allocation carry ICE-CONTROLLING
  // with a tiebreaker of 0 (seen on the wire, Chromium 156), which libjuice 1.7 (node-datachannel
  // 0.33's ICE agent, the host's) answers with 400 ("Controlling and controlled attributes
  // mismatch in request"); Chromium then kills every pair of its relay candidate, so a browser
  // guest whose network lets only TCP out cannot reach a Node host (docs/networks.md). The same
  // Chromium relays over UDP fine (the test above). Enable this when either side is fixed.
  it.skip("the guest's network drops UDP: TURN over TCP (Chromium guest) — SKIPPED, blocked outside Pairbook: libjuice answers Chromium's TCP-relay checks with 400 (docs/networks.md)", async () => {
    const { host, guest, link } = await scenario('guest-udp-blocked', {
      turn: true,
      guest: 'chromium',
    });
    await guest.call('join', { link });
    const [g, h] = [await guest.call<Path>('path'), await host.call<Path>('path')];
    console.log(`guest-udp-blocked: guest ${JSON.stringify(g)}, host ${JSON.stringify(h)}`);
    expect(g).toMatchObject({ local: 'relay', relayProtocol: 'tcp' });
    expect(relayed(h)).toBe(true);
    await guestEditReachesHost(host, guest, 'abcde');
  });

  it('symmetric NATs on both sides and no TURN: the join fails within 15 s, saying what to do', async () => {
    const { guest, link } = await scenario('both-symmetric', { turn: false });
    const r = await guest.call<{ ms: number; reason: string }>('tryJoin', { link });
    console.log(`both-symmetric: failed after ${r.ms} ms: ${r.reason}`);
    expect(r.reason).toBe(
      'the host and you cannot reach each other directly; the host needs a TURN server: ' +
        'see docs/networks.md',
    );
    expect(r.ms).toBeLessThan(15_000);
  });
});
