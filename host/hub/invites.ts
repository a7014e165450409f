// The live invites of a sharing session. Each has its own secret (so its own signaling key and
// relay topic), a role and an expiry, and can be revoked alone. Secrets live in memory only:
// persisting them is the Electron shell's job (safeStorage), never a plain file.
import {
  type Invite,
  type InviteIceServer,
  formatInvite,
  formatWebInvite,
} from '../../protocol/invite';
import type { GuestRole } from '../../protocol/roles';
import { type InviteKeys, deriveInviteKeys, randomToken } from '../../protocol/signaling-crypto';

/** One invite as the host knows it. */
export interface InviteRecord {
  /** Short id for the UI and the management API (not secret). */
  id: string;
  role: GuestRole;
  /** ms since epoch; null: until sharing stops. */
  expiresAt: number | null;
  revokedAt: number | null;
  /** The link to send (`pairbook://join?...`). */
  link: string;
  /** The browser form, when the hub knows a web base address. */
  webLink: string | null;
  /** Derived signaling key and topic. */
  keys: InviteKeys;
  /** Whether the host admits each guest of this invite (a knock) before they join. */
  knock: boolean;
}

/** Whether an invite still admits guests. */
export type InviteStatus = 'live' | 'expired' | 'revoked';

/** The invites of one session. */
export class InviteBook {
  private readonly byId = new Map<string, InviteRecord>();

  /**
   * `ice`: the STUN/TURN servers a link carries, given its id and expiry (TURN credentials are
   * minted per invite: see ice-servers.ts).
   */
  constructor(
    private readonly base: Omit<Invite, 'secret' | 'iceServers'>,
    private readonly webBase: string | null = null,
    private readonly ice: (id: string, expiresAt: number | null) => InviteIceServer[] = () => [],
  ) {}

  /** Creates an invite of `role`, expiring after `expiresInMs` (null: never). */
  async create(
    role: GuestRole,
    expiresInMs: number | null,
    knock = false,
    now = Date.now(),
  ): Promise<InviteRecord> {
    const secret = randomToken();
    const id = randomToken(6);
    const expiresAt = expiresInMs === null ? null : now + expiresInMs;
    const iceServers = this.ice(id, expiresAt);
    const invite: Invite = { ...this.base, secret, ...(iceServers.length ? { iceServers } : {}) };
    const record: InviteRecord = {
      id,
      role,
      expiresAt,
      revokedAt: null,
      link: formatInvite(invite),
      webLink: this.webBase ? formatWebInvite(invite, this.webBase) : null,
      keys: await deriveInviteKeys(secret, this.base.sessionId),
      knock,
    };
    this.byId.set(record.id, record);
    return record;
  }

  /** Revokes invite `id`; false when there is none. Guests already in stay (remove them apart). */
  revoke(id: string, now = Date.now()): boolean {
    const r = this.byId.get(id);
    if (!r) return false;
    r.revokedAt ??= now;
    return true;
  }

  /** The invite whose relay topic is `topic`. */
  byTopic(topic: string): InviteRecord | undefined {
    for (const r of this.byId.values()) if (r.keys.topic === topic) return r;
    return undefined;
  }

  /** Invite `id`. */
  get(id: string): InviteRecord | undefined {
    return this.byId.get(id);
  }

  /** Every invite, live or not. */
  list(): InviteRecord[] {
    return [...this.byId.values()];
  }

  /** Whether `record` admits guests at `now`. */
  static status(record: InviteRecord, now = Date.now()): InviteStatus {
    if (record.revokedAt !== null) return 'revoked';
    if (record.expiresAt !== null && now >= record.expiresAt) return 'expired';
    return 'live';
  }
}
