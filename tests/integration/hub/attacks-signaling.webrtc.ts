// Attacks through signaling, by clients speaking the relay's WebSocket protocol directly with the
// secret of a link they hold (or none). After each, the host's socket is still the host's and an
// honest guest still joins.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { WebSocket as NodeWebSocket, WebSocketServer } from 'ws';
import { parseInvite } from '../../../protocol/invite';
import {
  type InviteKeys,
  decryptText,
  deriveInviteKeys,
  encryptText,
  randomToken,
} from '../../../protocol/signaling-crypto';
import {
  type Offer,
  decodeHostReply,
  decodeSignedReply,
} from '../../../protocol/signaling-messages';
import { sampleNotebook } from '../../helpers/notebooks';
import { Client } from '../../unit/hub/signaling-test-client';
import { HubClient } from '../../../renderer/connection/hub-client';
import { guestConnection, joinGuest, startHost, until } from './harness';

const SDP = 'v=0\r\no=- 0 0 IN IP4 127.0.0.1\r\ns=-\r\nt=0 0\r\n';

/** What a link gives an attacker: the relay, the topic and the key. */
async function holdLink(link: string): Promise<{ url: string; keys: InviteKeys }> {
  const invite = parseInvite(link);
  if (!invite.ok) throw invite.error;
  const keys = await deriveInviteKeys(invite.value.secret, invite.value.sessionId);
  return { url: invite.value.signaling[0] as string, keys };
}

/** A sealed offer publish from peer `from`. */
async function offerPublish(keys: InviteKeys, fields: Partial<Offer> & { from: string }) {
  const offer: Offer = {
    type: 'offer',
    nonce: randomToken(16),
    guest: randomToken(16),
    name: 'Mallory',
    epoch: null,
    sdp: SDP,
    ...fields,
  };
  const data = await encryptText(keys.key, JSON.stringify(offer));
  return { type: 'publish', topic: keys.topic, from: fields.from, to: 'host', data };
}

/** The host replies among what `c` received (signature not checked: counting only). */
async function repliesTo(c: Client, keys: InviteKeys) {
  const out: { type: string; nonce: string }[] = [];
  for (const m of c.received) {
    const opened = await decryptText(keys.key, m.data as string);
    if (!opened.ok) continue;
    const signed = decodeSignedReply(opened.value);
    if (!signed.ok) continue;
    const reply = decodeHostReply(signed.value.body);
    if (reply.ok) out.push(reply.value);
  }
  return out;
}

let host: Awaited<ReturnType<typeof startHost>>;
const sockets: Client[] = [];
const open = async (url: string) => {
  const c = await Client.open(url);
  sockets.push(c);
  return c;
};

