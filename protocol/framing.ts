// Data-channel framing. A data channel message over ~256 KiB fails (and browsers differ on the
// limit), so every hub message is cut into frames of at most FRAME_BYTES and put back together
// on the other side. The channel is ordered and reliable, so frames need no message id:
//   frame  = WHOLE  message-bytes
//          | FIRST  varuint(total-bytes) chunk-bytes
//          | MORE   chunk-bytes
// A FIRST is followed by MOREs until total-bytes have arrived. Anything else is malformed.
import * as decoding from 'lib0/decoding';
import * as encoding from 'lib0/encoding';
import { PairbookError, type Result, err, ok } from './errors';

/** Largest frame sent, header included: 16 KiB, well under every WebRTC stack's limit. */
export const FRAME_BYTES = 16 * 1024;
/** Largest message reassembled by default: 256 MiB (a 20 MB notebook with room to spare). */
export const MAX_MESSAGE_BYTES = 256 * 1024 * 1024;

/** Frame kinds (the first byte of a frame). */
export const FrameKind = { Whole: 0, First: 1, More: 2 } as const;

// A FIRST header is one byte plus a varuint of at most 5 bytes.
const HEADER_BYTES = 6;

/** Splits `message` into frames of at most `frameBytes` (default FRAME_BYTES). */
export function splitFrames(message: Uint8Array, frameBytes = FRAME_BYTES): Uint8Array[] {
  const frames: Uint8Array[] = [];
  let offset = 0;
  do {
    const { frame, next } = nextFrame(message, offset, frameBytes);
    frames.push(frame);
    offset = next;
  } while (offset < message.length);
  return frames;
}

/**
 * The frame of `message` whose bytes begin at `offset` (0: the first frame), and the offset of
 * the next (`message.length` after the last): a sender can frame a message as it goes.
 */
export function nextFrame(
  message: Uint8Array,
  offset: number,
  frameBytes = FRAME_BYTES,
): { frame: Uint8Array; next: number } {
  if (message.length + 1 <= frameBytes) {
    const frame = new Uint8Array(message.length + 1);
    frame[0] = FrameKind.Whole;
    frame.set(message, 1);
    return { frame, next: message.length };
  }
  let head: Uint8Array;
  if (offset === 0) {
    const first = encoding.createEncoder();
    encoding.writeUint8(first, FrameKind.First);
    encoding.writeVarUint(first, message.length);
    head = encoding.toUint8Array(first);
  } else head = Uint8Array.of(FrameKind.More);
  const next = Math.min(message.length, offset + frameBytes - head.length);
  const frame = new Uint8Array(head.length + next - offset);
  frame.set(head, 0);
  frame.set(message.subarray(offset, next), head.length);
  return { frame, next };
}

/** Room shared by several assemblers: a chunked message's announced size is reserved from it. */
export interface ReassemblySpace {
  reserve(bytes: number): boolean;
  release(bytes: number): void;
}

/** Limits of a FrameAssembler. */
export interface AssemblerLimits {
  /** Messages larger than this are refused (read at each message: it may change). */
  maxMessageBytes?: number | (() => number);
  /** Where chunked messages reserve their announced size; none: no shared bound. */
  space?: ReassemblySpace;
}

/**
 * Puts frames back together. `push` returns the completed message, null while one is still
 * arriving, or an error for a malformed frame (code 'invalid-message') or a message over the
 * limits (code 'too-large'), after which the assembler starts over; the caller should close the
 * channel, since the stream can no longer be trusted.
 */
export class FrameAssembler {
  private parts: Uint8Array[] = [];
  private expected = 0;
  private received = 0;
  private readonly cap: () => number;
  private readonly space: ReassemblySpace | null;
  /** The last refusal was for want of shared room, not the message's own fault. */
  refusedForRoom = false;

  /** A number is `maxMessageBytes` (default MAX_MESSAGE_BYTES). */
  constructor(limits: number | AssemblerLimits = {}) {
    const l = typeof limits === 'number' ? { maxMessageBytes: limits } : limits;
    const max = l.maxMessageBytes ?? MAX_MESSAGE_BYTES;
    this.cap = typeof max === 'number' ? () => max : max;
    this.space = l.space ?? null;
  }

  /** Bytes of the message being assembled received so far; 0 when none is pending. */
  get pendingBytes(): number {
    return this.received;
  }

  /** Bytes the message being assembled announced; 0 when none is pending. */
  get expectedBytes(): number {
    return this.expected;
  }

  /** Takes one frame. */
  push(frame: Uint8Array): Result<Uint8Array | null> {
    this.refusedForRoom = false;
    if (frame.length === 0) return this.fail('empty frame');
    const kind = frame[0];
    if (kind === FrameKind.Whole) {
      if (this.expected) return this.fail('a whole message arrived inside a chunked one');
      if (frame.length - 1 > this.cap()) {
        return this.fail(
          `message of ${frame.length - 1} bytes is over the ${this.cap()} cap`,
          true,
        );
      }
      return ok(frame.subarray(1));
    }
    if (kind === FrameKind.First) {
      if (this.expected) return this.fail('a new chunked message began before the last ended');
      let total: number;
      let start: number;
      try {
        const d = decoding.createDecoder(frame.subarray(0, Math.min(frame.length, HEADER_BYTES)));
        decoding.readUint8(d);
        total = decoding.readVarUint(d);
        start = d.pos;
      } catch {
        return this.fail('unreadable chunk header');
      }
      if (total > this.cap()) {
        return this.fail(`message of ${total} bytes is over the ${this.cap()} cap`, true);
      }
      if (total === 0) return this.fail('chunked message of 0 bytes');
      if (this.space && !this.space.reserve(total)) {
        this.refusedForRoom = true;
        return this.fail(
          `no room for a message of ${total} bytes: the host is receiving too much at once`,
          true,
        );
      }
      this.expected = total;
      return this.take(frame.subarray(start));
    }
    if (kind === FrameKind.More) {
      if (!this.expected) return this.fail('a continuation arrived with no message begun');
      return this.take(frame.subarray(1));
    }
    return this.fail(`unknown frame kind ${kind}`);
  }

  private take(chunk: Uint8Array): Result<Uint8Array | null> {
    if (this.received + chunk.length > this.expected) {
      return this.fail('chunks longer than the message they announced');
    }
    // Copied: the caller may reuse the frame's buffer.
    this.parts.push(chunk.slice());
    this.received += chunk.length;
    if (this.received < this.expected) return ok(null);
    const message = new Uint8Array(this.expected);
    let at = 0;
    for (const p of this.parts) {
      message.set(p, at);
      at += p.length;
    }
    this.reset();
    return ok(message);
  }

  /** Drops the message being assembled, if any (the channel closed), and releases its room. */
  discard(): void {
    this.reset();
  }

  private reset(): void {
    if (this.expected) this.space?.release(this.expected);
    this.parts = [];
    this.expected = 0;
    this.received = 0;
  }

  private fail(why: string, tooLarge = false): Result<never> {
    this.reset();
    return tooLarge
      ? err(new PairbookError('too-large', why))
      : err(new PairbookError('invalid-message', `malformed frame: ${why}`));
  }
}
