import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { encodeRequest } from '../../../protocol/hub-messages';
import { cellsOf } from '../../../protocol/ydoc-nbformat';
import type { GuestInfo } from '../../../host/hub/hub';
import { codeCell, notebook, sampleNotebook } from '../../helpers/notebooks';
import { RawGuest } from '../../unit/hub/raw-guest';
import {
  docJson,
  guestConnection,
  joinGuest,
  rawTransport,
  sources,
  startHost,
  until,
} from './harness';

const text = (doc: Y.Doc, i: number) => cellsOf(doc).get(i).get('source') as Y.Text;

describe('sharing a session over WebRTC', () => {
  let host: Awaited<ReturnType<typeof startHost>>;
  beforeAll(async () => {
    host = await startHost(sampleNotebook());
  });
  afterAll(async () => {
    await host?.close();
  });

  it('lets a guest join from an invite link, sync and edit', async () => {
    const invite = await host.hub.createInvite('editor');
    const joined: GuestInfo[] = [];
    const off = host.hub.on('join', (g) => joined.push(g));
    const ada = await joinGuest(invite.link, { name: 'Ada' });
    expect(sources(ada.doc)).toEqual(sources(host.session.doc));
    text(ada.doc, 0).insert(0, 'Ada was here. ');
    await until(() => text(host.session.doc, 0).toString().startsWith('Ada was here. '));
    expect(joined.map((g) => [g.name, g.role])).toEqual([['Ada', 'editor']]);
    expect(ada.connection.role).toBe('editor');
    // The code both read aloud: the same on both sides of this connection.
    expect(ada.connection.code).toMatch(/^\d{3} \d{3}$/);
    expect(joined[0]?.code).toBe(ada.connection.code);
    // Ada's presence reaches the host stamped with the peer id the hub gave her.
    ada.client.awareness.setLocalStateField('user', { name: 'Ada', color: '#2563eb' });
    await until(() => host.session.awareness.getStates().get(ada.doc.clientID)?.peer !== undefined);
    expect(host.session.awareness.getStates().get(ada.doc.clientID)?.peer).toBe(joined[0]?.peerId);
    host.hub.off('join', off as never);
    ada.client.destroy();
  });

  it("keeps a modified viewer client from changing the host's document or outputs", async () => {
    const invite = await host.hub.createInvite('viewer');
    const { transport, connection } = await rawTransport(invite.link);
    const resync = new Promise<string>((r) => connection.on('resync', r));
    const viewer = new RawGuest(transport);
    await viewer.until(() => cellsOf(viewer.doc).length === 3);
    const before = JSON.stringify(docJson(host.session.doc));
    text(viewer.doc, 1).insert(0, 'rm -rf /  # ');
    (cellsOf(viewer.doc).get(1).get('outputs') as Y.Array<unknown>).delete(0, 1);
    cellsOf(viewer.doc).get(1).set('execution_count', 666);
    const reply = await viewer.request({ type: 'run', cellIds: ['code1'] });
    expect(reply.ok).toBe(false);
    expect(await resync).toMatch(/viewer/);
    expect(viewer.notices.some((n) => n.type === 'notice' && /viewer/.test(n.message))).toBe(true);
    expect(JSON.stringify(docJson(host.session.doc))).toBe(before);
    transport.close();
  });

  it('gives wrong, expired and revoked invites nothing, not even the cell count', async () => {
    const good = await host.hub.createInvite('editor');
    const wrong = good.link.replace(/k=[^&]+/, `k=${'A'.repeat(43)}`);
    const turnedAway: string[] = [];
    host.hub.on('refused', (_w, reason) => turnedAway.push(reason));
    const joins: string[] = [];
    host.hub.on('join', (g) => joins.push(g.name));
    const relayDropped = host.hub.signalingServer?.dropped ?? 0;
    const w = await rawTransport(wrong, { answerTimeoutMs: 1500 });
    expect(w.closed()).toMatch(/no host shares this topic/);
    // Another secret derives another topic: the host never even hears of it.
    expect(host.hub.signalingServer?.dropped).toBeGreaterThan(relayDropped);
    expect(turnedAway).toEqual([]);

    const expired = await host.hub.createInvite('editor', 1);
    await new Promise((r) => setTimeout(r, 5));
    const e = await rawTransport(expired.link);
    expect(e.closed()).toMatch(/expired at/);
    expect(e.connection.status).toBe('refused');

    const revoked = await host.hub.createInvite('runner');
    host.hub.revokeInvite(revoked.id);
    const r = await rawTransport(revoked.link);
    expect(r.closed()).toMatch(/revoked/);

    expect(joins).toEqual([]);
    expect(turnedAway).toHaveLength(2);
    for (const t of [w, e, r]) {
      const got: Uint8Array[] = [];
      t.transport.onMessage((m) => got.push(m));
      expect(got).toEqual([]);
    }
  });

  it('converges when two guests and the host type into the same cell at once', async () => {
    const invite = await host.hub.createInvite('editor');
    const a = await joinGuest(invite.link, { name: 'A' });
    const b = await joinGuest(invite.link, { name: 'B' });
    const hostText = text(host.session.doc, 2);
    for (let i = 0; i < 30; i++) {
      text(a.doc, 2).insert(0, 'a');
      text(b.doc, 2).insert(text(b.doc, 2).length, 'b');
      hostText.insert(Math.floor(hostText.length / 2), 'h');
      await new Promise((r) => setTimeout(r, 2));
    }
    const done = () =>
      [a.doc, b.doc].every((d) => text(d, 2).toString() === hostText.toString()) &&
      hostText.length >= 90;
    await until(done, 15_000, 'replicas converge');
    const s = hostText.toString();
    expect([...s].filter((c) => c === 'a').length).toBe(30);
    expect([...s].filter((c) => c === 'b').length).toBe(30);
    expect([...s].filter((c) => c === 'h').length).toBe(30);
    a.client.destroy();
    b.client.destroy();
  });

  it('asks the host to admit a knocking guest and turns away a denied one', async () => {
    const knocking = await startHost(sampleNotebook(), { knock: true });
    try {
      const invite = await knocking.hub.createInvite('editor');
      let n = 0;
      const codes: string[] = [];
      knocking.hub.on('knock', (k) => {
        codes.push(k.code);
        if (n++ === 0) k.admit();
        else k.deny('not today');
      });
      const ada = await joinGuest(invite.link, { name: 'Ada' });
      expect(cellsOf(ada.doc).length).toBe(3);
      // The host saw, while deciding, the code Ada sees.
      expect(codes[0]).toBe(ada.connection.code);
      const denied = await rawTransport(invite.link, { name: 'Eve' });
      expect(denied.closed()).toMatch(/not today/);
      ada.client.destroy();
    } finally {
      await knocking.close();
    }
  });

  it('changes a guest role live and removes a guest for good', async () => {
    const invite = await host.hub.createInvite('editor');
    const ada = await joinGuest(invite.link, { name: 'Role' });
    const peer = host.hub.guests().find((g) => g.name === 'Role') as GuestInfo;
    const roles: string[] = [];
    ada.connection.on('role', (r) => roles.push(r));
    host.hub.setRole(peer.peerId, 'viewer');
    await until(() => roles.includes('viewer'));
    const resync = new Promise<string>((r) => ada.connection.on('resync', r));
    const before = text(host.session.doc, 0).toString();
    text(ada.doc, 0).insert(0, 'viewer typing ');
    await resync;
    expect(text(host.session.doc, 0).toString()).toBe(before);
    host.hub.removeGuest(peer.peerId);
    await until(
      () => ada.connection.status === 'refused',
      20_000,
      'removed guest refused on retry',
    );
    expect(host.hub.guests().some((g) => g.name === 'Role')).toBe(false);
    ada.client.destroy();
  });

  it('refuses to merge a replica synced with an earlier run of the host', async () => {
    const invite = await host.hub.createInvite('editor');
    const conn = guestConnection(invite.link);
    conn.epoch = 'older-epoch-0000';
    const restarted = new Promise<void>((r) => conn.on('host-restarted', () => r()));
    const t = conn.openTransport();
    const reason = await new Promise<string>((r) => t.onClose(r));
    await restarted;
    expect(reason).toMatch(/restarted/);
    expect(conn.epoch).toBeNull();
  });

  it('refuses malformed requests by cutting that guest off, and keeps serving others', async () => {
    const invite = await host.hub.createInvite('runner');
    const bad = await rawTransport(invite.link);
    bad.transport.send(Uint8Array.of(2, 3, 0x7b, 0x7b, 0x7b)); // a request that is not JSON
    await until(() => bad.closed() !== null);
    const ok = await joinGuest(invite.link);
    expect(cellsOf(ok.doc).length).toBe(3);
    void encodeRequest;
    ok.client.destroy();
  });
});

