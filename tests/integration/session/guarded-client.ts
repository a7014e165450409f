// A guest of a NotebookSession as the hub attaches one: the renderer's own HubClient, through the
// hub's GuardedTransport with a role, over an in-memory pipe.
import { ClientIdRegistry } from '../../../host/hub/client-ids';
import { GuardedTransport } from '../../../host/hub/role-guard';
import type { NotebookSession } from '../../../host/session/notebook-session';
import type { HostNotice } from '../../../protocol/hub-messages';
import type { GuestRole } from '../../../protocol/roles';
import { createTransportPair } from '../../../protocol/transport';
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
  const [hostEnd, guestEnd] = createTransportPair();
  const state = { role };
  // A variable, not a literal: the guard's context may ask for more fields than this test needs.
  const ctx = {
    doc: session.doc,
    awareness: session.awareness,
    registry: new ClientIdRegistry(session.doc),
    guestKey: `key-${name}`,
    peerId: `peer-${name}`,
    role: () => state.role,
  };
  session.attach(new GuardedTransport(hostEnd, ctx), { name });
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
