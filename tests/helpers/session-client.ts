// A client replica attached to a NotebookSession over an in-memory Transport, speaking the same
// hub messages a window or a guest does.
import * as encoding from 'lib0/encoding';
import * as syncProtocol from 'y-protocols/sync';
import * as Y from 'yjs';
import {
  type ClientRequest,
  type HostNotice,
  Tag,
  decodeHubMessage,
  decodeNotice,
  encodeHubMessage,
  encodeRequest,
} from '../../protocol/hub-messages';
import { type Transport, createTransportPair } from '../../protocol/transport';
import type { NotebookSession } from '../../host/session/notebook-session';

/** A request without its id (the client numbers them). */
export type RequestBody = ClientRequest extends infer R
  ? R extends ClientRequest
    ? Omit<R, 'id'>
    : never
  : never;

/** A connected client: its replica, the notices it got, and a way to send requests. */
export interface TestClient {
  doc: Y.Doc;
  notices: HostNotice[];
  transport: Transport;
  /** Sends a request and resolves with its reply notice. */
  request(r: RequestBody): Promise<Extract<HostNotice, { type: 'reply' }>>;
  /** Resolves with the next notice matching `pred` (already received ones count). */
  waitNotice<T extends HostNotice>(pred: (n: HostNotice) => n is T): Promise<T>;
  /** Resolves when `pred(doc)` holds, re-checked after every update. */
  until(pred: (doc: Y.Doc) => boolean): Promise<void>;
}

let nextId = 1;

/** Connects a client named `name` to `session`. */
export function connectClient(session: NotebookSession, name = 'Ada'): TestClient {
  const [hostEnd, clientEnd] = createTransportPair();
  const doc = new Y.Doc();
  const notices: HostNotice[] = [];
  const waiters = new Set<() => void>();
  const wake = () => waiters.forEach((w) => w());
  clientEnd.onMessage((bytes) => {
    const msg = decodeHubMessage(bytes);
    if (!msg.ok) throw msg.error;
    if (msg.value.tag === Tag.Sync) {
      const reply = encodeHubMessage(Tag.Sync);
      syncProtocol.readSyncMessage(msg.value.body, reply, doc, 'host');
      if (encoding.length(reply) > 1) clientEnd.send(encoding.toUint8Array(reply));
    } else if (msg.value.tag === Tag.Notice) {
      const n = decodeNotice(msg.value.body);
      if (n.ok) notices.push(n.value);
    }
    wake();
  });
  doc.on('update', (u: Uint8Array, origin: unknown) => {
    if (origin === 'host') return;
    const enc = encodeHubMessage(Tag.Sync);
    syncProtocol.writeUpdate(enc, u);
    clientEnd.send(encoding.toUint8Array(enc));
  });
  const step1 = encodeHubMessage(Tag.Sync);
  syncProtocol.writeSyncStep1(step1, doc);
  clientEnd.send(encoding.toUint8Array(step1));
  session.attach(hostEnd, { name });

  const waitFor = <T>(check: () => T | undefined): Promise<T> =>
    new Promise((resolve) => {
      const tryIt = () => {
        const v = check();
        if (v !== undefined) {
          waiters.delete(tryIt);
          resolve(v);
        }
      };
      waiters.add(tryIt);
      tryIt();
    });
  return {
    doc,
    notices,
    transport: clientEnd,
    request(r) {
      const id = nextId++;
      clientEnd.send(encodeRequest({ ...r, id } as ClientRequest));
      return waitFor(() =>
        notices.find(
          (n): n is Extract<HostNotice, { type: 'reply' }> => n.type === 'reply' && n.id === id,
        ),
      );
    },
    waitNotice(pred) {
      return waitFor(() => notices.find(pred));
    },
    until(pred) {
      return waitFor(() => (pred(doc) ? true : undefined)).then(() => undefined);
    },
  };
}