describe('large notebooks', () => {
  it('syncs a 5 MB notebook to a new guest through the chunked channel', async () => {
    const big = 'x'.repeat(5 * 1024 * 1024);
    const host = await startHost(notebook([codeCell('big', [big])]));
    try {
      const invite = await host.hub.createInvite('viewer');
      const t0 = Date.now();
      const guest = await joinGuest(invite.link);
      const ms = Date.now() - t0;
      expect(text(guest.doc, 0).length).toBe(big.length);
      console.log(`5 MB notebook reached a new guest in ${ms} ms`);
      guest.client.destroy();
    } finally {
      await host.close();
    }
  });

  it('syncs a 20 MB notebook (20 cells with 1 MB outputs) to a new guest', async () => {
    const line = `${'y'.repeat(1023)}\n`;
    const cells = Array.from({ length: 20 }, (_, i) =>
      codeCell(
        `c${i}`,
        [`print(${i})`],
        [{ name: 'stdout', output_type: 'stream', text: Array(1024).fill(line) }],
      ),
    );
    const host = await startHost(notebook(cells));
    try {
      const invite = await host.hub.createInvite('viewer');
      const t0 = Date.now();
      const guest = await joinGuest(invite.link);
      const ms = Date.now() - t0;
      expect(cellsOf(guest.doc).length).toBe(20);
      expect(JSON.stringify(docJson(guest.doc))).toBe(JSON.stringify(docJson(host.session.doc)));
      expect(JSON.stringify(cellsOf(guest.doc).toJSON()).length).toBeGreaterThan(20 * 1024 * 1024);
      console.log(`20 MB notebook reached a new guest in ${ms} ms`);
      guest.client.destroy();
    } finally {
      await host.close();
    }
  });
});
