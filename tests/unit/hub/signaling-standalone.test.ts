// The standalone signaling server (`pairbook signal`): many hosts, each proving a key of its own;
// a topic is its first claimant's, kept across the host's reconnects, and anyone else claiming
// the peer id host on it gets nothing. Client addresses come from X-Forwarded-For only when told.
import { type Server, type Socket, connect, createServer } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { PROBE_TIMEOUT_MS, SignalingClient } from '../../../host/hub/signaling-client';
import {
  MAX_HOST_SOCKETS_PER_ADDRESS,
  MAX_HOST_TOPICS,
  MAX_SOCKETS_PER_ADDRESS,
  SignalingServer,
} from '../../../host/hub/signaling-server';
import { forwardedAddress } from '../../../host/hub/signaling/address';
import { HOST_CHALLENGE_HEADER, HostProver } from '../../../host/hub/signaling/host-proof';
import { TopicPins } from '../../../host/hub/signaling/topic-pins';
import type { PublishSignal } from '../../../protocol/signaling-messages';
import { Client } from './signaling-test-client';

const until = async (check: () => boolean, what: string, ms = 10_000) => {
  const end = Date.now() + ms;
  while (!check()) {
    if (Date.now() > end) throw new Error(`timed out: ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
};

const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  for (const f of cleanups.splice(0).reverse()) await f();
});

async function standalone(options: ConstructorParameters<typeof SignalingServer>[0] = {}) {
  const server = new SignalingServer({ standalone: true, ...options });
  const url = await server.start();
  cleanups.push(() => server.stop());
  return { server, url };
}

/** A hub's signaling client on `url`, holding `topics`, once the server confirmed them. */
async function host(url: string, topics: string[], probeTimeoutMs = 300) {
  const got: PublishSignal[] = [];
  const problems: string[] = [];
  const client = new SignalingClient(url, (m) => got.push(m), {
    probeTimeoutMs,
    onProblem: (p) => problems.push(p),
  });
  cleanups.push(() => client.stop());
  // Subscribed before it connects: all at once when it does, as after a reconnect.
  for (const t of topics) client.subscribe(t);
  await client.start();
  await until(() => client.confirmed, 'the host holds its topics');
  return { client, got, problems };
}

async function open(url: string) {
  const c = await Client.open(url);
  cleanups.push(() => c.ws.terminate());
  return c;
}

/** A TCP relay to the server at `port` on 127.0.0.1, which the test can cut and restore. */
async function tcpRelay(port: number) {
  const sockets = new Set<Socket>();
  let server: Server | null = null;
  const listen = async (at: number) => {
    server = createServer((inbound) => {
      const out = connect(port, '127.0.0.1');
      sockets.add(inbound).add(out);
      inbound.pipe(out).pipe(inbound);
      const end = () => (inbound.destroy(), out.destroy());
      inbound.on('error', end).on('close', end);
      out.on('error', end).on('close', end);
    });
    await new Promise<void>((r) => server?.listen(at, '127.0.0.1', r));
    return (server.address() as { port: number }).port;
  };
  const cut = async () => {
    const closed = new Promise((r) => server?.close(r));
    sockets.forEach((s) => s.destroy());
    await closed;
  };
  cleanups.push(cut);
  const relayPort = await listen(0);
  return { url: `ws://127.0.0.1:${relayPort}`, cut, restore: () => listen(relayPort) };
}

/** A raw socket that proves a key of its own, as an attacker who runs Pairbook's code would. */
async function provenSocket(url: string) {
  const ws = new WebSocket(url);
  cleanups.push(() => ws.terminate());
  const received: Record<string, unknown>[] = [];
  let challenge = '';
  let closeReason: string | null = null;
  ws.on('upgrade', (res) => (challenge = String(res.headers[HOST_CHALLENGE_HEADER] ?? '')));
  ws.on('message', (d) => received.push(JSON.parse(d.toString()) as Record<string, unknown>));
  ws.on('close', (_code, reason) => (closeReason = reason.toString()));
  await new Promise((r) => ws.once('open', r));
  expect(challenge).not.toBe('');
  ws.send(JSON.stringify(new HostProver().prove(challenge)));
  return { ws, received, closeReason: () => closeReason };
}

/** A guest offers on `topic` to the host; resolves with what the host's client got. */
async function guestOffers(url: string, topic: string, id: string) {
  const g = await open(url);
  g.send({ type: 'subscribe', topics: [topic], from: id });
  g.send({ type: 'publish', topic, data: `offer-${id}`, from: id, to: 'host' });
  await g.sync();
  return g;
}

describe('pairbook signal: hosts on a standalone server', () => {
  it('serves two hosts, each with its own guests', async () => {
    const { url } = await standalone();
    const a = await host(url, ['pairbook-a']);
    const b = await host(url, ['pairbook-b']);
    const g = await guestOffers(url, 'pairbook-a', 'ga');
    await until(() => a.got.some((m) => m.data === 'offer-ga'), 'the offer reaches host a');
    a.client.publish('pairbook-a', 'answer-ga', 'ga');
    await until(() => g.datas().includes('answer-ga'), 'the answer reaches the guest');
    expect(b.got).toEqual([]);
    // A guest of b's topic cannot speak to a: its offer goes to b only.
    await guestOffers(url, 'pairbook-b', 'gb');
    await until(() => b.got.some((m) => m.data === 'offer-gb'), 'the offer reaches host b');
    expect(a.got.map((m) => m.data)).toEqual(['offer-ga']);
  });

  it('closes a socket claiming the peer id host without a proof; the host is unharmed', async () => {
    const { url } = await standalone();
    const h = await host(url, ['pairbook-t']);
    const squatter = await open(url);
    squatter.send({ type: 'subscribe', topics: ['pairbook-t'], from: 'host' });
    squatter.send({ type: 'publish', topic: 'pairbook-t', data: 'x', from: 'host', to: 'g1' });
    await squatter.closed;
    expect(squatter.closeReason).toMatch(/reserved/);
    await guestOffers(url, 'pairbook-t', 'g1');
    await until(() => h.got.some((m) => m.data === 'offer-g1'), 'the offer reaches the host');
    expect(squatter.received).toEqual([]);
  });

  it("gives another key's claim on a topic nothing, while its host is away too", async () => {
    const { url } = await standalone();
    const port = Number(new URL(url).port);
    // The host reaches the server through a relay the test can cut: a network change.
    const relay = await tcpRelay(port);
    const h = await host(relay.url, ['pairbook-t']);

    const attacker = await provenSocket(url);
    attacker.ws.send(JSON.stringify({ type: 'subscribe', topics: ['pairbook-t'], from: 'host' }));
    await until(() => attacker.closeReason() !== null, 'the attacker is closed');
    expect(attacker.closeReason()).toMatch(/another host holds this topic/);

    await relay.cut();
    await until(() => h.problems.some((p) => /closed the connection/.test(p)), 'host cut off');
    const second = await provenSocket(url);
    second.ws.send(JSON.stringify({ type: 'subscribe', topics: ['pairbook-t'], from: 'host' }));
    // A guest knocking meanwhile is told no host is there, or waits: never reaches the attacker.
    await guestOffers(url, 'pairbook-t', 'g1');
    await until(() => second.closeReason() !== null, 'the second attacker is closed');
    expect(second.received).toEqual([]);
    expect(attacker.received).toEqual([]);
    // The host is back, with the same key: its topic is still its own.
    await relay.restore();
    await until(() => h.client.confirmed, 'the host holds its topic again');
    await guestOffers(url, 'pairbook-t', 'g2');
    await until(() => h.got.some((m) => m.data === 'offer-g2'), 'the offer reaches the host');
  });

  it(`lets one address be at most ${MAX_HOST_SOCKETS_PER_ADDRESS} hosts`, async () => {
    const { url } = await standalone();
    const hosts: Awaited<ReturnType<typeof provenSocket>>[] = [];
    for (let i = 0; i <= MAX_HOST_SOCKETS_PER_ADDRESS; i++) hosts.push(await provenSocket(url));
    const last = hosts.at(-1) as (typeof hosts)[number];
    await until(() => last.closeReason() !== null, 'the last one is refused');
    expect(last.closeReason()).toMatch(/too many hosts/);
    expect(hosts.filter((h) => h.closeReason() !== null)).toHaveLength(1);
    // Guests still find room, and a host that leaves makes room for another.
    await open(url);
    hosts[0]?.ws.close();
    await until(() => hosts[0]?.closeReason() !== null, 'the first host leaves');
    const next = await provenSocket(url);
    next.ws.send(JSON.stringify({ type: 'subscribe', topics: ['pairbook-next'], from: 'host' }));
    const probe = { type: 'publish', topic: 'pairbook-next', data: 'p', from: 'host', to: 'host' };
    next.ws.send(JSON.stringify(probe));
    await until(() => next.received.length > 0, 'the new host holds its topic');
    expect(next.closeReason()).toBeNull();
  });

  it('closes a socket whose host proof does not verify', async () => {
    const { url } = await standalone();
    const ws = new WebSocket(url);
    cleanups.push(() => ws.terminate());
    const proof = new HostProver().prove('another-challenge');
    const closed = new Promise<string>((r) => ws.on('close', (_c, reason) => r(String(reason))));
    await new Promise((r) => ws.once('open', r));
    ws.send(JSON.stringify(proof));
    expect(await closed).toMatch(/does not verify/);
  });

  it('does not cut off a host subscribing all its invites at once', async () => {
    const { url } = await standalone();
    const topics = Array.from({ length: MAX_HOST_TOPICS }, (_, i) => `pairbook-t${i}`);
    // The product's probe timeout: 300 ms is too short for 1 024 confirmations on a busy machine.
    const h = await host(url, topics, PROBE_TIMEOUT_MS);
    await guestOffers(url, `pairbook-t${MAX_HOST_TOPICS - 1}`, 'g1');
    await until(() => h.got.some((m) => m.data === 'offer-g1'), 'the offer reaches the host');
    expect(h.problems).toEqual([]);
  });

  it('sends no challenge from the embedded server', async () => {
    const server = new SignalingServer();
    const url = await server.start();
    cleanups.push(() => server.stop());
    const ws = new WebSocket(url);
    cleanups.push(() => ws.terminate());
    const header = await new Promise((r) => ws.on('upgrade', (res) => r(res.headers)));
    expect(header).not.toHaveProperty(HOST_CHALLENGE_HEADER);
  });
});

describe('pairbook signal --trust-proxy', () => {
  const viaProxy = async (url: string, forwardedFor: string) => {
    const ws = new WebSocket(url, { headers: { 'x-forwarded-for': forwardedFor } });
    ws.on('error', () => {});
    cleanups.push(() => ws.terminate());
    return new Promise<boolean>((resolve) => {
      ws.once('open', () => resolve(true));
      ws.once('close', () => resolve(false));
    });
  };

  it("counts sockets per address from X-Forwarded-For's last entry", async () => {
    const { server, url } = await standalone({ trustProxy: true });
    for (let i = 0; i < MAX_SOCKETS_PER_ADDRESS + 10; i++) {
      await viaProxy(url, `198.51.100.${i % 200}, 203.0.113.5`);
    }
    expect(server.socketCount()).toBe(MAX_SOCKETS_PER_ADDRESS);
    // Another client behind the same proxy still gets in.
    expect(await viaProxy(url, '203.0.113.6')).toBe(true);
    expect(server.socketCount()).toBe(MAX_SOCKETS_PER_ADDRESS + 1);
  });

  it('ignores X-Forwarded-For unless told to trust it', async () => {
    const { server, url } = await standalone();
    for (let i = 0; i < MAX_SOCKETS_PER_ADDRESS + 10; i++) await viaProxy(url, `203.0.113.${i}`);
    expect(server.socketCount()).toBe(MAX_SOCKETS_PER_ADDRESS);
  });

  it('reads the address a proxy appended', () => {
    expect(forwardedAddress('10.0.0.1, 203.0.113.5')).toBe('203.0.113.5');
    expect(forwardedAddress(['10.0.0.1', '2001:db8::7'])).toBe('2001:db8::7');
    expect(forwardedAddress('203.0.113.5:41234')).toBe('203.0.113.5');
    expect(forwardedAddress('[2001:db8::7]:41234')).toBe('2001:db8::7');
    expect(forwardedAddress('203.0.113.5, unknown')).toBeNull();
    expect(forwardedAddress(undefined)).toBeNull();
  });
});

describe('TopicPins', () => {
  it('keeps a topic for its key for a while after its host left, then frees it', () => {
    const pins = new TopicPins(2, 1000);
    expect(pins.claim('t', 'k1', 0)).toBe(true);
    expect(pins.claim('t', 'k2', 10)).toBe(false);
    pins.release('t', 100);
    expect(pins.claim('t', 'k2', 1099)).toBe(false);
    expect(pins.claim('t', 'k1', 1099)).toBe(true);
    pins.release('t', 1100);
    expect(pins.claim('t', 'k2', 2100)).toBe(true);
  });

  it('forgets released pins first when full, and never a held one', () => {
    const pins = new TopicPins(2, 1000);
    expect(pins.claim('a', 'k1', 0)).toBe(true);
    expect(pins.claim('b', 'k1', 0)).toBe(true);
    expect(pins.claim('c', 'k2', 1)).toBe(false);
    pins.release('b', 5);
    expect(pins.claim('c', 'k2', 6)).toBe(true);
    expect(pins.claim('b', 'k2', 7)).toBe(false); // full: a and c are held
    expect(pins.claim('a', 'k2', 8)).toBe(false);
  });
});
