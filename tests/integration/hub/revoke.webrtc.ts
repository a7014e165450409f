// Revoking a link with guests still in by it (issue 12, item 6): the hub removes exactly those the
// host named, of that link, with a bye that says why; the controller names links, says which link
// each guest came in by, and tells the host in one message what the revoke did.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { SharingController } from '../../../host/shell/sharing-controller';
import { type GuestInfo, REVOKED_AND_REMOVED } from '../../../host/hub/hub';
import { NotebookSession } from '../../../host/session/notebook-session';
import type { SharingState } from '../../../protocol/desktop-api';
import { cellsOf } from '../../../protocol/ydoc-nbformat';
import { sampleNotebook, tempDir, writeNotebook } from '../../helpers/notebooks';
import { guestConnection, joinGuest, startHost, until } from './harness';

const text = (doc: Y.Doc, i: number) => cellsOf(doc).get(i).get('source') as Y.Text;
type Joined = Awaited<ReturnType<typeof joinGuest>>;

/** Records the bye a guest is sent. */
function byeOf(guest: Joined): () => { code: string; reason: string } | null {
  let bye: { code: string; reason: string } | null = null;
  guest.connection.on('bye', (code, reason) => (bye = { code, reason }));
  return () => bye;
}

describe('Hub.revokeInvite with guests in by the link', () => {
  let host: Awaited<ReturnType<typeof startHost>>;
  const joined: Joined[] = [];
  beforeAll(async () => {
    host = await startHost(sampleNotebook());
  });
  afterAll(async () => {
    for (const g of joined) g.client.destroy();
    await host?.close();
  });

  it('removes only the guests named who joined with that link; the rest stay connected', async () => {
    const a = await host.hub.createInvite('editor');
    const b = await host.hub.createInvite('editor');
    const ada = await joinGuest(a.link, { name: 'Ada' });
    const grace = await joinGuest(a.link, { name: 'Grace' });
    const bob = await joinGuest(b.link, { name: 'Bob' });
    joined.push(ada, grace, bob);
    const byName = (n: string) => host.hub.guests().find((g) => g.name === n) as GuestInfo;
    expect(byName('Ada').inviteId).toBe(a.id);
    expect(byName('Grace').inviteId).toBe(a.id);
    expect(byName('Bob').inviteId).toBe(b.id);
    const adaBye = byeOf(ada);
    const graceBye = byeOf(grace);
    const bobBye = byeOf(bob);

    // Bob is named too, but he came in by another link: he stays.
    expect(
      host.hub.revokeInvite(a.id, { removeGuests: [byName('Ada').peerId, byName('Bob').peerId] }),
    ).toBe(true);
    await until(() => adaBye() !== null, 10_000, 'Ada told why');
    expect(adaBye()).toEqual({ code: 'removed', reason: REVOKED_AND_REMOVED });
    expect(host.hub.guests().map((g) => g.name)).toEqual(['Grace', 'Bob']);

    // Grace, in by the revoked link but not named, still edits; so does Bob.
    text(grace.doc, 0).insert(0, 'grace ');
    text(bob.doc, 0).insert(0, 'bob ');
    await until(() => /grace/.test(text(host.session.doc, 0).toString()), 10_000, 'Grace edits');
    await until(() => /bob/.test(text(host.session.doc, 0).toString()), 10_000, 'Bob edits');
    expect(graceBye()).toBeNull();
    expect(bobBye()).toBeNull();

    // Ada cannot come back, by that link or any other.
    await until(() => ada.connection.status === 'refused', 20_000, 'Ada refused on retry');
  });

  it('revokes without removing anyone unless asked', async () => {
    const c = await host.hub.createInvite('viewer');
    const lin = await joinGuest(c.link, { name: 'Linus' });
    joined.push(lin);
    const bye = byeOf(lin);
    expect(host.hub.revokeInvite(c.id)).toBe(true);
    expect(host.hub.listInvites().find((r) => r.id === c.id)?.revokedAt).not.toBeNull();
    expect(host.hub.guests().some((g) => g.name === 'Linus')).toBe(true);
    expect(bye()).toBeNull();
    expect(host.hub.revokeInvite('no-such-link')).toBe(false);
  });
});

