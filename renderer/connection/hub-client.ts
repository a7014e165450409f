import * as decoding from 'lib0/decoding';
import * as encoding from 'lib0/encoding';
import { ObservableV2 } from 'lib0/observable';
import * as awarenessProtocol from 'y-protocols/awareness';
import * as syncProtocol from 'y-protocols/sync';
import * as Y from 'yjs';
import {
  type ClientRequest,
  type HostNotice,
  type RequestResult,
  Tag,
  decodeHubMessage,
  decodeNotice,
  encodeHubMessage,
  encodeRequest,
  requestResultOf,
  syncMessage,
} from '../../protocol/hub-messages';
import { sourceDigests } from '../../protocol/source-digest';
import type { Transport } from '../../protocol/transport';

/** Transaction origin of everything applied from the host, so it is never sent back. */
export const REMOTE_ORIGIN = 'pairbook:remote';

/** Where the connection to the host stands. */
export type ConnectionStatus = 'connecting' | 'syncing' | 'synced' | 'offline';

/** The host's answer to a request. */
export interface RequestOutcome {
  ok: boolean;
  message?: string;
  /** Why it failed, for code to act on (an ErrorCode such as 'file-changed' or 'not-allowed'). */
  code?: string;
  /** What a completion or inspection found. */
  result?: RequestResult;
}

/** A request without its id (the client numbers them). */
export type RequestBody = ClientRequest extends infer R
  ? R extends ClientRequest
    ? Omit<R, 'id'>
    : never
  : never;

/** Events of a HubClient. */
export interface HubClientEvents {
  status: (status: ConnectionStatus, reason: string | null) => void;
  notice: (notice: HostNotice) => void;
}

/** Delay before the first reconnect attempt; doubles up to RECONNECT_MAX_MS. */
const RECONNECT_MIN_MS = 250;
const RECONNECT_MAX_MS = 5000;

/**
 * A client of the host's hub over any Transport: keeps `doc` and `awareness` in sync with
 * y-protocols, sends requests and pairs them with their replies. When the pipe drops, edits keep
 * landing in the local doc and the client reconnects; sync then merges both sides.
 */
export class HubClient extends ObservableV2<HubClientEvents> {
  readonly doc = new Y.Doc();
  readonly awareness = new awarenessProtocol.Awareness(this.doc);
  status: ConnectionStatus = 'connecting';
  private transport: Transport | null = null;
  private nextId = 1;
  private readonly pending = new Map<number, (o: RequestOutcome) => void>();
  private retryMs = RECONNECT_MIN_MS;
  private retryTimer: ReturnType<typeof setTimeout> | null = null;
  private destroyed = false;

  constructor(private readonly openTransport: () => Transport) {
    super();
    this.doc.on('update', this.onDocUpdate);
    this.awareness.on('update', this.onAwarenessUpdate);
  }

  /** Opens the connection (and reopens it whenever it drops). */
  connect(): void {
    if (this.destroyed || this.transport) return;
    this.setStatus('connecting', null);
    const t = this.openTransport();
    this.transport = t;
    t.onMessage((m) => this.onMessage(m));
    t.onClose((reason) => {
      if (this.transport !== t) return;
      this.transport = null;
      for (const resolve of this.pending.values()) {
        resolve({ ok: false, message: `not connected to the host (${reason}); try again` });
      }
      this.pending.clear();
      this.setStatus('offline', reason);
      if (!this.destroyed) {
        this.retryTimer = setTimeout(() => this.connect(), this.retryMs);
        this.retryMs = Math.min(this.retryMs * 2, RECONNECT_MAX_MS);
      }
    });
    const step1 = encodeHubMessage(Tag.Sync);
    syncProtocol.writeSyncStep1(step1, this.doc);
    t.send(encoding.toUint8Array(step1));
    if (this.awareness.getLocalState() !== null) {
      this.sendAwareness([this.doc.clientID]);
    }
  }

