// The embedded signaling server on its own, over loopback WebSockets: peer ids are bound to the
// socket that first used them, `to` messages reach only that socket, and malformed or spoofed
// messages are dropped without harming anyone else.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { SignalingServer } from '../../../host/hub/signaling-server';
import { Client } from './signaling-test-client';

const T = 'pairbook-topic';
let server: SignalingServer;
let url: string;
const clients: Client[] = [];
const open = async (hubSecret?: string) => {
  const c = await Client.open(url, { hubSecret });
  clients.push(c);
  return c;
};
/** The hub's socket, on T. */
const openHost = async () => {
  const host = await open(server.hubSecret);
  host.send({ type: 'subscribe', topics: [T], from: 'host' });
  await host.sync();
  return host;
};
/** Waits until the server has read every client's sends, and delivered what they caused. */
const settle = async () => {
  for (const c of clients) if (c.closedWith === null) await c.sync();
  for (const c of clients) if (c.closedWith === null) await c.sync();
};

beforeEach(async () => {
  server = new SignalingServer();
  url = await server.start();
});
afterEach(async () => {
  for (const c of clients.splice(0)) c.ws.terminate();
  await server.stop();
});

describe('SignalingServer', () => {
  it('binds a peer id to its first socket: another socket cannot claim or speak as it', async () => {
    const host = await openHost();
    const alice = await open();
    const mallory = await open();
    alice.send({ type: 'subscribe', topics: [T], from: 'alice' });
    mallory.send({ type: 'subscribe', topics: [T], from: 'mallory' });
    await settle();
    const dropped = server.dropped;
    mallory.send({ type: 'subscribe', topics: [T], from: 'alice' }); // claim alice: refused
    mallory.send({ type: 'publish', topic: T, data: 'forged', from: 'alice', to: 'host' });
    await settle();
    expect(server.dropped - dropped).toBe(2);
    expect(host.datas()).toEqual([]);
    // The host's answer to alice reaches alice only.
    host.send({ type: 'publish', topic: T, data: 'for-alice', from: 'host', to: 'alice' });
    alice.send({ type: 'publish', topic: T, data: 'hello', from: 'alice', to: 'host' });
    await settle();
    expect(host.datas()).toEqual(['hello']);
    expect(alice.datas()).toEqual(['for-alice']);
    expect(mallory.datas()).toEqual([]);
  });

  it('delivers a `to` message only to the socket bound to that peer', async () => {
    const host = await openHost();
    const [ada, bob] = [await open(), await open()];
    ada.send({ type: 'subscribe', topics: [T], from: 'ada' });
    bob.send({ type: 'subscribe', topics: [T], from: 'bob' });
    await settle();
    ada.send({ type: 'publish', topic: T, data: 'ada-offer', from: 'ada', to: 'host' });
    host.send({ type: 'publish', topic: T, data: 'answer-for-ada', from: 'host', to: 'ada' });
    await settle();
    expect(host.datas()).toEqual(['ada-offer']);
    expect(ada.datas()).toEqual(['answer-for-ada']);
    expect(bob.datas()).toEqual([]);
    // To a peer that is not on the topic, or a topic nobody hosts: dropped, not broadcast.
    const dropped = server.dropped;
    host.send({ type: 'publish', topic: T, data: 'x', from: 'host', to: 'nobody' });
    ada.send({ type: 'publish', topic: 'other-topic', data: 'x', from: 'ada', to: 'host' });
    await settle();
    expect(server.dropped - dropped).toBe(2);
    expect([...host.datas(), ...bob.datas()]).toEqual(['ada-offer']);
  });

  it('frees a peer id when its socket closes', async () => {
    const host = await openHost();
    const first = await open();
    first.send({ type: 'subscribe', topics: [T], from: 'ada' });
    await settle();
    first.ws.close();
    await first.closed;
    const second = await open();
    second.send({ type: 'subscribe', topics: [T], from: 'ada' });
    second.send({ type: 'publish', topic: T, data: 'again', from: 'ada', to: 'host' });
    await settle();
    expect(host.datas()).toEqual(['again']);
  });

  it('limits one socket to 8 peer ids', async () => {
    const host = await openHost();
    const c = await open();
    for (let i = 0; i < 10; i++) c.send({ type: 'subscribe', topics: [T], from: `id${i}` });
    const other = await open();
    other.send({ type: 'subscribe', topics: [T], from: 'id9' }); // still free
    await settle();
    host.send({ type: 'publish', topic: T, data: 'for-id0', from: 'host', to: 'id0' });
    host.send({ type: 'publish', topic: T, data: 'for-id9', from: 'host', to: 'id9' });
    await settle();
    expect(c.datas()).toEqual(['for-id0']);
    expect(other.datas()).toEqual(['for-id9']);
  });

  it('drops malformed messages and keeps serving', async () => {
    const host = await openHost();
    const fuzzer = await open();
    fuzzer.send({ type: 'subscribe', topics: [T], from: 'fuzzer' });
    await settle();
    const dropped = server.dropped;
    const junk: unknown[] = [
      'not json',
      '{"type":',
      '[]',
      'null',
      '42',
      { type: 'nonsense' },
      { type: 'publish' },
      { type: 'publish', topic: T },
      { type: 'publish', topic: T, data: '' },
      { type: 'publish', topic: T, data: 7 },
      { type: 'publish', topic: T, data: 'x', from: 'has space', to: 'host' },
      { type: 'publish', topic: T, data: 'x', from: 'a'.repeat(65), to: 'host' },
      { type: 'publish', topic: T, data: 'x', to: ['host'] },
      { type: 'publish', topic: 'bad topic with spaces', data: 'x' },
      { type: 'subscribe', topics: 'not-an-array' },
      { type: 'subscribe', topics: [T, 5] },
      { type: 'subscribe', topics: Array.from({ length: 40 }, (_, i) => `t${i}`) },
      { type: 'unsubscribe' },
    ];
    for (const j of junk) fuzzer.send(j);
    fuzzer.ws.send(Buffer.from([1, 2, 3])); // binary frame
    await settle();
    expect(server.dropped - dropped).toBe(junk.length + 1);
    expect(host.received).toEqual([]);
    expect(fuzzer.closedWith).toBeNull();
    // Still serving, the fuzzer included.
    fuzzer.send({ type: 'publish', topic: T, data: 'fine', from: 'fuzzer', to: 'host' });
    await settle();
    expect(host.datas()).toEqual(['fine']);
  });

  it('closes a socket that sends a message over 64 KiB', async () => {
    const host = await openHost();
    const big = await open();
    big.send({ type: 'subscribe', topics: [T], from: 'big' });
    big.send({ type: 'publish', topic: T, data: 'x'.repeat(70 * 1024), from: 'big', to: 'host' });
    expect(await big.closed).toBe(1009);
    await settle();
    expect(host.received).toEqual([]);
  });

  it('cuts off a socket that floods it', async () => {
    const flooder = await open();
    for (let i = 0; i < 80; i++) flooder.send({ type: 'ping' });
    expect(await flooder.closed).toBe(1008);
    expect(flooder.closeReason).toBe('too many messages');
    const calm = await open();
    await calm.sync();
  });
});