describe('signaling attacks', () => {
  beforeEach(async () => {
    host = await startHost(sampleNotebook());
  });
  afterEach(async () => {
    for (const s of sockets.splice(0)) s.ws.terminate();
    await host.close();
  });

  it('anyone without a secret holding 400 idle sockets does not keep a guest out', async () => {
    const live = await host.hub.createInvite('editor');
    const { url } = await holdLink(live.link);
    await Promise.allSettled(Array.from({ length: 400 }, () => open(url)));
    const guest = await joinGuest(live.link, { name: 'Ada' });
    expect(host.hub.guests().map((g) => g.name)).toEqual(['Ada']);
    guest.client.destroy();
  });

  it('a revoked link flooding offers while a squatter claims host: one refusal, and the host still admits', async () => {
    const live = await host.hub.createInvite('editor');
    const revoked = await host.hub.createInvite('editor');
    host.hub.revokeInvite(revoked.id);
    const refused: string[] = [];
    host.hub.on('refused', (_who, reason) => refused.push(reason));
    const { url, keys } = await holdLink(revoked.link);
    const guest = randomToken(16);
    const flooders = await Promise.all(Array.from({ length: 8 }, () => open(url)));
    const squatter = await open(url);
    const flood = flooders.map(async (f, i) => {
      f.send({ type: 'subscribe', topics: [keys.topic], from: `flood${i}` });
      for (let j = 0; j < 40; j++) f.send(await offerPublish(keys, { from: `flood${i}`, guest }));
      await f.sync();
    });
    squatter.send({ type: 'subscribe', topics: [keys.topic], from: 'host' });
    await Promise.all(flood);
    await squatter.closed;
    expect(squatter.closeReason).toMatch(/reserved/);
    // A marker offer of another guest key: once its refusal is back, the flood has been read.
    for (const marker of ['m1', 'm2']) {
      const m = await open(url);
      m.send({ type: 'subscribe', topics: [keys.topic], from: marker });
      m.send(await offerPublish(keys, { from: marker }));
      await until(() => m.received.length > 0, 20_000, `the host refuses ${marker}`);
    }
    let floodReplies = 0;
    for (const f of flooders) floodReplies += (await repliesTo(f, keys)).length;
    expect(floodReplies).toBe(1);
    expect(refused.filter((r) => /revoked/.test(r))).toHaveLength(3); // the flood once, 2 markers
    const ada = await joinGuest(live.link, { name: 'Ada' });
    expect(host.hub.guests().map((g) => g.name)).toEqual(['Ada']);
    ada.client.destroy();
  });

  it('a revoked link flooding offers under fresh guest keys gets at most 10 refusals a second', async () => {
    const live = await host.hub.createInvite('editor');
    const revoked = await host.hub.createInvite('editor');
    host.hub.revokeInvite(revoked.id);
    const { url, keys } = await holdLink(revoked.link);
    const started = Date.now();
    const flooders = await Promise.all(Array.from({ length: 8 }, () => open(url)));
    await Promise.all(
      flooders.map(async (f, i) => {
        f.send({ type: 'subscribe', topics: [keys.topic], from: `flood${i}` });
        for (let j = 0; j < 40; j++) f.send(await offerPublish(keys, { from: `flood${i}` }));
        await f.sync();
      }),
    );
    // Markers until one is answered: the budget refills at 10 a second.
    let answered = false;
    for (let n = 0; !answered; n++) {
      const m = await open(url);
      m.send({ type: 'subscribe', topics: [keys.topic], from: `marker${n}` });
      m.send(await offerPublish(keys, { from: `marker${n}` }));
      answered = await until(() => m.received.length > 0, 1000, 'marker refused').then(
        () => true,
        () => false,
      );
    }
    const seconds = (Date.now() - started) / 1000;
    let floodReplies = 0;
    for (const f of flooders) floodReplies += (await repliesTo(f, keys)).length;
    expect(floodReplies).toBeGreaterThan(0);
    expect(floodReplies).toBeLessThanOrEqual(20 + Math.ceil(10 * seconds));
    expect(floodReplies).toBeLessThan(320);
    const ada = await joinGuest(live.link, { name: 'Ada' });
    expect(host.hub.guests().map((g) => g.name)).toEqual(['Ada']);
    ada.client.destroy();
  });

  it('a live link flooding unreadable offers leaves no half-open guest behind', async () => {
    const live = await host.hub.createInvite('editor');
    const { url, keys } = await holdLink(live.link);
    const flooders = await Promise.all(Array.from({ length: 4 }, () => open(url)));
    await Promise.all(
      flooders.map(async (f, i) => {
        for (let j = 0; j < 6; j++) {
          const from = `junk${i}x${j}`; // a socket binds at most 8 peer ids
          f.send({ type: 'subscribe', topics: [keys.topic], from });
          f.send(await offerPublish(keys, { from }));
        }
        await f.sync();
      }),
    );
    const m = await open(url);
    m.send({ type: 'subscribe', topics: [keys.topic], from: 'marker' });
    m.send(await offerPublish(keys, { from: 'marker', epoch: randomToken(12) }));
    await until(() => m.received.length > 0, 20_000, 'the host refuses the marker');
    const hub = host.hub as unknown as { peers: Map<string, unknown> };
    expect(hub.peers.size).toBe(0);
    const ada = await joinGuest(live.link, { name: 'Ada' });
    expect(host.hub.guests().map((g) => g.name)).toEqual(['Ada']);
    ada.client.destroy();
  });

  it('a replayed offer gets nothing', async () => {
    const live = await host.hub.createInvite('editor');
    const sent: string[] = [];
    class RecordingWebSocket extends NodeWebSocket {
      override send(data: unknown, ...rest: unknown[]): void {
        sent.push(String(data));
        (super.send as (...a: unknown[]) => void)(data, ...rest);
      }
    }
    const ada = await joinGuest(live.link, {
      name: 'Ada',
      WebSocket: RecordingWebSocket as unknown as typeof WebSocket,
    });
    ada.client.destroy();
    await until(() => host.hub.guests().length === 0, 20_000, 'Ada left');
    const { url, keys } = await holdLink(live.link);
    const [subscribe, publish] = sent.map((s) => JSON.parse(s) as { type: string });
    expect([subscribe?.type, publish?.type]).toEqual(['subscribe', 'publish']);
    const replayer = await open(url);
    replayer.send(subscribe);
    replayer.send(publish);
    await replayer.sync();
    // A marker: an offer the host refuses (from an earlier run of the host). Once its refusal
    // is back, the replay has been read.
    const m = await open(url);
    m.send({ type: 'subscribe', topics: [keys.topic], from: 'marker' });
    m.send(await offerPublish(keys, { from: 'marker', epoch: randomToken(12) }));
    await until(() => m.received.length > 0, 20_000, 'the host refuses the marker');
    expect(await repliesTo(m, keys)).toMatchObject([{ type: 'refused' }]);
    const hub = host.hub as unknown as { peers: Map<string, unknown>; pending: Set<string> };
    expect([hub.peers.size, hub.pending.size]).toEqual([0, 0]);
    expect(replayer.received).toEqual([]);
    const bob = await joinGuest(live.link, { name: 'Bob' });
    expect(host.hub.guests().map((g) => g.name)).toEqual(['Bob']);
    bob.client.destroy();
  });
});

