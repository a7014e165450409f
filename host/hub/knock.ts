// A knock (docs/architecture.md): a guest of an invite that asks it waits for the host to let it
// in. The host is shown a Knock; the first of its admit, its deny and the timeout settles it.
import type { GuestRole } from '../../protocol/roles';
import type { RefusalCode } from '../../protocol/signaling-messages';

/** How long a knock waits for the host by default; then the guest is turned away. */
export const KNOCK_TIMEOUT_MS = 120_000;

/** A guest asking to be admitted. */
export interface Knock {
  peerId: string;
  name: string;
  role: GuestRole;
  inviteId: string;
  /** The verification code the knocking guest sees too. */
  code: string;
  admit(): void;
  deny(reason?: string, code?: RefusalCode): void;
}

/** The host's answer to a knock: let in, or turned away and why. */
export type KnockVerdict = true | { reason: string; code: RefusalCode };

/** Shows the host guest `who`'s knock (through `show`) and waits `timeoutMs` at most for its answer. */
export function askHost(
  who: Omit<Knock, 'admit' | 'deny'>,
  show: (knock: Knock) => void,
  timeoutMs: number,
): Promise<KnockVerdict> {
  return new Promise((resolve) => {
    let done = false;
    const settle = (v: KnockVerdict) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      resolve(v);
    };
    const timer = setTimeout(
      () =>
        settle({ reason: 'the host did not answer in time — try again', code: 'knock-timeout' }),
      timeoutMs,
    );
    show({
      ...who,
      admit: () => settle(true),
      deny: (reason = 'the host did not let you in', code: RefusalCode = 'denied') =>
        settle({ reason, code }),
    });
  });
}
