// Each way the host turns a guest away or sends it off reaches the guest's connection as a code
// (issue 17), which is what the guest's page reads (renderer/app/guest-failure.ts): the expired,
// revoked and wrong link, the denied knock, the removal (with the link revoked or not), and the
// end of sharing.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { describeFailure } from '../../../renderer/app/guest-failure';
import type { GuestFailure } from '../../../renderer/sharing/guest-connection';
import { sampleNotebook } from '../../helpers/notebooks';
import { joinGuest, rawTransport, startHost, until } from './harness';

type Host = Awaited<ReturnType<typeof startHost>>;
type Joined = Awaited<ReturnType<typeof joinGuest>>;

/** The guest's failure once its client went offline, and how the page reads it. */
async function failureOf(guest: Joined): Promise<{ failure: GuestFailure | null; title: string }> {
  let seen: GuestFailure | null | undefined;
  guest.client.on('status', (s) => {
    if (s === 'offline' && seen === undefined) seen = guest.connection.failure;
  });
  await until(() => seen !== undefined, 10_000, 'guest offline');
  return { failure: seen ?? null, title: describeFailure(seen ?? null).title };
}

describe('failure codes, from the host to the guest', () => {
  let host: Host;
  const joined: Joined[] = [];
  beforeAll(async () => {
    host = await startHost(sampleNotebook());
  });
  afterAll(async () => {
    for (const g of joined) g.client.destroy();
    await host?.close();
  });

  it('refuses an expired invite with invite-expired, a revoked one with invite-revoked', async () => {
    const expired = await host.hub.createInvite('editor', 1);
    await new Promise((r) => setTimeout(r, 5));
    const e = await rawTransport(expired.link);
    expect(e.connection.failure).toEqual({ kind: 'refused', code: 'invite-expired' });
    expect(e.connection.status).toBe('refused');

    const revoked = await host.hub.createInvite('editor');
    host.hub.revokeInvite(revoked.id);
    const r = await rawTransport(revoked.link);
    expect(r.connection.failure).toEqual({ kind: 'refused', code: 'invite-revoked' });
  });

  it("says 'no-host' for a link whose topic no host shares", async () => {
    const good = await host.hub.createInvite('editor');
    const wrong = good.link.replace(/k=[^&]+/, `k=${'A'.repeat(43)}`);
    const w = await rawTransport(wrong, { answerTimeoutMs: 1500 });
    expect(w.closed()).toMatch(/no host shares this topic/);
    expect(w.connection.failure).toEqual({ kind: 'signaling', code: 'no-host' });
  });

  it("removes with a bye 'removed' that says whether the link was revoked too", async () => {
    const a = await host.hub.createInvite('editor');
    const ada = await joinGuest(a.link, { name: 'Ada' });
    const bob = await joinGuest(a.link, { name: 'Bob' });
    joined.push(ada, bob);
    const peerOf = (name: string) => host.hub.guests().find((g) => g.name === name)?.peerId ?? '';
    const adaGone = failureOf(ada);
    host.hub.removeGuest(peerOf('Ada'));
    expect(await adaGone).toEqual({
      failure: { kind: 'bye', code: 'removed', inviteRevoked: false },
      title: 'The host removed you from this session',
    });
    // Ada tries again: refused as removed.
    await until(() => ada.connection.status === 'refused', 20_000, 'Ada refused on retry');
    expect(ada.connection.failure).toEqual({ kind: 'refused', code: 'removed' });

    const bobGone = failureOf(bob);
    host.hub.revokeInvite(a.id, { removeGuests: [peerOf('Bob')] });
    expect(await bobGone).toEqual({
      failure: { kind: 'bye', code: 'removed', inviteRevoked: true },
      title: 'The host removed you and revoked the link you joined with',
    });
  });

  it("denies a knock with 'denied', or with the code the host gives", async () => {
    const knocking = await startHost(sampleNotebook(), { knock: true });
    try {
      const invite = await knocking.hub.createInvite('editor');
      let n = 0;
      knocking.hub.on('knock', (k) =>
        n++ === 0 ? k.deny() : k.deny('the host stopped sharing', 'stopped'),
      );
      const denied = await rawTransport(invite.link, { name: 'Eve' });
      expect(denied.connection.failure).toEqual({ kind: 'refused', code: 'denied' });
      const stopped = await rawTransport(invite.link, { name: 'Mallory' });
      expect(stopped.connection.failure).toEqual({ kind: 'refused', code: 'stopped' });
    } finally {
      await knocking.close();
    }
  });

  it("ends every guest's session with a bye 'stopped' when sharing stops", async () => {
    const invite = await host.hub.createInvite('viewer');
    const lin = await joinGuest(invite.link, { name: 'Linus' });
    joined.push(lin);
    const gone = failureOf(lin);
    await host.hub.stop();
    expect(await gone).toEqual({
      failure: { kind: 'bye', code: 'stopped', inviteRevoked: false },
      title: 'The host stopped sharing',
    });
  });
});