/** A y-webrtc relay (broadcast to every subscriber, the sender too) that loses guests' offers. */
async function lossyRelay(lose: number): Promise<{ url: string; close: () => Promise<void> }> {
  const wss = new WebSocketServer({ host: '127.0.0.1', port: 0 });
  await new Promise((r) => wss.once('listening', r));
  const topics = new Map<string, Set<NodeWebSocket>>();
  let lost = 0;
  wss.on('connection', (ws) => {
    ws.on('message', (d) => {
      const m = JSON.parse(d.toString()) as { type: string; topics?: string[]; topic?: string };
      const offer = m.type === 'publish' && (m as { from?: string }).from !== 'host';
      if (m.type === 'subscribe') {
        for (const t of m.topics ?? []) topics.set(t, (topics.get(t) ?? new Set()).add(ws));
      } else if (m.type === 'publish' && !(offer && lost++ < lose)) {
        for (const r of topics.get(m.topic ?? '') ?? []) r.send(JSON.stringify(m));
      } else if (m.type === 'ping') ws.send('{"type":"pong"}');
    });
    ws.on('close', () => topics.forEach((set) => set.delete(ws)));
  });
  const port = (wss.address() as { port: number }).port;
  return { url: `ws://127.0.0.1:${port}`, close: () => new Promise((r) => wss.close(() => r())) };
}

describe('a y-webrtc relay that loses messages', () => {
  it("the guest's offer, lost once, goes again: it joins on its first attempt", async () => {
    const relay = await lossyRelay(1);
    const h = await startHost(sampleNotebook(), { signaling: [relay.url] });
    try {
      const live = await h.hub.createInvite('editor');
      const connection = guestConnection(live.link, { name: 'Ada' });
      let attempts = 0;
      const client = new HubClient(() => {
        attempts++;
        return connection.openTransport();
      });
      client.connect();
      await until(() => client.status === 'synced', 30_000, 'Ada synced');
      expect(attempts).toBe(1);
      expect(h.hub.guests().map((g) => g.name)).toEqual(['Ada']);
      client.destroy();
    } finally {
      await h.close();
      await relay.close();
    }
  });
});
