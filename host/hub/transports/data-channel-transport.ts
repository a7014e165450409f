import type { DataChannel } from 'node-datachannel';
import {
  type AssemblerLimits,
  FRAME_BYTES,
  FrameAssembler,
  nextFrame,
} from '../../../protocol/framing';
import { type ByeCode, type ByeDetail, encodeControl } from '../../../protocol/hub-control';
import { TransportBase } from '../../../protocol/transport';
import { MESSAGE_DEADLINE_MS, MESSAGE_STALL_MS, SEND_QUEUE_MIN_CAP_BYTES } from '../guest-limits';

/** Bytes queued in the channel past which sending waits for it to drain. */
export const SEND_HIGH_WATER_BYTES = 1024 * 1024;
const SEND_LOW_WATER_BYTES = 256 * 1024;
/**
 * Most bytes handed to the channel in one turn of the event loop: the channel encrypts what it
 * is handed on the caller's thread (about 120 µs a 16 KiB frame), so a whole notebook's first
 * sync in one go would hold up every other guest's keystrokes for as long.
 */
const SEND_TURN_BYTES = 256 * 1024;
/**
 * Longest a closing channel stays open for the guest to read its last frames (the bye) and
 * close its end: the guest's close, not ours, ends the channel, so the close cannot overtake
 * the bye (node-datachannel may deliver the two out of order).
 */
export const CLOSE_GRACE_MS = 2000;
/**
 * The same for a guest cut off for what it sent (too large, malformed, too fast, unfinished):
 * shorter, since until the channel closes whatever the guest still sends is received (and
 * thrown away).
 */
export const ABUSE_CLOSE_GRACE_MS = 500;
const ABUSE: ReadonlySet<ByeCode> = new Set(['too-large', 'malformed', 'rate-limited', 'timeout']);

/** Options of a DataChannelTransport. */
export interface DataChannelTransportOptions extends AssemblerLimits {
  /** Least send-queue cap (see SEND_QUEUE_MIN_CAP_BYTES). */
  minSendCapBytes?: number;
  /** A chunked message must progress within stallMs and end within deadlineMs. */
  stallMs?: number;
  deadlineMs?: number;
}

interface Queued {
  /** Framed as it goes: a message sent to many guests is held once, not a copy for each. */
  message: Uint8Array;
  /** Bytes of it sent so far: above 0, the queue may not be cut before its end. */
  sent: number;
}

/**
 * A Transport over one node-datachannel DataChannel (the host's end of a guest's channel):
 * messages are framed (protocol/framing) and sent no faster than the channel drains. What the
 * guest may make it hold is bounded: messages it sends by size (per role, read at each message),
 * by a shared reassembly space and by time; what waits to be sent to it by a cap, past which it
 * is dropped as a slow reader. Closing from this side sends a `bye` with the reason and its code
 * as the last message; the guest then closes its end (or the host does after CLOSE_GRACE_MS).
 */
export class DataChannelTransport extends TransportBase {
  private readonly assembler: FrameAssembler;
  private queue: Queued[] = [];
  private queuedBytes = 0;
  /** The rest of the queue goes out in a later turn (see SEND_TURN_BYTES). */
  private pumpLater: ReturnType<typeof setImmediate> | null = null;
  private largestSent = 0;
  private readonly minCap: number;
  private readonly stallMs: number;
  private readonly deadlineMs: number;
  private messageStarted = 0;
  private lastFrameAt = 0;
  private stallTimer: ReturnType<typeof setTimeout> | null = null;
  /** Flushing the last frames before the channel closes. */
  private closing = false;
  private shut = false;
  private readonly shutListeners = new Set<() => void>();

  constructor(
    private readonly channel: DataChannel,
    options: DataChannelTransportOptions = {},
  ) {
    super();
    this.assembler = new FrameAssembler(options);
    this.minCap = options.minSendCapBytes ?? SEND_QUEUE_MIN_CAP_BYTES;
    this.stallMs = options.stallMs ?? MESSAGE_STALL_MS;
    this.deadlineMs = options.deadlineMs ?? MESSAGE_DEADLINE_MS;
    channel.setBufferedAmountLowThreshold(SEND_LOW_WATER_BYTES);
    channel.onBufferedAmountLow(() => this.pump());
    channel.onMessage((data) => this.receive(data));
    channel.onClosed(() => this.finish('the guest disconnected'));
    channel.onError((e) => this.finish(`data channel error: ${e}`));
  }

  /** Bytes waiting to be sent to the guest, here and in the channel. */
  get backlogBytes(): number {
    let buffered = 0;
    try {
      buffered = this.channel.bufferedAmount();
    } catch {
      // closed
    }
    return this.queuedBytes + buffered;
  }

  /** The cap on backlogBytes now: past it the guest is dropped as a slow reader. */
  get sendCapBytes(): number {
    return Math.max(this.minCap, 2 * this.largestSent);
  }

  send(message: Uint8Array): void {
    if (this.isClosed) return;
    this.largestSent = Math.max(this.largestSent, message.length);
    const backlog = this.backlogBytes;
    if (backlog + message.length > this.sendCapBytes) {
      const mib = (n: number) => `${Math.round(n / (1024 * 1024))} MiB`;
      return this.close(
        `the host dropped this connection: ${mib(backlog)} were waiting to be sent to you ` +
          `(the cap is ${mib(this.sendCapBytes)}); reconnect on a faster link`,
        'slow-reader',
      );
    }
    this.enqueue(message);
    this.pump();
  }

