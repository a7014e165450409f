// Admission (docs/architecture.md): whether a guest's offer is let in, and how. A pure decision
// from the invite, what the host decided about the guest before (removed, a role), the guest's
// replica and the invite's admission wait; the hub acts on it (a refusal, a knock, a connection).
import type { GuestRole } from '../../protocol/roles';
import type { RefusalCode } from '../../protocol/signaling-messages';
import type { InviteStatus } from './invites';

/** What admission reads: nothing here is looked up or changed. */
export interface AdmissionInput {
  invite: {
    status: InviteStatus;
    expiresAt: number | null;
    role: GuestRole;
    /** Whether the host admits each guest of this invite. */
    knock: boolean;
  };
  guest: {
    /** Removed by the host in this session (by guest key, whatever invite it holds). */
    removed: boolean;
    /** The role the host last gave this guest key, if it did: it outlives reconnects. */
    role?: GuestRole;
    /** The hub epoch of the guest's replica; null: a fresh copy. */
    epoch: string | null;
  };
  /** The hub's epoch: a replica from another one is never merged. */
  epoch: string;
  /** Milliseconds until the invite admits the next guest (AdmissionThrottle.wait). */
  waitMs: number;
  now: number;
}

/** Why a guest is turned away before any knock. */
export interface Refusal {
  reason: string;
  code: RefusalCode;
  /** What tells this refusal from others of the same guest and invite (told once each). */
  why: string;
  /** When the guest may try again, for a throttled invite. */
  retryMs?: number;
}

/** Let in with `role`, after the host admits it when `knock`; or turned away. */
export type Admission =
  { admit: true; role: GuestRole; knock: boolean } | { admit: false; refusal: Refusal };

/** The admission of a guest's offer; see AdmissionInput. */
export function decideAdmission({ invite, guest, epoch, waitMs, now }: AdmissionInput): Admission {
  const refuse = (reason: string, code: RefusalCode, why = '', retryMs?: number): Admission => ({
    admit: false,
    refusal: retryMs === undefined ? { reason, code, why } : { reason, code, why, retryMs },
  });
  if (invite.status === 'expired') {
    const at = new Date(invite.expiresAt as number).toISOString();
    return refuse(`this invite expired at ${at} — ask the host for a new link`, 'invite-expired');
  }
  if (invite.status === 'revoked') {
    return refuse('the host revoked this invite — ask for a new link', 'invite-revoked');
  }
  if (guest.removed) return refuse('the host removed you from this session', 'removed');
  if (guest.epoch !== null && guest.epoch !== epoch) {
    return refuse(
      'stale-replica: the host restarted since you last synced; join again with a fresh copy',
      'stale-replica',
    );
  }
  // Before any work for the offer (DTLS, a full sync, a knock for the host to answer).
  if (waitMs > 0) {
    return refuse(
      'guests joining with this invite keep being cut off for abuse, so the host spaces out ' +
        `new joins on it — try again in ${Math.ceil(waitMs / 1000)} s`,
      'throttled',
      `throttled until ${now + waitMs}`,
      waitMs,
    );
  }
  return { admit: true, role: guest.role ?? invite.role, knock: invite.knock };
}
