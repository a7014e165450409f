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
  const client = new SyncClient(doc, awareness, transport, onRequest, accept);
  return () => client.detach();
}

/** One attached client: what it is sent, what it sends, until it detaches. */
class SyncClient {
  private readonly feed;
  /** The awareness client ids this client announced (removed for everyone when it leaves). */
  private readonly clientIds = new Set<number>();
  private readonly offs: (() => void)[] = [];
  private detached = false;

  constructor(
    private readonly doc: Doc,
    private readonly awareness: awarenessProtocol.Awareness,
    private readonly transport: Transport,
    private readonly onRequest: RequestHandler,
    private readonly accept: UpdateGate,
  ) {
    this.feed = updateFeedOf(doc);
    awareness.on('update', this.onAwareness);
    this.offs.push(
      this.feed.subscribe(this.onDocUpdate),
      () => awareness.off('update', this.onAwareness),
      transport.onMessage((bytes) => this.onMessage(bytes)),
      transport.onClose(() => this.detach()),
    );
    this.greet();
  }

  detach(): void {
    if (this.detached) return;
    this.detached = true;
    this.offs.forEach((off) => off());
    awarenessProtocol.removeAwarenessStates(this.awareness, [...this.clientIds], 'detached');
  }

  /** Sync step 1, and everyone's presence. */
  private greet(): void {
    const step1 = encodeHubMessage(Tag.Sync);
    syncProtocol.writeSyncStep1(step1, this.doc);
    this.transport.send(encoding.toUint8Array(step1));
    const states = [...this.awareness.getStates().keys()];
    if (states.length === 0) return;
    const enc = encodeHubMessage(Tag.Awareness);
    encoding.writeVarUint8Array(
      enc,
      awarenessProtocol.encodeAwarenessUpdate(this.awareness, states),
    );
    this.transport.send(encoding.toUint8Array(enc));
  }

  private readonly onDocUpdate = (update: Uint8Array, origin: unknown): void => {
    if (origin !== this.transport) this.transport.send(updateMessage(update));
  };

  private readonly onAwareness = (change: AwarenessChange, origin: unknown): void => {
    if (origin === this.transport) {
      change.added.forEach((id) => this.clientIds.add(id));
      change.removed.forEach((id) => this.clientIds.delete(id));
    }
    this.transport.send(awarenessMessage(this.awareness, change));
  };

  private onMessage(bytes: Uint8Array): void {
    const msg = decodeHubMessage(bytes);
    if (!msg.ok) return this.transport.close(msg.error.message);
    const { tag, body } = msg.value;
    try {
      if (tag === Tag.Sync) this.receiveSync(body);
      else if (tag === Tag.Awareness) {
        const update = decoding.readVarUint8Array(body);
        awarenessProtocol.applyAwarenessUpdate(this.awareness, update, this.transport);
      } else if (tag === Tag.Request) this.receiveRequest(body);
      else this.transport.close('clients do not send notices');
    } catch (e) {
      this.transport.close(`unreadable message (tag ${tag}): ${(e as Error).message}`);
    }
  }

  private receiveSync(body: decoding.Decoder): void {
    const type = decoding.readVarUint(body);
    if (type === syncProtocol.messageYjsSyncStep1) {
      this.answerStep1(decoding.readVarUint8Array(body));
    } else if (
      type === syncProtocol.messageYjsSyncStep2 ||
      type === syncProtocol.messageYjsUpdate
    ) {
      const update = decoding.readVarUint8Array(body);
      if (this.accept(update)) this.feed.applyReceived(update, this.transport);
    } else {
      throw new Error(`unknown sync message type ${type}`);
    }
  }

  private answerStep1(stateVector: Uint8Array): void {
    if (decodeStateVector(stateVector).size === 0) {
      return fullStateCacheOf(this.doc).wholeMessages((messages) => {
        // Prepared off the event loop for a large document: the client may be gone by now.
        if (!this.detached) messages.forEach((m) => this.transport.send(m));
      });
    }
    const diff = encodeStateAsUpdate(this.doc, stateVector);
    this.transport.send(syncMessage(syncProtocol.messageYjsSyncStep2, diff));
  }

  private receiveRequest(body: decoding.Decoder): void {
    const request = decodeRequest(body);
    if (!request.ok) return this.transport.close(request.error.message);
    const { id } = request.value;
    const notify = (notice: HostNotice) => this.transport.send(encodeNotice(notice));
    this.onRequest(request.value, { transport: this.transport, notify }).then(
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
  }
}
