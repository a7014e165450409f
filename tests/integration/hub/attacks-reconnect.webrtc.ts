// An attacker cut off for abuse reconnects at once, again and again, each time with a fresh guest
// key: every reconnect would cost the host a DTLS handshake and a full sync of the notebook. The
// hub spaces out admissions on that invite (the attacker is refused, told when to retry, and the
// host is told), while guests already in and guests on other invites are untouched.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { cellsOf } from '../../../protocol/ydoc-nbformat';
import { codeCell, notebook } from '../../helpers/notebooks';
import { HubClient } from '../../../renderer/connection/hub-client';
import { guestConnection, joinGuest, startHost, until } from './harness';
import { attacker } from './raw-channel';

const text = (doc: Y.Doc) => cellsOf(doc).get(0).get('source') as Y.Text;
const step1 = new Uint8Array([0, 0, 1, 0]);
// Long enough that a reconnect right after a cut-off falls inside the wait on a busy machine.
const BACKOFF = { free: 0, firstMs: 8000, maxMs: 16_000, quietMs: 12_000 };

describe('an attacker reconnecting after each cut-off', () => {
  let host: Awaited<ReturnType<typeof startHost>>;
  let links: { shared: string; sharedId: string; other: string };
  let insider: Awaited<ReturnType<typeof joinGuest>>;
  const cutOffs: { inviteId: string; code: string; cutOffs: number; waitMs: number }[] = [];
  const refusals: string[] = [];

  beforeEach(async () => {
    cutOffs.length = 0;
    refusals.length = 0;
    host = await startHost(notebook([codeCell('c', ['x = 1'])]), { admissionBackoff: BACKOFF });
    const shared = await host.hub.createInvite('editor');
    links = {
      shared: shared.link,
      sharedId: shared.id,
      other: (await host.hub.createInvite('editor')).link,
    };
    insider = await joinGuest(links.shared, { name: 'Insider' });
    host.hub.on('abuse', (g, c) => cutOffs.push({ inviteId: g.inviteId, ...c }));
    host.hub.on('refused', (_w, reason) => refusals.push(reason));
  });
  afterEach(async () => {
    insider?.client.destroy();
    await host?.close();
  });

  /** One round of the attack: join with the shared link, flood sync step 1; the outcome. */
  async function attack(): Promise<{ bye: string | null; refused: string | null }> {
    let m: Awaited<ReturnType<typeof attacker>>;
    try {
      m = await attacker(links.shared);
    } catch (e) {
      const refused = /could not join: (.*) \((?:refused|offline)\)$/.exec((e as Error).message);
      if (!refused) throw e;
      return { bye: null, refused: refused[1] as string };
    }
    for (let i = 0; i < 20; i++) m.guest.send(step1);
    await until(() => m.closed() !== null, 20_000, 'the attacker is cut off');
    m.connection.destroy();
    return { bye: m.bye()?.code ?? null, refused: null };
  }

  it('is refused on that invite, told when to retry; others join at once; the invite recovers', async () => {
    expect(await attack()).toEqual({ bye: 'rate-limited', refused: null });
    expect(cutOffs).toEqual([
      {
        inviteId: links.sharedId,
        code: 'rate-limited',
        reason: expect.stringMatching(/step 1/),
        cutOffs: 1,
        waitMs: BACKOFF.firstMs,
      },
    ]);
    const second = await attack();
    expect(second.bye).toBeNull();
    expect(second.refused).toMatch(/cut off for abuse.*try again in \d+ s/);
    expect(refusals).toHaveLength(1);
    expect(host.hub.guests().map((g) => g.name)).toEqual(['Insider']);

    // A guest on another invite joins at once; the one already in keeps editing.
    const other = await joinGuest(links.other, { name: 'Other' });
    text(insider.doc).insert(0, '# still here\n');
    await until(() => text(other.doc).toString().startsWith('# still here'), 20_000, 'relayed');
    other.client.destroy();

    // Once the wait and the quiet period are over, the invite admits again.
    await until(() => host.hub.admissionWait(links.sharedId) === 0, 40_000, 'the wait ends');
    const late = await joinGuest(links.shared, { name: 'Late' });
    expect(text(late.doc).toString()).toBe(text(insider.doc).toString());
    late.client.destroy();
  });

  it('lets an honest guest on that invite in by itself once the wait is over', async () => {
    await attack();
    const honest = guestConnection(links.shared, { name: 'Honest' });
    const statuses: string[] = [];
    honest.on('status', (s, reason) => statuses.push(`${s}${reason ? `: ${reason}` : ''}`));
    const client = new HubClient(() => honest.openTransport());
    client.connect();
    try {
      await until(() => client.status === 'synced', 40_000, 'the honest guest gets in');
      // Told to wait, and why; never turned away for good.
      expect(statuses.some((s) => /^offline: .*try again in \d+ s/.test(s))).toBe(true);
      expect(statuses.filter((s) => s.startsWith('refused'))).toEqual([]);
      expect(host.hub.guests().map((g) => g.name)).toContain('Honest');
    } finally {
      client.destroy();
      honest.destroy();
    }
  });

  it('doubles the wait with each cut-off after a wait', async () => {
    await attack();
    await until(() => host.hub.admissionWait(links.sharedId) === 0, 40_000, 'first wait ends');
    expect(await attack()).toEqual({ bye: 'rate-limited', refused: null });
    expect(cutOffs.map((c) => c.cutOffs)).toEqual([1, 2]);
    expect(cutOffs[1]?.waitMs).toBe(BACKOFF.maxMs);
    expect((await attack()).refused).toMatch(/try again in \d+ s/);
  });
});
