// Attacks on the embedded signaling server by clients speaking its WebSocket protocol directly:
// idle sockets without a secret, squatting the host's peer id, floods. After each, an honest
// guest still reaches the host and the host's socket was never cut off.
import { connect } from 'node:net';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  MAX_SOCKETS,
  MAX_SOCKETS_PER_ADDRESS,
  SignalingServer,
  type SignalingServerOptions,
  addressKey,
} from '../../../host/hub/signaling-server';
import { Client, type ClientOptions } from './signaling-test-client';

const T = 'pairbook-topic';
let server: SignalingServer;
let url: string;
let hub: Client;
const clients: Client[] = [];
let guestNumber = 0;

const open = async (options: ClientOptions = {}) => {
  const c = await Client.open(url, options);
  clients.push(c);
  return c;
};
/** Opens `n` sockets at once; the ones the server accepted. */
const openMany = async (n: number, options: ClientOptions = {}) => {
  const all = await Promise.allSettled(Array.from({ length: n }, () => open(options)));
  return all.flatMap((r) => (r.status === 'fulfilled' ? [r.value] : []));
};
const openHub = async () => {
  const h = await open({ hubSecret: server.hubSecret });
  h.send({ type: 'subscribe', topics: [T], from: 'host' });
  await h.sync();
  return h;
};
async function start(options: SignalingServerOptions = {}) {
  server = new SignalingServer(options);
  url = await server.start();
  hub = await openHub();
}

/** An honest guest: subscribes, offers to the host, gets the host's answer. */
async function guestJoins(options: ClientOptions = {}): Promise<void> {
  const g = await open(options);
  const id = `guest${++guestNumber}`;
  g.send({ type: 'subscribe', topics: [T], from: id });
  g.send({ type: 'publish', topic: T, data: `offer-${id}`, from: id, to: 'host' });
  await g.sync();
  await hub.sync();
  expect(hub.datas()).toContain(`offer-${id}`);
  hub.send({ type: 'publish', topic: T, data: `answer-${id}`, from: 'host', to: id });
  await hub.sync();
  await g.sync();
  expect(g.datas()).toEqual([`answer-${id}`]);
  g.ws.close();
}

afterEach(async () => {
  for (const c of clients.splice(0)) c.ws.terminate();
  await server.stop();
});

describe('idle sockets from anyone, with no secret', () => {
  beforeEach(() => start());

  it(`holds at most ${MAX_SOCKETS_PER_ADDRESS} from one address, and a guest there still joins`, async () => {
    await openMany(400);
    expect(server.socketCount()).toBeLessThanOrEqual(MAX_SOCKETS_PER_ADDRESS);
    await guestJoins();
    expect(hub.closedWith).toBeNull();
  });

  it(`holds at most ${MAX_SOCKETS} from many addresses, and a guest from another still joins`, async () => {
    for (let a = 2; a < 12; a++) await openMany(60, { localAddress: `127.0.0.${a}` });
    expect(server.socketCount()).toBeLessThanOrEqual(MAX_SOCKETS);
    await guestJoins({ localAddress: '127.0.0.99' });
    await guestJoins({ localAddress: '127.0.0.3' });
  });
});

describe('sockets that never join anything', () => {
  beforeEach(() => start({ subscribeDeadlineMs: 500 }));

  it('closes a socket that subscribes to no hosted topic, saying why', async () => {
    const idle = await open();
    const lost = await open();
    lost.send({ type: 'subscribe', topics: ['pairbook-not-hosted-here'], from: 'lost' });
    expect(await lost.closed).toBe(1008);
    expect(lost.closeReason).toMatch(/no host/);
    expect(await idle.closed).toBe(1008);
    expect(idle.closeReason).toMatch(/subscribe/);
    await guestJoins();
  });

  it('closes a TCP connection that never completes the WebSocket handshake', async () => {
    const socket = connect({ host: '127.0.0.1', port: Number(new URL(url).port) });
    const ended = new Promise<void>((r) => socket.on('close', () => r()));
    socket.on('error', () => {});
    socket.write('GET / HTTP/1.1\r\nHost: x\r\n'); // and never the rest
    await ended;
    await guestJoins();
  });
});

describe('sockets held too long', () => {
  beforeEach(() => start({ pingIntervalMs: 200, maxGuestSocketMs: 1500 }));

  it('drops a guest that stops answering pings', async () => {
    const dead = await open({ autoPong: false });
    dead.send({ type: 'subscribe', topics: [T], from: 'dead' });
    await dead.closed;
    expect(hub.closedWith).toBeNull();
    await guestJoins();
  });

  it('closes a guest socket after its lifetime, saying why, but never the hub', async () => {
    const lingering = await open();
    lingering.send({ type: 'subscribe', topics: [T], from: 'lingering' });
    expect(await lingering.closed).toBe(1008);
    expect(lingering.closeReason).toMatch(/too long/);
    await guestJoins();
    expect(hub.closedWith).toBeNull();
  });
});

