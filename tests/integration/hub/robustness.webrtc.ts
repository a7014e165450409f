import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import * as Y from 'yjs';
import { startLocalKernel } from '../../../host/session/kernel-choice';
import { splitFrames } from '../../../protocol/framing';
import { type CellRun, RUNTIME, runtimeOf } from '../../../protocol/runtime-state';
import { cellsOf } from '../../../protocol/ydoc-nbformat';
import type { HubClient } from '../../../renderer/connection/hub-client';
import { codeCell, notebook, sampleNotebook } from '../../helpers/notebooks';
import { docJson, joinGuest, rawTransport, startHost, until } from './harness';
import { seededRandom } from '../../helpers/seeded-random';

const text = (doc: Y.Doc, id: string) =>
  cellsOf(doc)
    .toArray()
    .find((c) => c.get('id') === id)
    ?.get('source') as Y.Text;
const dropLink = (client: HubClient) =>
  (client as unknown as { transport: { close(r: string): void } | null }).transport?.close('drop');

describe("running cells on the host's kernel", () => {
  it("executes a runner's run on the host kernel and every peer gets the output", async () => {
    const host = await startHost(notebook([codeCell('c', ['print(6 * 7)'])]));
    try {
      await startLocalKernel(host.session);
      const runner = await host.hub.createInvite('runner');
      const editor = await host.hub.createInvite('editor');
      const r = await joinGuest(runner.link, { name: 'Runner' });
      const e = await joinGuest(editor.link, { name: 'Editor' });
      expect(await e.client.request({ type: 'run', cellIds: ['c'] })).toMatchObject({ ok: false });
      expect(await r.client.request({ type: 'run', cellIds: ['c'] })).toMatchObject({ ok: true });
      const outputs = (d: Y.Doc) => JSON.stringify(cellsOf(d).get(0).get('outputs'));
      for (const d of [r.doc, e.doc, host.session.doc]) {
        await until(() => outputs(d).includes('42\\n'), 30_000, 'output reaches every peer');
      }
      // The run names the runner by the hub's peer id too, so two guests of one name differ.
      const runnerId = host.hub.guests().find((g) => g.name === 'Runner')?.peerId;
      const lastRun = () =>
        (runtimeOf(e.doc).get(RUNTIME.lastRuns) as Y.Map<CellRun> | undefined)?.get('c');
      await until(() => lastRun() !== undefined, 30_000, 'the run is recorded');
      expect(lastRun()).toMatchObject({ by: 'Runner', peer: runnerId });
      expect(runnerId).toBeTruthy();
      r.client.destroy();
      e.client.destroy();
    } finally {
      await host.close();
    }
  });
});

describe('guests dropping and coming back while everyone types', () => {
  it('ends with equal replicas, nothing lost or duplicated', async () => {
    const seed = Number(process.env.PAIRBOOK_SEED ?? Date.now() % 1_000_000);
    const host = await startHost(notebook([codeCell('t', [])]));
    try {
      const rand = seededRandom(seed);
      const invite = await host.hub.createInvite('editor');
      const guests = await Promise.all(
        ['g0', 'g1', 'g2'].map((name) => joinGuest(invite.link, { name })),
      );
      const alphabet = ['abcdefgh', 'ijklmnop', 'qrstuvwx'];
      const typed = [0, 0, 0];
      let hostTyped = 0;
      for (let step = 0; step < 150; step++) {
        const i = Math.floor(rand() * 3);
        const g = guests[i]!;
        const r = rand();
        if (r < 0.06) dropLink(g.client);
        else {
          const t = text(g.doc, 't');
          const ch = alphabet[i]![Math.floor(rand() * 8)]!;
          t.insert(Math.floor(rand() * (t.length + 1)), ch);
          typed[i]!++;
        }
        if (rand() < 0.2) {
          const t = text(host.session.doc, 't');
          t.insert(Math.floor(rand() * (t.length + 1)), 'Z');
          hostTyped++;
        }
        if (rand() < 0.3) await new Promise((res) => setTimeout(res, 5));
      }
      const final = () => text(host.session.doc, 't').toString();
      await until(
        () =>
          guests.every(
            (g) => g.client.status === 'synced' && text(g.doc, 't').toString() === final(),
          ),
        30_000,
        `replicas converge (seed ${seed})`,
      );
      const s = final();
      alphabet.forEach((letters, i) => {
        expect([...s].filter((c) => letters.includes(c)).length, `seed ${seed}`).toBe(typed[i]);
      });
      expect([...s].filter((c) => c === 'Z').length, `seed ${seed}`).toBe(hostTyped);
      guests.forEach((g) => g.client.destroy());
    } catch (e) {
      console.error(`guest drop test failed with seed ${seed} (rerun with PAIRBOOK_SEED=${seed})`);
      throw e;
    } finally {
      await host.close();
    }
  });
});

