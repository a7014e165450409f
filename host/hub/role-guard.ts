// The hub's filter between one guest's channel and the session: every message a guest sends
// passes through here before NotebookSession sees it. Document updates are checked against the
// guest's role and the fields a guest may write (inspectUpdate reads them without applying
// anything); run/interrupt/restart/change-kernel need the runner role, and overwriting or
// reloading the file the host's; awareness is limited to the guest's own client ids and to
// validated fields. What is refused is dropped and the guest is told why.
import * as decoding from 'lib0/decoding';
import * as encoding from 'lib0/encoding';
import * as syncProtocol from 'y-protocols/sync';
import * as Y from 'yjs';
import type { Awareness } from 'y-protocols/awareness';
import { type ByeCode, encodeControl } from '../../protocol/hub-control';
import {
  Tag,
  decodeHubMessage,
  decodeRequest,
  encodeHubMessage,
  encodeNotice,
} from '../../protocol/hub-messages';
import { refusal, requiredAction } from '../../protocol/requests';
import { type GuestRole, can, describeRole } from '../../protocol/roles';
import type { Transport } from '../../protocol/transport';
import type { RoleBearingTransport } from '../session/client-role';
import { sanitizeAwarenessUpdate } from './awareness-guard';
import type { ClientIdRegistry } from './client-ids';
import {
  AWARENESS_LIMIT,
  DOC_BYTES_LIMIT,
  REQUEST_LIMIT,
  RateLimit,
  SAVE_LIMIT,
  SYNC_STEP1_LIMIT,
} from './guest-limits';
import { type Touch, inspectUpdate } from './update-inspector';

/** Least time between two "your edit was not kept" notices to one guest. */
export const DROP_NOTICE_INTERVAL_MS = 2000;

/** How often presence held back by the rate limit is retried. */
const AWARENESS_RETRY_MS = 1000 / AWARENESS_LIMIT.perSecond;

/** Cell fields a guest may write freely. */
const FREE_CELL_FIELDS = new Set(['source', 'metadata', 'attachments', 'cell_type', 'id']);

/**
 * Why a guest may not make `touch`, or null when it may. Guests edit sources, metadata and the
 * cell list; outputs, execution counts and the runtime map come from the host's kernel, so a
 * guest may only clear them (an empty outputs list, a null count), or delete them with their cell.
 */
export function forbiddenTouch(touch: Touch): string | null {
  const [root, , key] = touch.path;
  if (root === 'cells') {
    if (touch.path.length === 2 || FREE_CELL_FIELDS.has(key as string)) return null;
    if (touch.kind === 'delete') {
      if (touch.ancestorDeleted) return null;
      if ((key === 'outputs' || key === 'execution_count') && touch.path.length === 3) return null;
      return `guests cannot change a cell's ${key}`;
    }
    if (key === 'outputs' && touch.path.length === 3 && isEmptyArrayOrDeleted(touch.content)) {
      return null;
    }
    if (key === 'execution_count' && touch.path.length === 3 && isNullOrDeleted(touch.content)) {
      return null;
    }
    if (key === 'outputs' || key === 'execution_count' || key === 'execution_state') {
      return "outputs and execution counts come from the host's kernel; guests cannot write them";
    }
    return `cells have no field "${String(key).slice(0, 40)}"`;
  }
  if (root === 'meta' && touch.path[1] === 'metadata') return null;
  if (root === 'runtime') return 'the kernel state is written by the host only';
  return `guests cannot write "${String(root).slice(0, 40)}"`;
}

function isEmptyArrayOrDeleted(content: unknown): boolean {
  // A new, empty Y.Array: items put inside it would be touches of their own, and refused.
  if (content instanceof Y.ContentDeleted) return true;
  return (
    content instanceof Y.ContentType &&
    content.type instanceof Y.Array &&
    content.type._length === 0
  );
}

function isNullOrDeleted(content: unknown): boolean {
  if (content instanceof Y.ContentDeleted) return true;
  return content instanceof Y.ContentAny && content.arr.length === 1 && content.arr[0] === null;
}

