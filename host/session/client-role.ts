import type { Role } from '../../protocol/roles';
import type { Transport } from '../../protocol/transport';

/**
 * A Transport that knows the role of the participant at its other end. The hub's
 * GuardedTransport is one: every guest is attached to the session through it.
 */
export interface RoleBearingTransport extends Transport {
  /** The participant's role now (it may change while they are connected). */
  participantRole(): Role;
}

/**
 * The role of the client on `transport`: what its RoleBearingTransport says, else 'host'. Only
 * the host's own windows (Electron's MessagePort, the browser shell's WebSocket, the CLI) are
 * attached without a guard, so an unguarded transport is the host's.
 */
export function roleOf(transport: Transport): Role {
  const bearing = transport as Partial<RoleBearingTransport>;
  return typeof bearing.participantRole === 'function' ? bearing.participantRole() : 'host';
}