  /**
   * Closes the channel from the host's side: whatever is queued after the message now leaving is
   * dropped, a `bye` with `reason`, `code` and `detail` goes last; the guest closes its end on
   * reading it, or the host does after the grace. Nothing the guest sends meanwhile is read.
   */
  close(reason = 'closed', code: ByeCode = 'malformed', detail: ByeDetail = {}): void {
    if (this.isClosed) return;
    const leaving = this.queue[0];
    this.queue = leaving && leaving.sent > 0 ? [leaving] : [];
    this.queuedBytes = leaving && leaving.sent > 0 ? leaving.message.length - leaving.sent : 0;
    this.enqueue(encodeControl({ type: 'bye', reason, code, ...detail }));
    this.closing = true;
    this.stopStallTimer();
    this.assembler.discard();
    this.markClosed(reason);
    const grace = ABUSE.has(code) ? ABUSE_CLOSE_GRACE_MS : CLOSE_GRACE_MS;
    setTimeout(() => this.shutDown(), grace).unref();
    this.pump();
  }

  /** Calls `listener` once the channel itself is closed (by the guest after a bye, or at the grace). */
  onShut(listener: () => void): void {
    if (this.shut) listener();
    else this.shutListeners.add(listener);
  }

  private enqueue(message: Uint8Array): void {
    this.queue.push({ message, sent: 0 });
    this.queuedBytes += message.length;
  }

  private pump(): void {
    if (this.pumpLater !== null || this.shut || (this.isClosed && !this.closing)) return;
    let i = 0;
    let turn = 0;
    try {
      while (i < this.queue.length && this.channel.bufferedAmount() < SEND_HIGH_WATER_BYTES) {
        if (turn >= SEND_TURN_BYTES) {
          this.pumpLater = setImmediate(() => {
            this.pumpLater = null;
            this.pump();
          });
          break;
        }
        const q = this.queue[i] as Queued;
        const { frame, next } = nextFrame(q.message, q.sent, FRAME_BYTES);
        this.channel.sendMessageBinary(frame);
        this.queuedBytes -= next - q.sent;
        turn += frame.length;
        q.sent = next;
        if (next >= q.message.length) i++;
      }
    } catch (e) {
      this.finish(`sending failed: ${(e as Error).message}`);
      return;
    }
    this.queue = i === this.queue.length ? [] : this.queue.slice(i);
  }

  private shutDown(): void {
    if (this.shut) return;
    this.shut = true;
    if (this.pumpLater !== null) clearImmediate(this.pumpLater);
    this.pumpLater = null;
    this.queue = [];
    this.queuedBytes = 0;
    try {
      this.channel.close();
    } catch (e) {
      console.warn('pairbook: closing a data channel failed', e);
    }
    this.shutListeners.forEach((l) => l());
    this.shutListeners.clear();
  }

  private receive(data: string | Buffer | ArrayBuffer): void {
    if (this.isClosed) return;
    if (typeof data === 'string') return this.close('text frames are not part of the protocol');
    const frame =
      data instanceof ArrayBuffer
        ? new Uint8Array(data)
        : new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
    const wasPending = this.assembler.expectedBytes > 0;
    const r = this.assembler.push(frame);
    if (!r.ok) {
      if (this.assembler.refusedForRoom) return this.close(r.error.message, 'busy');
      return this.close(
        r.error.code === 'too-large'
          ? `your message was refused: ${r.error.message}`
          : r.error.message,
        r.error.code === 'too-large' ? 'too-large' : 'malformed',
      );
    }
    if (this.assembler.expectedBytes > 0) {
      this.lastFrameAt = Date.now();
      if (!wasPending) {
        this.messageStarted = this.lastFrameAt;
        this.armStallTimer(this.stallMs);
      }
    } else if (wasPending) this.stopStallTimer();
    if (r.value) this.deliver(r.value);
  }

  private armStallTimer(ms: number): void {
    this.stopStallTimer();
    this.stallTimer = setTimeout(() => this.checkStall(), ms);
    this.stallTimer.unref();
  }

  private stopStallTimer(): void {
    if (this.stallTimer) clearTimeout(this.stallTimer);
    this.stallTimer = null;
  }

  private checkStall(): void {
    this.stallTimer = null;
    if (this.isClosed || this.assembler.expectedBytes === 0) return;
    const now = Date.now();
    const stalled = now - this.lastFrameAt >= this.stallMs;
    const late = now - this.messageStarted >= this.deadlineMs;
    if (stalled || late) {
      const got = this.assembler.pendingBytes;
      const of = this.assembler.expectedBytes;
      return this.close(
        `your message of ${of} bytes was not finished (${got} arrived) ` +
          (late
            ? `within ${this.deadlineMs / 1000} s`
            : `and nothing came for ${this.stallMs / 1000} s`),
        'timeout',
      );
    }
    const next = Math.min(
      this.lastFrameAt + this.stallMs - now,
      this.messageStarted + this.deadlineMs - now,
    );
    this.armStallTimer(Math.max(1, next));
  }

  private finish(reason: string): void {
    this.queue = [];
    this.queuedBytes = 0;
    this.stopStallTimer();
    this.assembler.discard();
    this.markClosed(reason);
    if (!this.shut) {
      this.shut = true;
      this.shutListeners.forEach((l) => l());
      this.shutListeners.clear();
    }
  }
}
