// The hub's signaling client: a subscription the server drops is reported and made again, never
// left silently dead; after a reconnect every invite's topic is subscribed again, however many.
import { afterEach, describe, expect, it } from 'vitest';
import { WebSocketServer } from 'ws';
import { SignalingClient } from '../../../host/hub/signaling-client';
import { SignalingServer } from '../../../host/hub/signaling-server';
import type { PublishSignal } from '../../../protocol/signaling-messages';
import { Client } from './signaling-test-client';

const until = async (check: () => boolean, what: string, ms = 20_000) => {
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

/** A y-webrtc relay (broadcast to every subscriber, the sender too) that loses subscribes. */
async function lossyRelay(lose: number): Promise<string> {
  const wss = new WebSocketServer({ host: '127.0.0.1', port: 0 });
  await new Promise((r) => wss.once('listening', r));
  const topics = new Map<string, Set<import('ws').WebSocket>>();
  let lost = 0;
  wss.on('connection', (ws) => {
    ws.on('message', (d) => {
      const m = JSON.parse(d.toString()) as { type: string; topics?: string[]; topic?: string };
      if (m.type === 'subscribe' && lost++ >= lose) {
        for (const t of m.topics ?? []) topics.set(t, (topics.get(t) ?? new Set()).add(ws));
      } else if (m.type === 'publish') {
        for (const r of topics.get(m.topic ?? '') ?? []) r.send(JSON.stringify(m));
      } else if (m.type === 'ping') ws.send('{"type":"pong"}');
    });
  });
  cleanups.push(() => new Promise((r) => wss.close(r)));
  return `ws://127.0.0.1:${(wss.address() as { port: number }).port}`;
}

describe('SignalingClient', () => {
  it('reports a subscription the server dropped, and makes it again until it holds', async () => {
    const url = await lossyRelay(2);
    const problems: string[] = [];
    const got: PublishSignal[] = [];
    const client = new SignalingClient(url, (m) => got.push(m), {
      onProblem: (p) => problems.push(p),
      probeTimeoutMs: 200,
    });
    cleanups.push(() => client.stop());
    await client.start();
    client.subscribe('pairbook-t');
    await until(() => client.confirmed, 'the subscription is confirmed');
    expect(problems.some((p) => /did not confirm an invite's subscription/.test(p))).toBe(true);
    const guest = await Client.open(url);
    cleanups.push(() => guest.ws.terminate());
    guest.send({ type: 'subscribe', topics: ['pairbook-t'] });
    guest.send({ type: 'publish', topic: 'pairbook-t', data: 'offer', from: 'g1', to: 'host' });
    await until(() => got.some((m) => m.data === 'offer'), 'the offer reaches the hub');
  });

  it('subscribes every topic again after a reconnect, 40 of them included', async () => {
    const hubSecret = 'a-secret-for-both-servers';
    let server = new SignalingServer({ hubSecret });
    const url = await server.start();
    const port = Number(new URL(url).port);
    const got: PublishSignal[] = [];
    const problems: string[] = [];
    const client = new SignalingClient(url, (m) => got.push(m), {
      hubSecret,
      probeTimeoutMs: 500,
      onProblem: (p) => problems.push(p),
    });
    cleanups.push(() => client.stop());
    await client.start();
    const topics = Array.from({ length: 40 }, (_, i) => `pairbook-t${i}`);
    for (const t of topics) client.subscribe(t);
    await until(() => client.confirmed, 'the first subscriptions are confirmed');
    await server.stop();
    await until(() => problems.some((p) => /closed the connection/.test(p)), 'the hub notices');
    server = new SignalingServer({ hubSecret, port });
    await server.start();
    cleanups.push(() => server.stop());
    await until(() => client.confirmed, 'every subscription is confirmed again');
    const guest = await Client.open(url);
    cleanups.push(() => guest.ws.terminate());
    guest.send({ type: 'subscribe', topics: ['pairbook-t39'], from: 'g1' });
    guest.send({ type: 'publish', topic: 'pairbook-t39', data: 'offer', from: 'g1', to: 'host' });
    await until(() => got.some((m) => m.data === 'offer'), 'the offer on the 40th topic arrives');
  });
});