describe('fuzzed input', () => {
  let host: Awaited<ReturnType<typeof startHost>>;
  beforeAll(async () => {
    host = await startHost(sampleNotebook());
  });
  afterAll(async () => {
    await host?.close();
  });

  it('a stream of malformed signaling messages changes nothing and crashes nothing', async () => {
    const seed = Number(process.env.PAIRBOOK_SEED ?? Date.now() % 1_000_000);
    const rand = seededRandom(seed);
    const invite = await host.hub.createInvite('editor');
    const topic = host.hub.listInvites()[0]!.keys.topic;
    const before = JSON.stringify(docJson(host.session.doc));
    const events: string[] = [];
    host.hub.on('join', () => events.push('join'));
    host.hub.on('refused', () => events.push('refused'));
    const url = invite.link.match(/s=([^&]+)/)![1]!;
    const ws = new WebSocket(decodeURIComponent(url));
    await new Promise((r) => ws.once('open', r));
    const junk = () => {
      const pick = Math.floor(rand() * 8);
      const bytes = () =>
        Buffer.from(
          Array.from({ length: Math.floor(rand() * 200) }, () => Math.floor(rand() * 256)),
        ).toString('base64url');
      switch (pick) {
        case 0:
          return bytes();
        case 1:
          return JSON.stringify({
            type: 'publish',
            topic,
            from: 'host',
            to: 'host',
            data: bytes(),
          });
        case 2:
          return JSON.stringify({ type: 'publish', topic, to: 'host', data: bytes() || 'x' });
        case 3:
          return JSON.stringify({ type: 'subscribe', topics: [topic], from: 'host' });
        case 4:
          return JSON.stringify({
            type: 'publish',
            topic: 'x'.repeat(Math.floor(rand() * 300)),
            data: 1,
          });
        case 5:
          return JSON.stringify({ type: rand() < 0.5 ? 'ping' : 'nope', topics: bytes() });
        case 6:
          return (
            '{"type":"publish","topic":' +
            JSON.stringify(topic) +
            ',"data":"' +
            'A'.repeat(Math.floor(rand() * 100_000)) +
            '"}'
          );
        default:
          return JSON.stringify([null, 1, { a: bytes() }]);
      }
    };
    // Paced under the server's rate limit, which would otherwise (rightly) cut this socket off.
    for (let i = 0; i < 120; i++) {
      ws.send(junk());
      if (i % 40 === 39) await new Promise((r) => setTimeout(r, 1000));
    }
    await new Promise((r) => setTimeout(r, 300));
    ws.close();
    expect(JSON.stringify(docJson(host.session.doc)), `seed ${seed}`).toBe(before);
    expect(events, `seed ${seed}`).toEqual([]);
    const ok = await joinGuest(invite.link);
    expect(cellsOf(ok.doc).length).toBe(3);
    ok.client.destroy();
  });

  it('malformed data-channel frames and messages change nothing and crash nothing', async () => {
    const seed = Number(process.env.PAIRBOOK_SEED ?? Date.now() % 1_000_000);
    const rand = seededRandom(seed);
    const invite = await host.hub.createInvite('editor');
    const before = JSON.stringify(docJson(host.session.doc));
    const randomBytes = (n: number) =>
      Uint8Array.from({ length: n }, () => Math.floor(rand() * 256));
    for (let round = 0; round < 4; round++) {
      // An invite of its own each round: cut-offs for abuse space out joins on one invite.
      const raw = await rawTransport(
        round === 0 ? invite.link : (await host.hub.createInvite('editor')).link,
      );
      if (raw.closed() !== null) throw new Error(`raw guest closed: ${raw.closed()}`);
      const channel = (raw.transport as unknown as { inner: { channel: RTCDataChannel } }).inner
        .channel;
      for (let i = 0; i < 50 && raw.closed() === null; i++) {
        const kind = Math.floor(rand() * 4);
        // Raw frames of any kind, or well-framed messages of each hub tag with random bodies.
        const frames =
          kind === 0
            ? [randomBytes(1 + Math.floor(rand() * 64))]
            : splitFrames(Uint8Array.from([kind - 1, ...randomBytes(Math.floor(rand() * 64))]));
        try {
          for (const f of frames) channel.send(f as Uint8Array<ArrayBuffer>);
        } catch {
          break; // the host cut this guest off, as it should
        }
        await new Promise((r) => setTimeout(r, 2));
      }
      raw.transport.close();
    }
    await new Promise((r) => setTimeout(r, 300));
    expect(JSON.stringify(docJson(host.session.doc)), `seed ${seed}`).toBe(before);
    await until(() => host.hub.admissionWait(invite.id) === 0, 20_000, 'the wait ends');
    const ok = await joinGuest(invite.link);
    expect(cellsOf(ok.doc).length).toBe(3);
    ok.client.destroy();
  });
});
