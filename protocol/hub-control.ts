// Control messages of a guest's data channel, beside the hub messages of hub-messages.ts: what
// the hub tells the guest's connection (not its document client) about the session itself.
//   control = varuint(CONTROL_TAG) varstring(JSON of HubControl)
// The guest's connection consumes them; they never reach HubClient.
import * as decoding from 'lib0/decoding';
import * as encoding from 'lib0/encoding';
import { PairbookError, type Result, err, ok } from './errors';
import { type GuestRole, isGuestRole } from './roles';

/** Tag of a control message: far from hub-messages' tags, which HubClient would reject anyway. */
export const CONTROL_TAG = 127;

/**
 * Why the hub closed a guest's channel: 'removed' (by the host), 'stopped' (sharing stopped),
 * 'slow-reader' (too much waiting to be sent to it), 'too-large' (a message over its role's cap),
 * 'busy' (no room to receive a message now: connecting again sends it again), 'timeout' (a message begun and never finished), 'rate-limited'
 * (kept sending past a rate limit), 'malformed' (a frame or message that cannot be read, or one
 * a guest never sends), 'closed' (anything else).
 */
export const BYE_CODES = [
  'removed',
  'stopped',
  'slow-reader',
  'too-large',
  'busy',
  'timeout',
  'rate-limited',
  'malformed',
  'closed',
] as const;
export type ByeCode = (typeof BYE_CODES)[number];

/** What the hub tells a guest's connection. */
export type HubControl =
  /** First message on a channel: who the guest is in this session. */
  | {
      type: 'welcome';
      peerId: string;
      role: GuestRole;
      sessionId: string;
      epoch: string;
      /** The notebook's file name, for the guest's title ("analysis.ipynb"); absent: unknown. */
      notebook?: string;
    }
  /** The host changed this guest's role. */
  | { type: 'role'; role: GuestRole }
  /**
   * The hub dropped edits of this guest (role, or content a guest may not write): its replica no
   * longer matches the host's. It should start over from the host's state; `message` says what
   * was not kept.
   */
  | { type: 'resync'; message: string }
  /** The host is closing this channel, and why: the last message on it. */
  | ({ type: 'bye'; reason: string; code: ByeCode } & ByeDetail);

/** More on why a bye was sent, beside its code. */
export interface ByeDetail {
  /** With 'removed': the host also revoked the invite this guest joined with. */
  inviteRevoked?: true;
}

/** Encodes a control message. */
export function encodeControl(control: HubControl): Uint8Array {
  const enc = encoding.createEncoder();
  encoding.writeVarUint(enc, CONTROL_TAG);
  encoding.writeVarString(enc, JSON.stringify(control));
  return encoding.toUint8Array(enc);
}

/** True when `message` is a control message (by its first byte). */
export function isControl(message: Uint8Array): boolean {
  return message[0] === CONTROL_TAG;
}

/** A file name a title may show: 1–255 characters, no path, no control characters. */
function isFileName(value: unknown): value is string {
  return (
    typeof value === 'string' &&
    value.length > 0 &&
    value.length <= 255 &&
    ![...value].some((c) => c === '/' || c === '\\' || c < ' ' || c === '\u007f')
  );
}

/** Reads a control message sent by the hub. Never throws. */
export function decodeControl(message: Uint8Array): Result<HubControl> {
  const bad = (why: string) =>
    err(new PairbookError('invalid-message', `bad control message: ${why}`));
  try {
    const d = decoding.createDecoder(message);
    if (decoding.readVarUint(d) !== CONTROL_TAG) return bad('not a control message');
    const m = JSON.parse(decoding.readVarString(d)) as Record<string, unknown>;
    if (typeof m !== 'object' || m === null) return bad('not an object');
    switch (m.type) {
      case 'welcome':
        if (!isGuestRole(m.role) || typeof m.peerId !== 'string') return bad('bad welcome');
        if (typeof m.sessionId !== 'string' || typeof m.epoch !== 'string')
          return bad('bad welcome');
        return ok({
          type: 'welcome',
          peerId: m.peerId,
          role: m.role,
          sessionId: m.sessionId,
          epoch: m.epoch,
          ...(isFileName(m.notebook) ? { notebook: m.notebook } : {}),
        });
      case 'role':
        return isGuestRole(m.role) ? ok({ type: 'role', role: m.role }) : bad('bad role');
      case 'resync':
        return ok({ type: 'resync', message: String(m.message ?? '') });
      case 'bye':
        return ok({
          type: 'bye',
          reason: String(m.reason ?? ''),
          code: (BYE_CODES as readonly unknown[]).includes(m.code) ? (m.code as ByeCode) : 'closed',
          ...(m.inviteRevoked === true ? { inviteRevoked: true as const } : {}),
        });
      default:
        return bad('unknown type');
    }
  } catch (e) {
    return bad((e as Error).message);
  }
}
