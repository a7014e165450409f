// What a guest is told when joining fails or its session ends, from the codes the host (or its
// signaling server) sent: never from the prose beside them, which is for people to read.
import type { ByeCode } from '../../protocol/hub-control';
import type { RefusalCode, ServerCloseCode } from '../../protocol/signaling-messages';
import type { GuestFailure } from '../sharing/guest-connection';

/** How a failure reads to the guest, and whether it ends a session they were in. */
export interface FailureOutcome {
  /** A heading: "This invite has expired". */
  title: string;
  /** The session is over: the guest keeps a read-only copy rather than reconnecting. */
  endsSession: boolean;
}

const unreachable: FailureOutcome = { title: 'Cannot reach the host', endsSession: false };
const removed: FailureOutcome = {
  title: 'The host removed you from this session',
  endsSession: true,
};
const stopped: FailureOutcome = { title: 'The host stopped sharing', endsSession: true };
const notLetIn: FailureOutcome = { title: 'The host did not let you in', endsSession: false };

const REFUSALS = {
  'invite-expired': { title: 'This invite has expired', endsSession: false },
  'invite-revoked': { title: 'This invite was revoked', endsSession: true },
  removed,
  denied: notLetIn,
  'knock-timeout': notLetIn,
  stopped,
  // The guest starts over with the host's copy at once (GuestConnection's 'host-restarted').
  'stale-replica': unreachable,
  throttled: unreachable,
  refused: unreachable,
} satisfies Record<RefusalCode, FailureOutcome>;

/** A guest cut off for one of the hub's bounds reconnects by itself. */
const BYES = {
  removed,
  stopped,
  'slow-reader': unreachable,
  'too-large': unreachable,
  busy: unreachable,
  timeout: unreachable,
  'rate-limited': unreachable,
  malformed: unreachable,
  closed: unreachable,
} satisfies Record<ByeCode, FailureOutcome>;

const REMOVED_AND_REVOKED: FailureOutcome = {
  title: 'The host removed you and revoked the link you joined with',
  endsSession: true,
};

const SERVER_CLOSES = {
  'no-host': stopped,
} satisfies Record<ServerCloseCode, FailureOutcome>;

/** How `failure` reads to the guest; null (nobody said why) reads as unreachable. */
export function describeFailure(failure: GuestFailure | null): FailureOutcome {
  switch (failure?.kind) {
    case 'refused':
      return REFUSALS[failure.code];
    case 'bye':
      return failure.code === 'removed' && failure.inviteRevoked
        ? REMOVED_AND_REVOKED
        : BYES[failure.code];
    case 'signaling':
      return SERVER_CLOSES[failure.code];
    default:
      return unreachable;
  }
}
