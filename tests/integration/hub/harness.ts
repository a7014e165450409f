// Hosts and guests for the WebRTC tests: a real NotebookSession and Hub, guests through the
// renderer's own GuestConnection with node-datachannel's RTCPeerConnection and ws's WebSocket.
import { RTCPeerConnection as NodeRTCPeerConnection } from 'node-datachannel/polyfill';
import { WebSocket as NodeWebSocket } from 'ws';
import * as Y from 'yjs';
import { Hub, type HubOptions } from '../../../host/hub/hub';
import { NotebookSession } from '../../../host/session/notebook-session';
import { parseInvite } from '../../../protocol/invite';
import type { Transport } from '../../../protocol/transport';
import { cellsOf } from '../../../protocol/ydoc-nbformat';
import { HubClient } from '../../../renderer/connection/hub-client';
import { GuestConnection, type GuestOptions } from '../../../renderer/sharing/guest-connection';
import { tempDir, writeNotebook } from '../../helpers/notebooks';
import type { JsonObject } from '../../../protocol/python-json';

if (process.env.PAIRBOOK_NETNS !== '1') {
  throw new Error(
    'WebRTC tests run only inside the private network namespace: ' +
      'scripts/netns-run npx vitest run -c vitest.webrtc.config.ts',
  );
}

/** A host: a session of `nb` shared by a hub. */
export async function startHost(nb: JsonObject | string, options: HubOptions = {}) {
  const session = await NotebookSession.open(writeNotebook(nb), {
    dataDir: tempDir(),
    autosaveDelayMs: 0,
  });
  const hub = new Hub(session, options);
  await hub.start();
  const close = async () => {
    await hub.stop();
    await session.close();
  };
  return { session, hub, close };
}

/**
 * node-datachannel's RTCPeerConnection, with TURN credentials percent-encoded: the polyfill
 * writes them into a `turn:USER:PASS@HOST` URL as they are, which a coturn REST API username
 * (`expiry:id`, with a colon) or a base64 credential would break; libdatachannel decodes them.
 */
export class NodePeerConnection extends NodeRTCPeerConnection {
  constructor(config: RTCConfiguration = {}) {
    super({
      ...config,
      iceServers: (config.iceServers ?? []).map((s) =>
        s.username === undefined
          ? s
          : {
              ...s,
              username: encodeURIComponent(s.username),
              credential: encodeURIComponent(String(s.credential ?? '')),
            },
      ),
    });
  }
}

/** A guest's connection from `link` in Node. */
export function guestConnection(
  link: string,
  options: Partial<GuestOptions> = {},
): GuestConnection {
  const invite = parseInvite(link);
  if (!invite.ok) throw invite.error;
  return new GuestConnection(invite.value, {
    name: 'Ada',
    RTCPeerConnection: NodePeerConnection as unknown as typeof RTCPeerConnection,
    WebSocket: NodeWebSocket as unknown as typeof WebSocket,
    ...options,
  });
}

/** A guest running the renderer's HubClient over WebRTC; resolves once synced. */
export async function joinGuest(link: string, options: Partial<GuestOptions> = {}) {
  const connection = guestConnection(link, options);
  const client = new HubClient(() => connection.openTransport());
  client.connect();
  await until(() => client.status === 'synced', 20_000, 'guest never synced');
  return { connection, client, doc: client.doc };
}

/** Opens one raw Transport to the host from `link` (for deliberately misbehaving guests). */
export async function rawTransport(
  link: string,
  options: Partial<GuestOptions> = {},
): Promise<{ transport: Transport; connection: GuestConnection; closed: () => string | null }> {
  const connection = guestConnection(link, options);
  const transport = connection.openTransport();
  let closed: string | null = null;
  transport.onClose((r) => (closed = r));
  await until(() => connection.status === 'connected' || closed !== null, 20_000, 'no connection');
  return { transport, connection, closed: () => closed };
}

/** Resolves when `check` holds, polling every 10 ms; rejects with `what` after `ms`. */
export async function until(check: () => boolean, ms = 15_000, what = 'condition'): Promise<void> {
  const end = Date.now() + ms;
  while (!check()) {
    if (Date.now() > end) throw new Error(`timed out: ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

/** The sources of a document's cells, joined. */
export const sources = (doc: Y.Doc): string[] =>
  cellsOf(doc)
    .toArray()
    .map((c) => (c.get('source') as Y.Text).toString());

/** The whole document as JSON, for equality checks. */
export const docJson = (doc: Y.Doc) => ({
  cells: cellsOf(doc).toJSON(),
  meta: doc.getMap('meta').toJSON(),
});
