// An editor can send any number of valid document updates, each journaled and relayed to every
// guest: the guard bounds them by bytes per guest (DOC_BYTES_LIMIT), refusing past the rate and
// cutting off a sustained flood.
import { describe, expect, it } from 'vitest';
import * as awarenessProtocol from 'y-protocols/awareness';
import * as Y from 'yjs';
import { ClientIdRegistry } from '../../../host/hub/client-ids';
import { MAX_GUEST_MESSAGE_BYTES, RateLimit } from '../../../host/hub/guest-limits';
import { GuardedTransport } from '../../../host/hub/role-guard';
import { attachSyncClient } from '../../../host/session/sync-client';
import type { ByeCode } from '../../../protocol/hub-control';
import type { Notebook } from '../../../protocol/nbformat';
import { createTransportPair } from '../../../protocol/transport';
import { cellsOf, loadNotebookIntoDoc } from '../../../protocol/ydoc-nbformat';
import { sampleNotebook } from '../../helpers/notebooks';
import { RawGuest } from './raw-guest';

async function setup(limit?: RateLimit, inviteLimit?: RateLimit) {
  const doc = new Y.Doc();
  loadNotebookIntoDoc(sampleNotebook() as unknown as Notebook, doc);
  const awareness = new awarenessProtocol.Awareness(doc);
  awareness.setLocalState(null);
  const registry = new ClientIdRegistry(doc);
  const connect = async (guestKey = 'guest-a') => {
    const [hostEnd, guestEnd] = createTransportPair();
    const closes: { reason?: string; code?: ByeCode }[] = [];
    const recording = {
      ...hostEnd,
      send: (m: Uint8Array) => hostEnd.send(m),
      onMessage: (l: (m: Uint8Array) => void) => hostEnd.onMessage(l),
      onClose: (l: (r: string) => void) => hostEnd.onClose(l),
      close: (reason?: string, code?: ByeCode) => {
        closes.push({ reason, code });
        hostEnd.close(reason);
      },
    };
    const guarded = new GuardedTransport(recording, {
      doc,
      awareness,
      registry,
      guestKey,
      peerId: `peer-${guestKey}`,
      role: () => 'editor',
      ...(limit ? { docBytesLimit: limit } : {}),
      ...(inviteLimit ? { inviteDocBytesLimit: inviteLimit } : {}),
    });
    attachSyncClient(doc, awareness, guarded, async () => ({ ok: true }));
    const guest = new RawGuest(guestEnd);
    await guest.until(() => cellsOf(guest.doc).length === 3);
    return { guest, closes };
  };
  return { doc, connect };
}

const source = (doc: Y.Doc) => cellsOf(doc).get(1).get('source') as Y.Text;
const settle = () => new Promise((r) => setTimeout(r, 10));

describe('document bytes from a guest', () => {
  it('take a 16 MiB paste at once with the default limit', async () => {
    const { doc, connect } = await setup();
    const { guest } = await connect();
    const paste = 'p'.repeat(MAX_GUEST_MESSAGE_BYTES.editor - 1024);
    source(guest.doc).insert(0, paste);
    await guest.until(() => source(doc).length >= paste.length || guest.closed);
    expect(source(doc).toString().startsWith(paste)).toBe(true);
    expect(guest.controls.find((c) => c.type === 'resync')).toBeUndefined();
  });

  it('past the rate: the update is refused with a notice and a resync; a flood is cut off', async () => {
    let now = 0;
    const limit = new RateLimit({ perSecond: 1000, burst: 20_000, strikes: 30_000 }, () => now);
    const { doc, connect } = await setup(limit);
    const { guest } = await connect();
    source(guest.doc).insert(0, 'a'.repeat(15_000));
    await settle();
    expect(source(doc).length).toBeGreaterThanOrEqual(15_000);
    const kept = source(doc).toString();
    source(guest.doc).insert(0, 'b'.repeat(15_000));
    await guest.until(() => guest.controls.find((c) => c.type === 'resync'));
    expect(source(doc).toString()).toBe(kept);
    expect(guest.notices.find((n) => n.type === 'notice')).toMatchObject({
      level: 'warning',
      message: expect.stringMatching(/document changes/),
    });
    expect(guest.closed).toBeNull();
    // The same guest on a new connection shares the budget; a flood of it is cut off.
    now += 5000; // 5,000 bytes back
    const second = await connect();
    for (let i = 0; i < 10; i++) source(second.guest.doc).insert(0, 'c'.repeat(10_000));
    await second.guest.until(() => second.guest.closed);
    expect(second.closes.at(-1)).toMatchObject({
      code: 'rate-limited',
      reason: expect.stringMatching(/document changes/),
    });
    expect(source(doc).toString().includes('c'.repeat(10_000))).toBe(false);
  });

  it("share the invite's budget across guest keys: a fresh key gets no more, and is not cut off", async () => {
    const invite = new RateLimit(
      { perSecond: 0, burst: 20_000, strikes: Number.POSITIVE_INFINITY },
      () => 0,
    );
    const { doc, connect } = await setup(undefined, invite);
    const first = await connect('key-1');
    source(first.guest.doc).insert(0, 'a'.repeat(15_000));
    await settle();
    expect(source(doc).length).toBeGreaterThanOrEqual(15_000);
    const second = await connect('key-2');
    source(second.guest.doc).insert(0, 'b'.repeat(15_000));
    await second.guest.until(() => second.guest.controls.find((c) => c.type === 'resync'));
    expect(source(doc).toString().includes('b')).toBe(false);
    expect(second.guest.notices.find((n) => n.type === 'notice')).toMatchObject({
      message: expect.stringMatching(/guests with your link/),
    });
    expect(second.guest.closed).toBeNull();
  });
});
