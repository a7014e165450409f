// Who is in the session, as awareness says: each participant's name, colour, role, the cell they
// are in and, for a guest, the hub's peer id.
import type { Awareness } from 'y-protocols/awareness';
import type { Role } from '../../protocol/roles';

/** One participant as awareness describes them. */
export interface Participant {
  clientId: number;
  name: string;
  color: string;
  role: Role | null;
  activeCell: string | null;
  /** The hub's peer id for a guest (stamped by the host on their presence); null otherwise. */
  peerId: string | null;
  self: boolean;
}

/** Reads the participants out of `awareness`, this person first. */
export function participantsOf(awareness: Awareness): Participant[] {
  const out: Participant[] = [];
  for (const [clientId, state] of awareness.getStates()) {
    const user = state.user as { name?: unknown; color?: unknown } | undefined;
    if (!user || typeof user.name !== 'string') continue;
    out.push({
      clientId,
      name: user.name,
      color: typeof user.color === 'string' ? user.color : '#888888',
      role: typeof state.role === 'string' ? (state.role as Role) : null,
      activeCell: typeof state.activeCell === 'string' ? state.activeCell : null,
      peerId: typeof state.peer === 'string' ? state.peer : null,
      self: clientId === awareness.clientID,
    });
  }
  return out.sort((a, b) => Number(b.self) - Number(a.self) || a.name.localeCompare(b.name));
}
