import * as encoding from 'lib0/encoding';
import * as decoding from 'lib0/decoding';
import * as awarenessProtocol from 'y-protocols/awareness';
import * as syncProtocol from 'y-protocols/sync';
import {
  type ClientRequest,
  type HostNotice,
  type RequestResult,
  Tag,
  decodeHubMessage,
  decodeRequest,
  encodeHubMessage,
  encodeNotice,
  syncMessage,
} from '../../protocol/hub-messages';
import { PairbookError } from '../../protocol/errors';
import type { Transport } from '../../protocol/transport';
import { type Doc, decodeStateVector, encodeStateAsUpdate } from 'yjs';
import { fullStateCacheOf } from './full-state-cache';
import { updateFeedOf } from './update-feed';

/** The outcome of a request, as its reply carries it; `code` is an ErrorCode when it failed. */
export interface RequestOutcome {
  ok: boolean;
  message?: string;
  code?: string;
  /** What a completion or inspection found, for the requester alone. */
  result?: RequestResult;
}

/**
 * Handles one request of an attached client; resolves to the reply's outcome. A rejection with a
 * PairbookError becomes a failed reply with its message and code.
 */
export type RequestHandler = (
  request: ClientRequest,
  client: { transport: Transport; notify: (notice: HostNotice) => void },
) => Promise<RequestOutcome>;

/**
 * Called with each document update a client sends, before it is applied (to journal it first).
 * False refuses the update: it is not applied, so nobody sees it; the caller tells the client.
 */
export type UpdateGate = (update: Uint8Array) => boolean;

type AwarenessChange = { added: number[]; updated: number[]; removed: number[] };

// Each change is encoded once for all the clients it goes to (the same bytes, sent to each).
const updateMessages = new WeakMap<Uint8Array, Uint8Array>();
const awarenessMessages = new WeakMap<AwarenessChange, Uint8Array>();

function updateMessage(update: Uint8Array): Uint8Array {
  let message = updateMessages.get(update);
  if (!message) {
    message = syncMessage(syncProtocol.messageYjsUpdate, update);
    updateMessages.set(update, message);
  }
  return message;
}

function awarenessMessage(
  awareness: awarenessProtocol.Awareness,
  change: AwarenessChange,
): Uint8Array {
  let message = awarenessMessages.get(change);
  if (!message) {
    const changed = [...change.added, ...change.updated, ...change.removed];
    const enc = encodeHubMessage(Tag.Awareness);
    encoding.writeVarUint8Array(enc, awarenessProtocol.encodeAwarenessUpdate(awareness, changed));
    message = encoding.toUint8Array(enc);
    awarenessMessages.set(change, message);
  }
  return message;
}

/**
 * Serves one client over `transport`: y-protocols sync of `doc` and awareness, and its requests,
 * until the transport closes or the returned function is called. Updates the client sends carry
 * the transport as their origin, so they are not echoed back to it. A message that cannot be
 * read closes the transport with the reason; the session keeps running. Each update passes
 * `accept` before it is applied.
 */
export function attachSyncClient(
  doc: Doc,
  awareness: awarenessProtocol.Awareness,
  transport: Transport,
  onRequest: RequestHandler,
  accept: UpdateGate = () => true,
): () => void {
  const notify = (notice: HostNotice) => transport.send(encodeNotice(notice));
  const feed = updateFeedOf(doc);
  const clientIds = new Set<number>();

  const onDocUpdate = (update: Uint8Array, origin: unknown) => {
    if (origin !== transport) transport.send(updateMessage(update));
  };
  const onAwareness = (change: AwarenessChange, origin: unknown) => {
    if (origin === transport) {
      change.added.forEach((id) => clientIds.add(id));
      change.removed.forEach((id) => clientIds.delete(id));
    }
    transport.send(awarenessMessage(awareness, change));
  };

  const answerStep1 = (stateVector: Uint8Array) => {
    const whole = decodeStateVector(stateVector).size === 0;
    if (whole)
      return fullStateCacheOf(doc).wholeMessages((messages) => {
        // Prepared off the event loop for a large document: the client may be gone by now.
        if (!detached) messages.forEach((m) => transport.send(m));
      });
    const diff = encodeStateAsUpdate(doc, stateVector);
    transport.send(syncMessage(syncProtocol.messageYjsSyncStep2, diff));
  };

  const onMessage = (bytes: Uint8Array) => {
    const msg = decodeHubMessage(bytes);
    if (!msg.ok) return transport.close(msg.error.message);
    try {
      if (msg.value.tag === Tag.Sync) {
        const body = msg.value.body;
        const type = decoding.readVarUint(body);
        if (type === syncProtocol.messageYjsSyncStep1) {
          answerStep1(decoding.readVarUint8Array(body));
        } else if (
          type === syncProtocol.messageYjsSyncStep2 ||
          type === syncProtocol.messageYjsUpdate
        ) {
          const update = decoding.readVarUint8Array(body);
          if (accept(update)) feed.applyReceived(update, transport);
        } else {
          throw new Error(`unknown sync message type ${type}`);
        }
      } else if (msg.value.tag === Tag.Awareness) {
        const update = decoding.readVarUint8Array(msg.value.body);
        awarenessProtocol.applyAwarenessUpdate(awareness, update, transport);
      } else if (msg.value.tag === Tag.Request) {
        const request = decodeRequest(msg.value.body);
        if (!request.ok) return transport.close(request.error.message);
        const { id } = request.value;
        onRequest(request.value, { transport, notify }).then(
          (r) => notify({ type: 'reply', id, ...r }),
          (e: unknown) =>
            notify({
              type: 'reply',
              id,
              ok: false,
              message: (e as Error).message,
              ...(e instanceof PairbookError ? { code: e.code } : {}),
            }),
        );
      } else {
        return transport.close('clients do not send notices');
      }
    } catch (e) {
      transport.close(`unreadable message (tag ${msg.value.tag}): ${(e as Error).message}`);
    }
  };

  let detached = false;
  const detach = () => {
    if (detached) return;
    detached = true;
    offUpdates();
    awareness.off('update', onAwareness);
    offMessage();
    offClose();
    awarenessProtocol.removeAwarenessStates(awareness, [...clientIds], 'detached');
  };
  const offUpdates = feed.subscribe(onDocUpdate);
  awareness.on('update', onAwareness);
  const offMessage = transport.onMessage(onMessage);
  const offClose = transport.onClose(detach);

  const step1 = encodeHubMessage(Tag.Sync);
  syncProtocol.writeSyncStep1(step1, doc);
  transport.send(encoding.toUint8Array(step1));
  const states = [...awareness.getStates().keys()];
  if (states.length > 0) {
    const enc = encodeHubMessage(Tag.Awareness);
    encoding.writeVarUint8Array(enc, awarenessProtocol.encodeAwarenessUpdate(awareness, states));
    transport.send(encoding.toUint8Array(enc));
  }
  return detach;
}