describe('SharingController: links by name, and what a revoke did', () => {
  let session: NotebookSession;
  let sharing: SharingController;
  const pushed: SharingState[] = [];
  const joined: Joined[] = [];
  beforeAll(async () => {
    session = await NotebookSession.open(writeNotebook(sampleNotebook()), {
      dataDir: tempDir(),
      autosaveDelayMs: 0,
    });
    sharing = new SharingController(session, {
      listenHost: '127.0.0.1',
      webBase: () => null,
      push: (s) => pushed.push(s),
    });
  });
  afterAll(async () => {
    for (const g of joined) g.client.destroy();
    await sharing.stop();
    await session.close();
  });

  it('names links by role in the order made, and says which link each guest came in by', async () => {
    const api = sharing.api();
    const made = [];
    for (const role of ['editor', 'viewer', 'editor'] as const) {
      const r = await api.createInvite({ role, expiresInMinutes: null });
      if (!r.ok) throw new Error(r.error);
      made.push(r.value);
    }
    expect(made.map((i) => i.label)).toEqual(['Editor link 1', 'Viewer link 1', 'Editor link 2']);
    const [first, , second] = made as [(typeof made)[0], unknown, (typeof made)[0]];
    const ada = await joinGuest(second.link, { name: 'Ada' });
    const grace = await joinGuest(second.link, { name: 'Grace' });
    const bob = await joinGuest(first.link, { name: 'Bob' });
    joined.push(ada, grace, bob);
    const state = sharing.state();
    const via = (n: string) => {
      const g = state.guests.find((x) => x.name === n);
      return state.invites.find((i) => i.id === g?.inviteId)?.label;
    };
    expect([via('Ada'), via('Grace'), via('Bob')]).toEqual([
      'Editor link 2',
      'Editor link 2',
      'Editor link 1',
    ]);

    // Revoking Editor link 2 and removing Ada: one message says it all, Grace stays.
    const adaBye = byeOf(ada);
    const ada_ = state.guests.find((g) => g.name === 'Ada');
    const before = pushed.length;
    expect(await api.revokeInvite(second.id, [ada_?.peerId ?? ''])).toEqual({
      ok: true,
      value: null,
    });
    const told = pushed.slice(before).flatMap((s) => (s.change ? [s.change.text] : []));
    expect([...new Set(told)]).toEqual([
      'Editor link 2 was revoked and Ada was removed; Grace stays',
    ]);
    await until(() => adaBye() !== null, 10_000, 'Ada told why');
    expect(adaBye()?.code).toBe('removed');
    const after = sharing.state();
    expect(after.invites.find((i) => i.id === second.id)?.status).toBe('revoked');
    expect(after.guests.map((g) => g.name).sort()).toEqual(['Bob', 'Grace']);

    // Keeping everyone: only the link goes.
    expect((await api.revokeInvite(first.id, [])).ok).toBe(true);
    expect(sharing.state().change?.text).toBe(
      'Editor link 1 was revoked: nobody new can join with it; Bob stays',
    );
    expect(
      sharing
        .state()
        .guests.map((g) => g.name)
        .sort(),
    ).toEqual(['Bob', 'Grace']);
  });

  it('turns away whoever is still knocking with the link revoked', async () => {
    const api = sharing.api();
    await api.setAskBeforeJoining(true);
    const r = await api.createInvite({ role: 'editor', expiresInMinutes: null });
    await api.setAskBeforeJoining(false);
    if (!r.ok) throw new Error(r.error);
    const mallory = guestConnection(r.value.link, { name: 'Mallory' });
    let closed = '';
    mallory.openTransport().onClose((reason) => (closed = reason));
    await until(() => sharing.state().knocks.some((k) => k.name === 'Mallory'), 20_000, 'knock');
    expect((await api.revokeInvite(r.value.id)).ok).toBe(true);
    expect(sharing.state().knocks).toEqual([]);
    await until(() => mallory.status === 'refused', 20_000, 'Mallory turned away');
    expect(closed).toMatch(/revoked/);
    expect(sharing.state().guests.some((g) => g.name === 'Mallory')).toBe(false);
    mallory.destroy();
  });

  it('refuses a revoke of no link, or with anything but peer ids to remove', async () => {
    const api = sharing.api();
    const r = await api.createInvite({ role: 'viewer', expiresInMinutes: 30 });
    if (!r.ok) throw new Error(r.error);
    expect(await api.revokeInvite('nope')).toEqual({ ok: false, error: 'there is no such link' });
    for (const bad of ['peer', [42], new Array(2000).fill('p')]) {
      const res = await api.revokeInvite(r.value.id, bad as string[]);
      expect(res.ok).toBe(false);
    }
    expect(sharing.state().invites.find((i) => i.id === r.value.id)?.status).toBe('live');
    expect((await api.revokeInvite(r.value.id)).ok).toBe(true);
    expect(sharing.state().change?.text).toBe(
      'Viewer link 2 was revoked: nobody new can join with it',
    );
  });
});
