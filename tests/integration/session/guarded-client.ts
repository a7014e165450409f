// A guest of a NotebookSession as the hub attaches one: the renderer's own HubClient, through the
// hub's GuardedTransport with a role, over an in-memory pipe.
import { ClientIdRegistry } from '../../../host/hub/client-ids';
import { GuardedTransport } from '../../../host/hub/role-guard';
import type { NotebookSession } from '../../../host/session/notebook-session';
import type { HostNotice } from '../../../protocol/hub-messages';
import type { GuestRole } from '../../../protocol/roles';
import { type Transport, createTransportPair } from '../../../protocol/transport';
import { HubClient } from '../../../renderer/connection/hub-client';

/** A connected guest: its client, its role (change it at will) and the notices it got. */
export interface GuardedGuest {
  client: HubClient;
  notices: HostNotice[];
  state: { role: GuestRole };
  /** Resolves once the first sync finished. */
  synced: Promise<void>;
}

/** Connects a guest with `role` to `session` through the role guard. */
export function connectGuest(
  session: NotebookSession,
  role: GuestRole,
  name: string,
): GuardedGuest {
  const state = { role };
  const guestEnd = attachGuarded(session, () => state.role, name);
  const client = new HubClient(() => guestEnd);
  const notices: HostNotice[] = [];
  client.on('notice', (n) => notices.push(n));
  const synced = new Promise<void>((resolve) =>
    client.on('status', (s) => {
      if (s === 'synced') resolve();
    }),
  );
  client.connect();
  return { client, notices, state, synced };
}

/**
 * Attaches a guest called `name` to `session` through the role guard, with the role `role()`
 * says at each message; returns the guest's end of the pipe.
 */
export function attachGuarded(
  session: NotebookSession,
  role: () => GuestRole,
  name: string,
): Transport {
  const [hostEnd, guestEnd] = createTransportPair();
  // A variable, not a literal: the guard's context may ask for more fields than this test needs.
  const ctx = {
    doc: session.doc,
    awareness: session.awareness,
    registry: new ClientIdRegistry(session.doc),
    guestKey: `key-${name}`,
    peerId: `peer-${name}`,
    role,
  };
  session.attach(new GuardedTransport(hostEnd, ctx), { name, peer: ctx.peerId });
  return guestEnd;
}
