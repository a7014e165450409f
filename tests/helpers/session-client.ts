// The renderer's own HubClient, attached to a NotebookSession over an in-memory Transport: the
// same code a window or a guest runs, driven from a test.
import type * as Y from 'yjs';
import type { HostNotice } from '../../protocol/hub-messages';
import { type Transport, createTransportPair } from '../../protocol/transport';
import type { NotebookSession } from '../../host/session/notebook-session';
import {
  HubClient,
  type RequestBody,
  type RequestOutcome,
} from '../../renderer/connection/hub-client';

/** A connected client: its replica, the notices it got, and ways to wait on them. */
export interface TestClient {
  client: HubClient;
  doc: Y.Doc;
  notices: HostNotice[];
  /** The client's end of the pipe (send raw bytes through it to play a misbehaving client). */
  transport: Transport;
  /** Why the host closed the pipe, or null while it is open. */
  closed(): string | null;
  /** Sends a request and resolves with the host's answer. */
  request(r: RequestBody): Promise<RequestOutcome>;
  /** Resolves with the first notice matching `pred` (already received ones count). */
  waitNotice<T extends HostNotice>(pred: (n: HostNotice) => n is T): Promise<T>;
  /** Resolves when `pred(doc)` holds, re-checked after every message. */
  until(pred: (doc: Y.Doc) => boolean): Promise<void>;
}

/** Connects a client named `name` to `session`. */
export function connectClient(session: NotebookSession, name = 'Ada'): TestClient {
  const [hostEnd, clientEnd] = createTransportPair();
  let closed: string | null = null;
  clientEnd.onClose((reason) => (closed = reason));
  const client = new HubClient(() => clientEnd);
  const notices: HostNotice[] = [];
  const waiters = new Set<() => void>();
  client.on('notice', (n) => notices.push(n));
  clientEnd.onMessage(() => queueMicrotask(() => waiters.forEach((w) => w())));
  session.attach(hostEnd, { name });
  client.connect();
  const waitFor = <T>(check: () => T | undefined): Promise<T> =>
    new Promise((resolve) => {
      const tryIt = () => {
        const v = check();
        if (v === undefined) return;
        waiters.delete(tryIt);
        resolve(v);
      };
      waiters.add(tryIt);
      tryIt();
    });
  return {
    client,
    doc: client.doc,
    notices,
    transport: clientEnd,
    closed: () => closed,
    request: (r) => client.request(r),
    waitNotice: (pred) => waitFor(() => notices.find(pred)),
    until: (pred) => waitFor(() => (pred(client.doc) ? true : undefined)).then(() => undefined),
  };
}