/** What a guard needs to know about its guest and the session. */
export interface GuardContext {
  doc: Y.Doc;
  awareness: Awareness;
  registry: ClientIdRegistry;
  /** The guest's stable identity (owns its Yjs client ids across reconnects). */
  guestKey: string;
  /** The guest's peer id in this session, stamped on its presence so everyone can tell who is who. */
  peerId: string;
  /** The guest's current role (read on every message: role changes apply at once). */
  role(): GuestRole;
  /** Saves asked by guests, shared by all of a hub's guests; default: this guest's own. */
  saveLimit?: RateLimit;
  /**
   * Document bytes this guest may send (DOC_BYTES_LIMIT): the hub keeps one per guest key, so a
   * reconnect does not refill it; default: this connection's own.
   */
  docBytesLimit?: RateLimit;
  /** Document bytes of all guests on this guest's invite (INVITE_DOC_BYTES_LIMIT); default none. */
  inviteDocBytesLimit?: RateLimit;
  /** Called when an update is dropped, with the reason (for the hub's events and logs). */
  onDropped?(reason: string): void;
}

/** A guest's channel: closing it may say why, with a code the guest's page can act on. */
export type GuestChannel = Transport & { close(reason?: string, code?: ByeCode): void };

/**
 * A Transport for `session.attach` that wraps a guest's channel and passes on only what the
 * guest's role allows, at the rates guest-limits.ts allows. Sends go straight through; the
 * guest's channel closes on anything unreadable, or on a flood, with the reason.
 *
 * One connection writes under one Yjs client id: the first new one it uses (in the document or
 * in awareness), besides ids its guest claimed on earlier connections (edits a reconnecting
 * replica made before). Awareness is only ever that id's.
 */
export class GuardedTransport implements RoleBearingTransport {
  private readonly listeners = new Set<(m: Uint8Array) => void>();
  private lastDropNotice = -Infinity;
  private readonly offMessage: () => void;
  private connectionClient: number | null = null;
  private readonly step1Limit = new RateLimit(SYNC_STEP1_LIMIT);
  private readonly awarenessLimit = new RateLimit(AWARENESS_LIMIT);
  private heldAwareness: Uint8Array | null = null;
  private awarenessTimer: ReturnType<typeof setTimeout> | null = null;
  private closed = false;
  private readonly requestLimit = new RateLimit(REQUEST_LIMIT);

  private readonly saveLimit: RateLimit;
  private readonly docBytesLimit: RateLimit;

  constructor(
    private readonly inner: GuestChannel,
    private readonly ctx: GuardContext,
  ) {
    this.saveLimit = ctx.saveLimit ?? new RateLimit(SAVE_LIMIT);
    this.docBytesLimit = ctx.docBytesLimit ?? new RateLimit(DOC_BYTES_LIMIT);
    this.offMessage = inner.onMessage((m) => this.receive(m));
    inner.onClose(() => {
      this.closed = true;
      if (this.awarenessTimer) clearTimeout(this.awarenessTimer);
      this.offMessage();
    });
  }

  send(message: Uint8Array): void {
    this.inner.send(message);
  }

