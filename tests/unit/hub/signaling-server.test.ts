// The embedded signaling server on its own, over loopback WebSockets: peer ids are bound to the
// socket that first used them, `to` messages reach only that socket, and malformed or spoofed
// messages are dropped without harming anyone else.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { SignalingServer } from '../../../host/hub/signaling-server';

/** A test client: records what it receives; `sync()` waits until the server has read its sends. */
class Client {
  readonly received: Record<string, unknown>[] = [];
  closedWith: number | null = null;
  private pongs: (() => void)[] = [];
  private constructor(readonly ws: WebSocket) {
    ws.on('message', (d) => {
      const m = JSON.parse(d.toString()) as Record<string, unknown>;
      if (m.type === 'pong') this.pongs.shift()?.();
      else this.received.push(m);
    });
    ws.on('close', (code) => (this.closedWith = code));
  }
  static async open(url: string): Promise<Client> {
    const ws = new WebSocket(url);
    await new Promise((r, j) => ws.once('open', r).once('error', j));
    return new Client(ws);
  }
  send(value: unknown): void {
    this.ws.send(typeof value === 'string' ? value : JSON.stringify(value));
  }
  /** Resolves once the server has handled everything sent before (it answers pings in order). */
  sync(): Promise<void> {
    return new Promise((r) => {
      this.pongs.push(r);
      this.send({ type: 'ping' });
    });
  }
  datas(): unknown[] {
    return this.received.map((m) => m.data);
  }
}

const T = 'pairbook-topic';
let server: SignalingServer;
let url: string;
const clients: Client[] = [];
const open = async () => {
  const c = await Client.open(url);
  clients.push(c);
  return c;
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
    const alice = await open();
    const mallory = await open();
    const host = await open();
    host.send({ type: 'subscribe', topics: [T], from: 'host' });
    alice.send({ type: 'subscribe', topics: [T], from: 'alice' });
    await settle();
    const dropped = server.dropped;
    mallory.send({ type: 'subscribe', topics: [T], from: 'alice' }); // claim alice: refused
    mallory.send({ type: 'subscribe', topics: [T], from: 'host' }); // claim the host: refused
    mallory.send({ type: 'publish', topic: T, data: 'forged', from: 'alice', to: 'host' });
    mallory.send({ type: 'publish', topic: T, data: 'forged', from: 'host', to: 'alice' });
    await settle();
    expect(server.dropped - dropped).toBe(4);
    expect(host.datas()).toEqual([]);
    expect(alice.datas()).toEqual([]);
    // Mallory never got onto the topic either: alice's broadcast does not reach it.
    alice.send({ type: 'publish', topic: T, data: 'hello', from: 'alice' });
    await settle();
    expect(host.datas()).toEqual(['hello']);
    expect(mallory.datas()).toEqual([]);
  });

  it('delivers a `to` message only to the socket bound to that peer', async () => {
    const [host, ada, bob] = [await open(), await open(), await open()];
    host.send({ type: 'subscribe', topics: [T], from: 'host' });
    ada.send({ type: 'subscribe', topics: [T], from: 'ada' });
    bob.send({ type: 'subscribe', topics: [T], from: 'bob' });
    await settle();
    ada.send({ type: 'publish', topic: T, data: 'ada-offer', from: 'ada', to: 'host' });
    host.send({ type: 'publish', topic: T, data: 'answer-for-ada', from: 'host', to: 'ada' });
    await settle();
    expect(host.datas()).toEqual(['ada-offer']);
    expect(ada.datas()).toEqual(['answer-for-ada']);
    expect(bob.datas()).toEqual([]);
    // To a peer that is not on the topic, or nobody: dropped, not broadcast.
    const dropped = server.dropped;
    ada.send({ type: 'publish', topic: T, data: 'x', from: 'ada', to: 'nobody' });
    ada.send({ type: 'publish', topic: 'other-topic', data: 'x', from: 'ada' });
    await settle();
    expect(server.dropped - dropped).toBe(2);
    expect([...host.datas(), ...bob.datas()]).toEqual(['ada-offer']);
  });

  it('frees a peer id when its socket closes', async () => {
    const first = await open();
    first.send({ type: 'subscribe', topics: [T], from: 'ada' });
    await settle();
    first.ws.close();
    await new Promise((r) => first.ws.once('close', r));
    const second = await open();
    const host = await open();
    host.send({ type: 'subscribe', topics: [T], from: 'host' });
    second.send({ type: 'subscribe', topics: [T], from: 'ada' });
    second.send({ type: 'publish', topic: T, data: 'again', from: 'ada', to: 'host' });
    await settle();
    expect(host.datas()).toEqual(['again']);
  });

  it('limits one socket to 8 peer ids', async () => {
    const c = await open();
    for (let i = 0; i < 10; i++) c.send({ type: 'subscribe', topics: [T], from: `id${i}` });
    const other = await open();
    other.send({ type: 'subscribe', topics: [T], from: 'id9' }); // still free
    other.send({ type: 'publish', topic: T, data: 'mine', from: 'id9', to: 'id0' });
    await settle();
    expect(c.datas()).toEqual(['mine']);
  });

  it('drops malformed messages and keeps serving', async () => {
    const host = await open();
    const fuzzer = await open();
    host.send({ type: 'subscribe', topics: [T], from: 'host' });
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
      { type: 'publish', topic: T, data: 'x'.repeat(70 * 1024) },
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
    fuzzer.send({ type: 'subscribe', topics: [T], from: 'fuzzer' });
    fuzzer.send({ type: 'publish', topic: T, data: 'fine', from: 'fuzzer', to: 'host' });
    await settle();
    expect(host.datas()).toEqual(['fine']);
  });

  it('cuts off a socket that floods it', async () => {
    const flooder = await open();
    const closed = new Promise<number>((r) => flooder.ws.once('close', r));
    for (let i = 0; i < 80; i++) flooder.send({ type: 'ping' });
    expect(await closed).toBe(1008);
    const calm = await open();
    await calm.sync();
  });
});
