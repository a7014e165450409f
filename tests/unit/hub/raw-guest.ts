// A deliberately bare guest that speaks the hub's wire protocol directly (no HubClient): it can
// send anything, including what the real client never would.
import * as decoding from 'lib0/decoding';
import * as encoding from 'lib0/encoding';
import * as awarenessProtocol from 'y-protocols/awareness';
import * as syncProtocol from 'y-protocols/sync';
import * as Y from 'yjs';
import { type HubControl, decodeControl, isControl } from '../../../protocol/hub-control';
import {
  type ClientRequest,
  type HostNotice,
  Tag,
  decodeHubMessage,
  decodeNotice,
  encodeHubMessage,
  encodeRequest,
} from '../../../protocol/hub-messages';
import type { Transport } from '../../../protocol/transport';
import type { RequestBody } from '../../../renderer/connection/hub-client';

const REMOTE = 'remote';

/** A raw guest on `transport`: keeps a replica, records notices and control messages. */
export class RawGuest {
  readonly doc = new Y.Doc();
  readonly awareness = new awarenessProtocol.Awareness(this.doc);
  readonly notices: HostNotice[] = [];
  readonly controls: HubControl[] = [];
  closed: string | null = null;
  private waiters = new Set<() => void>();
  /** When false, local edits are not sent automatically (send them by hand). */
  autoSend = true;

  constructor(readonly transport: Transport) {
    transport.onMessage((m) => {
      this.receive(m);
      queueMicrotask(() => this.waiters.forEach((w) => w()));
    });
    transport.onClose((r) => {
      this.closed = r;
      this.waiters.forEach((w) => w());
    });
    this.doc.on('update', (u: Uint8Array, origin: unknown) => {
      if (origin !== REMOTE && this.autoSend) this.sendUpdate(u);
    });
    const step1 = encodeHubMessage(Tag.Sync);
    syncProtocol.writeSyncStep1(step1, this.doc);
    transport.send(encoding.toUint8Array(step1));
  }

  /** Sends one message as it is (anything at all: the hub must cope). */
  send(message: Uint8Array): void {
    this.transport.send(message);
  }

  /** Sends a sync step 1 (the host answers with everything this replica lacks). */
  sendStep1(stateVector: Uint8Array = Y.encodeStateVector(this.doc)): void {
    const enc = encodeHubMessage(Tag.Sync);
    encoding.writeVarUint(enc, syncProtocol.messageYjsSyncStep1);
    encoding.writeVarUint8Array(enc, stateVector);
    this.transport.send(encoding.toUint8Array(enc));
  }

  /** Sends a document update as the hub's wire protocol carries it. */
  sendUpdate(update: Uint8Array): void {
    const enc = encodeHubMessage(Tag.Sync);
    syncProtocol.writeUpdate(enc, update);
    this.transport.send(encoding.toUint8Array(enc));
  }

  /** Sends an awareness update of raw entries (client, clock, JSON state). */
  sendAwareness(entries: { client: number; clock: number; state: unknown }[]): void {
    const inner = encoding.createEncoder();
    encoding.writeVarUint(inner, entries.length);
    for (const e of entries) {
      encoding.writeVarUint(inner, e.client);
      encoding.writeVarUint(inner, e.clock);
      encoding.writeVarString(inner, JSON.stringify(e.state));
    }
    const enc = encodeHubMessage(Tag.Awareness);
    encoding.writeVarUint8Array(enc, encoding.toUint8Array(inner));
    this.transport.send(encoding.toUint8Array(enc));
  }

  private nextId = 1;
  /** Sends a request; resolves with the host's reply notice. */
  request(r: RequestBody): Promise<{ ok: boolean; message?: string }> {
    const id = this.nextId++;
    this.transport.send(encodeRequest({ ...r, id } as ClientRequest));
    return this.until(() => {
      const n = this.notices.find((x) => x.type === 'reply' && x.id === id);
      return n && n.type === 'reply' ? n : undefined;
    });
  }

  /** Sends a request without waiting; returns its id (see `replyTo`). */
  fire(r: RequestBody): number {
    const id = this.nextId++;
    this.transport.send(encodeRequest({ ...r, id } as ClientRequest));
    return id;
  }

  /** The host's reply to request `id`, once it came. */
  replyTo(id: number): { ok: boolean; message?: string; code?: string } | undefined {
    const n = this.notices.find((x) => x.type === 'reply' && x.id === id);
    return n && n.type === 'reply' ? n : undefined;
  }

  /** The `bye` the host sent before closing, if it did. */
  get bye(): Extract<HubControl, { type: 'bye' }> | undefined {
    const b = this.controls.find((c) => c.type === 'bye');
    return b?.type === 'bye' ? b : undefined;
  }

  /** Resolves with the first non-undefined value of `check`, re-run after every message. */
  until<T>(check: () => T | undefined | false, timeoutMs = 10_000): Promise<T> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiters.delete(tryIt);
        reject(new Error('timed out waiting on the raw guest'));
      }, timeoutMs);
      const tryIt = () => {
        const v = check();
        if (v === undefined || v === false) return;
        clearTimeout(timer);
        this.waiters.delete(tryIt);
        resolve(v);
      };
      this.waiters.add(tryIt);
      tryIt();
    });
  }

  private receive(bytes: Uint8Array): void {
    if (isControl(bytes)) {
      const c = decodeControl(bytes);
      if (c.ok) this.controls.push(c.value);
      return;
    }
    const msg = decodeHubMessage(bytes);
    if (!msg.ok) return;
    const { tag, body } = msg.value;
    if (tag === Tag.Sync) {
      const reply = encodeHubMessage(Tag.Sync);
      syncProtocol.readSyncMessage(body, reply, this.doc, REMOTE);
      if (encoding.length(reply) > 1) this.transport.send(encoding.toUint8Array(reply));
    } else if (tag === Tag.Awareness) {
      awarenessProtocol.applyAwarenessUpdate(
        this.awareness,
        decoding.readVarUint8Array(body),
        REMOTE,
      );
    } else if (tag === Tag.Notice) {
      const n = decodeNotice(body);
      if (n.ok) this.notices.push(n.value);
    }
  }
}