  onMessage(listener: (message: Uint8Array) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  onClose(listener: (reason: string) => void): () => void {
    return this.inner.onClose(listener);
  }

  close(reason?: string, code?: ByeCode): void {
    this.inner.close(reason, code);
  }

  /** The guest's role now: the session reads it to word its replies (see client-role.ts). */
  participantRole(): GuestRole {
    return this.ctx.role();
  }

  private pass(message: Uint8Array): void {
    for (const l of this.listeners) l(message);
  }

  private receive(bytes: Uint8Array): void {
    const msg = decodeHubMessage(bytes);
    if (!msg.ok) return this.inner.close(msg.error.message);
    const { tag, body } = msg.value;
    try {
      if (tag === Tag.Sync) return this.receiveSync(bytes, body);
      if (tag === Tag.Awareness) return this.receiveAwareness(body);
      if (tag === Tag.Request) return this.receiveRequest(bytes, body);
      return this.inner.close('guests do not send notices');
    } catch (e) {
      this.inner.close(`unreadable message (tag ${tag}): ${(e as Error).message}`);
    }
  }

  private receiveSync(bytes: Uint8Array, body: decoding.Decoder): void {
    const type = decoding.readVarUint(body);
    if (type === syncProtocol.messageYjsSyncStep1) {
      decoding.readVarUint8Array(body); // must be readable
      // Each is answered with all the guest lacks (the whole notebook, for a fresh replica); a
      // client asks once per connection.
      if (this.step1Limit.take() !== 'ok') {
        return this.inner.close(
          'you asked for the whole notebook twice on one connection (sync step 1 is answered once)',
          'rate-limited',
        );
      }
      return this.pass(bytes);
    }
    if (type !== syncProtocol.messageYjsSyncStep2 && type !== syncProtocol.messageYjsUpdate) {
      return this.inner.close(`unknown sync message type ${type}`);
    }
    const update = decoding.readVarUint8Array(body);
    if (this.withinDocBytes(update.length)) this.receiveUpdate(bytes, update);
  }

  /** Takes `bytes` from the guest's and its invite's document allowances; false if refused. */
  private withinDocBytes(bytes: number): boolean {
    // Counted before inspection: inspecting costs the host too, whatever the update holds.
    const rate = this.docBytesLimit.take(bytes);
    if (rate === 'abuse') {
      this.inner.close(
        `you sent document changes far faster than ${DOC_BYTES_LIMIT.perSecond / 1024} KiB a second`,
        'rate-limited',
      );
      return false;
    }
    const inviteRate = rate === 'ok' ? (this.ctx.inviteDocBytesLimit?.take(bytes) ?? 'ok') : 'ok';
    if (inviteRate !== 'ok') {
      this.drop(
        "document changes over the invite's rate limit",
        'Too many document changes at once from guests with your link',
      );
      return false;
    }
    if (rate === 'over') {
      this.drop(
        'document changes over the rate limit',
        `Too many document changes at once (at most ${DOC_BYTES_LIMIT.burst / (1024 * 1024)} MiB, ` +
          `then ${DOC_BYTES_LIMIT.perSecond / 1024} KiB a second)`,
      );
      return false;
    }
    return true;
  }

  /** A sync step 2 or update within the allowances: passed on if the guest's role allows it. */
  private receiveUpdate(bytes: Uint8Array, update: Uint8Array): void {
    const found = inspectUpdate(this.ctx.doc, update);
    if (!found.ok) return this.drop(found.reason, 'Your last change could not be applied');
    // Nothing the host lacks (a viewer's sync step 2, typing into a moved cell's old text that
    // was already deleted): an editor's is passed on, so the host can carry it into the moved cell.
    if (!found.newContent) return can(this.ctx.role(), 'edit') ? this.pass(bytes) : undefined;
    const role = this.ctx.role();
    if (!can(role, 'edit')) {
      return this.drop(`a ${role} cannot edit`, `You are ${describeRole(role)}`, found.touches);
    }
    let fresh = this.connectionClient;
    for (const client of found.clients) {
      if (!this.ctx.registry.mayWrite(client, this.ctx.guestKey)) {
        return this.drop(`client id ${client} belongs to someone else`, 'Your change was refused');
      }
      if (this.ctx.registry.isOwnedBy(client, this.ctx.guestKey) || client === fresh) continue;
      if (fresh !== null) {
        return this.drop(
          `a second new client id (${client}) on one connection`,
          'Your change was refused: one connection writes under one client id',
        );
      }
      fresh = client;
    }
    for (const touch of found.touches) {
      const why = forbiddenTouch(touch);
      if (why) return this.drop(why, `Your change was refused: ${why}`, [touch]);
    }
    found.clients.forEach((c) => this.ctx.registry.claim(c, this.ctx.guestKey));
    this.connectionClient = fresh;
    this.pass(bytes);
  }

  private receiveAwareness(body: decoding.Decoder): void {
    const update = decoding.readVarUint8Array(body);
    const verdict = this.awarenessLimit.take();
    if (verdict === 'abuse') {
      return this.inner.close(
        'you sent presence updates far faster than 30 a second',
        'rate-limited',
      );
    }
    if (verdict === 'over') {
      // Kept, not dropped: a fast mouse drag is no attack, and the last cursor must not go stale.
      // Only the latest waits, and goes when the limit allows.
      this.heldAwareness = update;
      this.awarenessTimer ??= setTimeout(() => this.releaseAwareness(), AWARENESS_RETRY_MS);
      return;
    }
    this.heldAwareness = null;
    this.applyAwareness(update);
  }

  private releaseAwareness(): void {
    this.awarenessTimer = null;
    const update = this.heldAwareness;
    if (update === null || this.closed) return;
    if (this.awarenessLimit.peek()) {
      this.awarenessLimit.take();
      this.heldAwareness = null;
      this.applyAwareness(update);
    } else this.awarenessTimer = setTimeout(() => this.releaseAwareness(), AWARENESS_RETRY_MS);
  }

  private applyAwareness(update: Uint8Array): void {
    let chosen = this.connectionClient;
    const clean = sanitizeAwarenessUpdate(update, {
      role: this.ctx.role(),
      peerId: this.ctx.peerId,
      owns: (client) => {
        if (chosen !== null) return client === chosen;
        if (!this.ctx.registry.mayWrite(client, this.ctx.guestKey, this.ctx.awareness)) {
          return false;
        }
        chosen = client;
        return true;
      },
    });
    if (!clean.ok) return this.ctx.onDropped?.(`awareness: ${clean.error.message}`);
    this.connectionClient = chosen;
    clean.value.clients.forEach((c) => this.ctx.registry.claim(c, this.ctx.guestKey));
    const enc = encodeHubMessage(Tag.Awareness);
    encoding.writeVarUint8Array(enc, clean.value.update);
    this.pass(encoding.toUint8Array(enc));
  }

  private receiveRequest(bytes: Uint8Array, body: decoding.Decoder): void {
    const request = decodeRequest(body);
    if (!request.ok) return this.inner.close(request.error.message);
    const { id, type } = request.value;
    const verdict = this.requestLimit.take();
    if (verdict === 'abuse') {
      return this.inner.close(
        'you kept sending requests while they were refused (at most 10 a second)',
        'rate-limited',
      );
    }
    if (verdict === 'over') {
      this.ctx.onDropped?.(`${type} refused: over the rate limit`);
      return this.inner.send(
        encodeNotice({
          type: 'reply',
          id,
          ok: false,
          message: 'Too many requests at once (at most 10 a second): wait a moment and try again',
          code: 'rate-limited',
        }),
      );
    }
    const role = this.ctx.role();
    const needs = requiredAction(request.value);
    if (needs && !can(role, needs)) {
      const message = refusal(request.value, role);
      this.ctx.onDropped?.(`${type} refused: ${role}`);
      return this.inner.send(
        encodeNotice({ type: 'reply', id, ok: false, message, code: 'not-allowed' }),
      );
    }
    if (type === 'save') {
      if (this.saveLimit.take() !== 'ok') {
        this.ctx.onDropped?.('save refused: over the rate limit');
        return this.inner.send(
          encodeNotice({
            type: 'reply',
            id,
            ok: false,
            message: 'Saved a moment ago (guests save at most once every 5 s); your edits are kept',
            code: 'rate-limited',
          }),
        );
      }
    }
    this.pass(bytes);
  }

  private drop(reason: string, message: string, touches: Touch[] = []): void {
    this.ctx.onDropped?.(reason);
    const now = Date.now();
    if (now - this.lastDropNotice < DROP_NOTICE_INTERVAL_MS) return;
    this.lastDropNotice = now;
    const cells = [...new Set(touches.map((t) => t.cellId).filter((c): c is string => !!c))];
    const where = cells.length ? ` (cells ${cells.slice(0, 5).join(', ')})` : '';
    const text = `${message}: your edit${where} was not kept; your copy is reloaded from the host's`;
    this.inner.send(encodeNotice({ type: 'notice', level: 'warning', message: text }));
    this.inner.send(encodeControl({ type: 'resync', message: text }));
  }
}
