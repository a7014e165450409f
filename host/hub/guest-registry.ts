// The guest registry (docs/architecture.md): the hub's guests by peer id, and what it keeps about
// guest keys across their reconnects (the role the host gave, removal, the document byte budget)
// and about invites (their shared document byte budget).
import type { GuestRole } from '../../protocol/roles';
import { DOC_BYTES_LIMIT, INVITE_DOC_BYTES_LIMIT, RateLimit } from './guest-limits';
import type { GuestChannel, GuestConnection } from './peer-connector';

/** A guest as the UI sees it. */
export interface GuestInfo {
  peerId: string;
  name: string;
  role: GuestRole;
  inviteId: string;
  joinedAt: number;
  /** The code host and guest read aloud to check they reached each other ("482 913"). */
  code: string;
  /** Whether their connection goes through a TURN relay (set when it opens; see connectionPath). */
  relayed?: boolean;
}

/** A guest answered: connecting (no channel yet) or in. */
export interface Guest {
  info: GuestInfo;
  guestKey: string;
  connection: GuestConnection;
  /** Its channel, once open and attached to the session. */
  transport: GuestChannel | null;
  detach: (() => void) | null;
}

/** Guest keys whose document byte budget is kept across reconnects (the oldest go first). */
const DOC_LIMITS_KEPT = 4096;

/** The guests of one hub. */
export class GuestRegistry {
  private readonly byPeer = new Map<string, Guest>();
  private readonly roles = new Map<string, GuestRole>(); // by guest key: survives reconnects
  private readonly removed = new Set<string>(); // guest keys
  /** Each guest key's document byte budget (DOC_BYTES_LIMIT), kept across its reconnects. */
  private readonly docLimits = new Map<string, RateLimit>();
  /** Each invite's document byte budget (INVITE_DOC_BYTES_LIMIT), shared by its guests. */
  private readonly inviteDocLimits = new Map<string, RateLimit>();

  /** Guests answered, connecting or in. */
  get size(): number {
    return this.byPeer.size;
  }

  get(peerId: string): Guest | undefined {
    return this.byPeer.get(peerId);
  }

  has(peerId: string): boolean {
    return this.byPeer.has(peerId);
  }

  add(guest: Guest): void {
    this.byPeer.set(guest.info.peerId, guest);
  }

  /** Takes `guest` out; false if it was not in (already taken out). */
  delete(guest: Guest): boolean {
    if (this.byPeer.get(guest.info.peerId) !== guest) return false;
    return this.byPeer.delete(guest.info.peerId);
  }

  /** Every guest, a copy of the list (safe to remove guests while going through it). */
  all(): Guest[] {
    return [...this.byPeer.values()];
  }

  /** The guests whose channel is open, as the UI sees them. */
  connected(): GuestInfo[] {
    return this.all()
      .filter((g) => g.transport)
      .map((g) => ({ ...g.info }));
  }

  /** Guests answered whose data channel has not opened yet. */
  halfOpen(): number {
    let n = 0;
    for (const g of this.byPeer.values()) if (!g.transport) n++;
    return n;
  }

  /** The role the host last gave guest key `guestKey`, if it did. */
  roleOf(guestKey: string): GuestRole | undefined {
    return this.roles.get(guestKey);
  }

  /** Gives `guest` `role`, now and when its key reconnects. */
  setRole(guest: Guest, role: GuestRole): void {
    guest.info.role = role;
    this.roles.set(guest.guestKey, role);
  }

  /** Bars guest key `guestKey` from this session. */
  remove(guestKey: string): void {
    this.removed.add(guestKey);
  }

  isRemoved(guestKey: string): boolean {
    return this.removed.has(guestKey);
  }

  /** Invite `inviteId`'s document byte budget, shared by its guests. */
  inviteDocLimit(inviteId: string): RateLimit {
    let limit = this.inviteDocLimits.get(inviteId);
    if (!limit) {
      limit = new RateLimit(INVITE_DOC_BYTES_LIMIT);
      this.inviteDocLimits.set(inviteId, limit); // invites are the host's: few
    }
    return limit;
  }

  /** Guest key `guestKey`'s document byte budget, the same across its reconnects. */
  docLimit(guestKey: string): RateLimit {
    let limit = this.docLimits.get(guestKey);
    if (limit) {
      this.docLimits.delete(guestKey); // most recently used last
    } else {
      limit = new RateLimit(DOC_BYTES_LIMIT);
      if (this.docLimits.size >= DOC_LIMITS_KEPT) {
        this.docLimits.delete(this.docLimits.keys().next().value as string);
      }
    }
    this.docLimits.set(guestKey, limit);
    return limit;
  }
}
