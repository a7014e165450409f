// A guest is told why joining failed, or why its session ended, from the codes the host and its
// signaling server send (issue 17): describeFailure takes no prose at all, and every code of the
// protocol has an outcome (guest-failure.ts checks that at compile time; this checks the reading).
import { describe, expect, it } from 'vitest';
import { BYE_CODES } from '../../../protocol/hub-control';
import { REFUSAL_CODES, SERVER_CLOSE_CODES } from '../../../protocol/signaling-messages';
import { describeFailure } from '../../../renderer/app/guest-failure';
import type { GuestFailure } from '../../../renderer/sharing/guest-connection';

const every: GuestFailure[] = [
  ...REFUSAL_CODES.map((code) => ({ kind: 'refused' as const, code })),
  ...BYE_CODES.flatMap((code) => [
    { kind: 'bye' as const, code, inviteRevoked: false },
    { kind: 'bye' as const, code, inviteRevoked: true },
  ]),
  ...SERVER_CLOSE_CODES.map((code) => ({ kind: 'signaling' as const, code })),
  { kind: 'unreachable' },
];

describe('describeFailure', () => {
  it('reads every code of the protocol', () => {
    for (const failure of every) {
      const outcome = describeFailure(failure);
      expect(outcome.title, JSON.stringify(failure)).toMatch(/^[A-Z].+[^.]$/);
    }
  });

  it.each<[GuestFailure | null, string, boolean]>([
    [{ kind: 'refused', code: 'invite-expired' }, 'This invite has expired', false],
    [{ kind: 'refused', code: 'invite-revoked' }, 'This invite was revoked', true],
    [{ kind: 'refused', code: 'removed' }, 'The host removed you from this session', true],
    [{ kind: 'refused', code: 'denied' }, 'The host did not let you in', false],
    [{ kind: 'refused', code: 'knock-timeout' }, 'The host did not let you in', false],
    [{ kind: 'refused', code: 'stopped' }, 'The host stopped sharing', true],
    [{ kind: 'refused', code: 'throttled' }, 'Cannot reach the host', false],
    [{ kind: 'refused', code: 'refused' }, 'Cannot reach the host', false],
    [
      { kind: 'bye', code: 'removed', inviteRevoked: true },
      'The host removed you and revoked the link you joined with',
      true,
    ],
    [
      { kind: 'bye', code: 'removed', inviteRevoked: false },
      'The host removed you from this session',
      true,
    ],
    [{ kind: 'bye', code: 'stopped', inviteRevoked: false }, 'The host stopped sharing', true],
    [{ kind: 'bye', code: 'busy', inviteRevoked: false }, 'Cannot reach the host', false],
    [{ kind: 'bye', code: 'rate-limited', inviteRevoked: true }, 'Cannot reach the host', false],
    [{ kind: 'signaling', code: 'no-host' }, 'The host stopped sharing', true],
    [{ kind: 'unreachable' }, 'Cannot reach the host', false],
    [null, 'Cannot reach the host', false],
  ])('%j reads "%s"', (failure, title, endsSession) => {
    expect(describeFailure(failure)).toEqual({ title, endsSession });
  });

  it('ends a session only when the host ended it: removed, stopped sharing, revoked', () => {
    const ending = every.filter((f) => describeFailure(f).endsSession);
    expect(ending.every((f) => f.kind !== 'unreachable')).toBe(true);
    expect(ending.filter((f) => f.kind === 'bye').map((f) => f.code)).toEqual([
      'removed',
      'removed',
      'stopped',
      'stopped',
    ]);
  });
});
