// The hub's control messages to a guest, on the data channel beside the sync messages: its
// welcome, a new role, a resync, and the bye before the host closes the channel.
import { decodeControl, isControl } from '../../protocol/hub-control';
import type { GuestConnection } from './guest-connection';
import type { RtcTransport } from './rtc-transport';

/**
 * Applies a control message from the hub to `guest` (its state and events); false when
 * `message` is not a control message (a sync message, for the HubClient).
 */
export function handleControl(
  guest: GuestConnection,
  message: Uint8Array,
  transport: RtcTransport,
): boolean {
  if (!isControl(message)) return false;
  const c = decodeControl(message);
  if (!c.ok) return true;
  const m = c.value;
  if (m.type === 'welcome') {
    guest.role = m.role;
    const { peerId, role, epoch, notebook } = m;
    guest.notebookName = notebook ?? guest.notebookName;
    guest.emit('welcome', [{ peerId, role, epoch, ...(notebook ? { notebook } : {}) }]);
  } else if (m.type === 'role') {
    guest.role = m.role;
    guest.emit('role', [m.role]);
  } else if (m.type === 'resync') guest.emit('resync', [m.message]);
  else if (m.type === 'bye') {
    transport.byeReason = m.reason;
    guest.bye = { code: m.code, reason: m.reason };
    guest.failure = { kind: 'bye', code: m.code, inviteRevoked: m.inviteRevoked === true };
    guest.emit('bye', [m.code, m.reason]);
    if (m.code === 'too-large') {
      guest.emit('resync', [`The host refused a change of yours as too large (${m.reason})`]);
    }
    // The host waits for this end to close, so the bye is read before the channel goes.
    transport.close(m.reason);
  }
  return true;
}