  /**
   * Sends `request` to the host; resolves to its reply (refusals included, never rejects). A run
   * carries the digests of the sources this replica holds now, so the host runs what was seen.
   */
  request(request: RequestBody): Promise<RequestOutcome> {
    if (!this.transport) {
      return Promise.resolve({ ok: false, message: 'not connected to the host; try again' });
    }
    if (request.type === 'run' && !request.digests) {
      request = { ...request, digests: sourceDigests(this.doc, request.cellIds) };
    }
    const id = this.nextId++;
    return new Promise((resolve) => {
      this.pending.set(id, resolve);
      this.transport?.send(encodeRequest({ ...request, id } as ClientRequest));
    });
  }

  /** Closes the connection for good. Idempotent. */
  override destroy(): void {
    if (this.destroyed) return;
    this.destroyed = true;
    if (this.retryTimer) clearTimeout(this.retryTimer);
    this.doc.off('update', this.onDocUpdate);
    this.awareness.off('update', this.onAwarenessUpdate);
    awarenessProtocol.removeAwarenessStates(this.awareness, [this.doc.clientID], 'destroyed');
    this.transport?.close('client closed');
    this.awareness.destroy();
    super.destroy();
  }

  private setStatus(status: ConnectionStatus, reason: string | null): void {
    this.status = status;
    this.emit('status', [status, reason]);
  }

  private onMessage(bytes: Uint8Array): void {
    const msg = decodeHubMessage(bytes);
    if (!msg.ok) {
      console.warn('pairbook: unreadable message from the host', msg.error.message);
      return;
    }
    const { tag, body } = msg.value;
    if (tag === Tag.Sync) {
      const reply = encodeHubMessage(Tag.Sync);
      // With an 'update' listener, Yjs re-encodes every applied update for it: 5 MB (~60 ms) on
      // the first sync of a large notebook, only for onDocUpdate to drop it as remote. Anything
      // written meanwhile joins this remote transaction, which onDocUpdate would drop too.
      this.doc.off('update', this.onDocUpdate);
      let type: number;
      try {
        type = syncProtocol.readSyncMessage(body, reply, this.doc, REMOTE_ORIGIN);
      } finally {
        this.doc.on('update', this.onDocUpdate);
      }
      if (encoding.length(reply) > 1) this.transport?.send(encoding.toUint8Array(reply));
      if (type === syncProtocol.messageYjsSyncStep2 && this.status !== 'synced') {
        this.retryMs = RECONNECT_MIN_MS;
        this.setStatus('synced', null);
      } else if (type === syncProtocol.messageYjsSyncStep1 && this.status === 'connecting') {
        this.setStatus('syncing', null);
      }
    } else if (tag === Tag.Awareness) {
      const update = decoding.readVarUint8Array(body);
      awarenessProtocol.applyAwarenessUpdate(this.awareness, update, REMOTE_ORIGIN);
    } else if (tag === Tag.Notice) {
      const notice = decodeNotice(body);
      if (!notice.ok) return console.warn('pairbook:', notice.error.message);
      if (notice.value.type === 'reply') {
        const resolve = this.pending.get(notice.value.id);
        this.pending.delete(notice.value.id);
        const { ok, message, code } = notice.value;
        const result = requestResultOf(notice.value.result);
        resolve?.({
          ok,
          ...(message === undefined ? {} : { message }),
          ...(typeof code === 'string' ? { code } : {}),
          ...(result ? { result } : {}),
        });
      }
      this.emit('notice', [notice.value]);
    }
  }

  private onDocUpdate = (update: Uint8Array, origin: unknown): void => {
    if (origin === REMOTE_ORIGIN || !this.transport) return;
    this.transport.send(syncMessage(syncProtocol.messageYjsUpdate, update));
  };

  private onAwarenessUpdate = (
    changes: { added: number[]; updated: number[]; removed: number[] },
    origin: unknown,
  ): void => {
    if (origin === REMOTE_ORIGIN) return;
    this.sendAwareness([...changes.added, ...changes.updated, ...changes.removed]);
  };

  private sendAwareness(clients: number[]): void {
    if (!this.transport) return;
    const enc = encodeHubMessage(Tag.Awareness);
    encoding.writeVarUint8Array(
      enc,
      awarenessProtocol.encodeAwarenessUpdate(this.awareness, clients),
    );
    this.transport.send(encoding.toUint8Array(enc));
  }
}
