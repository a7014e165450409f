import { describe, expect, it } from 'vitest';
import { type AdmissionInput, decideAdmission } from '../../../host/hub/admission';

const NOW = Date.UTC(2026, 0, 1);

/** A live editor invite without a knock, a fresh guest, no wait; `over` replaces any part. */
function input(over: Partial<AdmissionInput> = {}): AdmissionInput {
  return {
    invite: { status: 'live', expiresAt: null, role: 'editor', knock: false },
    guest: { removed: false, epoch: null },
    epoch: 'epoch-1',
    waitMs: 0,
    now: NOW,
    ...over,
  };
}

describe('decideAdmission', () => {
  it("admits a fresh guest of a live invite with the invite's role and knock", () => {
    expect(decideAdmission(input())).toEqual({ admit: true, role: 'editor', knock: false });
    const knocking = input({
      invite: { status: 'live', expiresAt: null, role: 'viewer', knock: true },
    });
    expect(decideAdmission(knocking)).toEqual({ admit: true, role: 'viewer', knock: true });
  });

  it('gives a returning guest key the role the host gave it, not the invite role', () => {
    const back = input({ guest: { removed: false, role: 'runner', epoch: 'epoch-1' } });
    expect(decideAdmission(back)).toEqual({ admit: true, role: 'runner', knock: false });
  });

  it('turns away an expired or revoked invite, saying when it expired', () => {
    const expired = decideAdmission(
      input({ invite: { status: 'expired', expiresAt: NOW - 1000, role: 'editor', knock: true } }),
    );
    expect(expired).toMatchObject({ admit: false, refusal: { code: 'invite-expired', why: '' } });
    expect(!expired.admit && expired.refusal.reason).toContain(new Date(NOW - 1000).toISOString());
    const revoked = decideAdmission(
      input({ invite: { status: 'revoked', expiresAt: null, role: 'editor', knock: false } }),
    );
    expect(revoked).toMatchObject({ admit: false, refusal: { code: 'invite-revoked' } });
  });

  it('turns away a removed guest key and a replica from another epoch', () => {
    expect(decideAdmission(input({ guest: { removed: true, epoch: null } }))).toMatchObject({
      admit: false,
      refusal: { code: 'removed' },
    });
    expect(decideAdmission(input({ guest: { removed: false, epoch: 'epoch-0' } }))).toMatchObject({
      admit: false,
      refusal: { code: 'stale-replica' },
    });
  });

  it('throttles a suspect invite, telling when to try again', () => {
    const d = decideAdmission(input({ waitMs: 2500 }));
    expect(d).toEqual({
      admit: false,
      refusal: {
        reason: expect.stringContaining('try again in 3 s') as unknown as string,
        code: 'throttled',
        why: `throttled until ${NOW + 2500}`,
        retryMs: 2500,
      },
    });
  });

  it('checks the invite first, then the guest, then the wait', () => {
    const code = (over: Partial<AdmissionInput>) => {
      const d = decideAdmission(input({ waitMs: 1000, ...over }));
      return d.admit ? 'admitted' : d.refusal.code;
    };
    const revoked = { status: 'revoked', expiresAt: null, role: 'editor', knock: false } as const;
    const removedStale = { removed: true, epoch: 'epoch-0' };
    expect(code({ invite: revoked, guest: removedStale })).toBe('invite-revoked');
    expect(code({ guest: removedStale })).toBe('removed');
    expect(code({ guest: { removed: false, epoch: 'epoch-0' } })).toBe('stale-replica');
    expect(code({})).toBe('throttled');
  });
});