describe('the peer id host', () => {
  beforeEach(() => start());

  it('is the hub’s alone: a squatter is refused and closed, before and after the hub reconnects', async () => {
    const squatter = await open();
    squatter.send({ type: 'subscribe', topics: [T], from: 'host' });
    expect(await squatter.closed).toBe(1008);
    expect(squatter.closeReason).toMatch(/reserved/);
    const forger = await open();
    forger.send({ type: 'subscribe', topics: [T], from: 'forger' });
    forger.send({ type: 'publish', topic: T, data: 'forged', from: 'host', to: 'forger' });
    expect(await forger.closed).toBe(1008);
    // The hub's socket drops; someone grabs `host` meanwhile; the hub comes back and is the host.
    hub.ws.close();
    await hub.closed;
    const grabber = await open();
    grabber.send({ type: 'subscribe', topics: [T], from: 'host' });
    expect(await grabber.closed).toBe(1008);
    hub = await openHub();
    await guestJoins();
  });

  it('refuses a socket that presents a wrong hub secret', async () => {
    await expect(open({ hubSecret: 'not-the-secret' })).rejects.toThrow(/401/);
    await guestJoins();
  });
});

describe('floods', () => {
  beforeEach(() => start());

  it('never cuts off the hub’s own socket, whatever it sends', async () => {
    const g = await open();
    g.send({ type: 'subscribe', topics: [T], from: 'busy' });
    await g.sync();
    for (let i = 0; i < 300; i++) {
      hub.send({ type: 'publish', topic: T, data: `reply-${i}`, from: 'host', to: 'busy' });
    }
    await hub.sync();
    await g.sync();
    expect(hub.closedWith).toBeNull();
    expect(g.datas()).toHaveLength(300);
    await guestJoins();
  });

  it('cuts off a guest that sends too much, and nobody else', async () => {
    const flooder = await open();
    flooder.send({ type: 'subscribe', topics: [T], from: 'flooder' });
    const big = 'x'.repeat(60 * 1024);
    for (let i = 0; i < 8; i++) {
      flooder.send({ type: 'publish', topic: T, data: big, from: 'flooder', to: 'host' });
    }
    expect(await flooder.closed).toBe(1008);
    expect(flooder.closeReason).toMatch(/too much/);
    expect(hub.closedWith).toBeNull();
    await guestJoins();
  });
});

describe('a guest reaches the host only', () => {
  beforeEach(() => start());

  it('drops broadcasts and messages to other guests', async () => {
    const ada = await open();
    const eve = await open();
    ada.send({ type: 'subscribe', topics: [T], from: 'ada' });
    eve.send({ type: 'subscribe', topics: [T], from: 'eve' });
    await eve.sync();
    const dropped = server.dropped;
    eve.send({ type: 'publish', topic: T, data: 'to-all', from: 'eve' });
    eve.send({ type: 'publish', topic: T, data: 'to-ada', from: 'eve', to: 'ada' });
    eve.send({ type: 'publish', topic: T, data: 'anonymous', to: 'host' });
    await eve.sync();
    await ada.sync();
    await hub.sync();
    expect(server.dropped - dropped).toBe(3);
    expect(ada.datas()).toEqual([]);
    expect(hub.datas()).toEqual([]);
  });

  it('tells a guest whose host is not connected, instead of dropping its offer silently', async () => {
    const g = await open();
    g.send({ type: 'subscribe', topics: [T], from: 'early' });
    await g.sync();
    hub.ws.close();
    await hub.closed;
    g.send({ type: 'publish', topic: T, data: 'offer', from: 'early', to: 'host' });
    expect(await g.closed).toBe(1013);
    expect(g.closeReason).toMatch(/host is not connected/);
  });
});

describe('addressKey', () => {
  it('counts IPv4 by address and IPv6 by /64', () => {
    expect(addressKey('10.0.0.7')).toBe('10.0.0.7');
    expect(addressKey('::ffff:10.0.0.7')).toBe('10.0.0.7');
    expect(addressKey('2001:db8:1:2:aaaa::1')).toBe('2001:db8:1:2::/64');
    expect(addressKey('2001:db8:1:2:ffff:ffff:ffff:ffff')).toBe('2001:db8:1:2::/64');
    expect(addressKey('2001:db8::1')).toBe('2001:db8:0:0::/64');
    expect(addressKey('::1')).toBe('0:0:0:0::/64');
    expect(addressKey('fe80::1%eth0')).toBe('fe80:0:0:0::/64');
  });
});
