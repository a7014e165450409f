import type { DataChannel } from 'node-datachannel';
import { FRAME_BYTES, FrameAssembler, splitFrames } from '../../../protocol/framing';
import { TransportBase } from '../../../protocol/transport';

/** Bytes queued in the channel past which sending waits for it to drain. */
export const SEND_HIGH_WATER_BYTES = 1024 * 1024;
const SEND_LOW_WATER_BYTES = 256 * 1024;

/**
 * A Transport over one node-datachannel DataChannel (the host's end of a guest's channel):
 * messages are framed (protocol/framing) and sent no faster than the channel drains. A
 * malformed frame closes the channel with the reason.
 */
export class DataChannelTransport extends TransportBase {
  private readonly assembler: FrameAssembler;
  private queue: Uint8Array[] = [];

  constructor(
    private readonly channel: DataChannel,
    options: { maxMessageBytes?: number } = {},
  ) {
    super();
    this.assembler = new FrameAssembler(options.maxMessageBytes);
    channel.setBufferedAmountLowThreshold(SEND_LOW_WATER_BYTES);
    channel.onBufferedAmountLow(() => this.pump());
    channel.onMessage((data) => this.receive(data));
    channel.onClosed(() => this.finish('the guest disconnected'));
    channel.onError((e) => this.finish(`data channel error: ${e}`));
  }

  send(message: Uint8Array): void {
    if (this.isClosed) return;
    for (const frame of splitFrames(message, FRAME_BYTES)) this.queue.push(frame);
    this.pump();
  }

  close(reason = 'closed'): void {
    if (this.isClosed) return;
    // Let what is queued (e.g. a "bye" with the reason) go out before the channel closes.
    const channel = this.channel;
    this.finish(reason);
    setTimeout(() => {
      try {
        channel.close();
      } catch (e) {
        console.warn('pairbook: closing a data channel failed', e);
      }
    }, 50).unref();
  }

  private pump(): void {
    if (this.isClosed) return;
    let i = 0;
    try {
      while (i < this.queue.length && this.channel.bufferedAmount() < SEND_HIGH_WATER_BYTES) {
        this.channel.sendMessageBinary(this.queue[i] as Uint8Array);
        i++;
      }
    } catch (e) {
      this.finish(`sending failed: ${(e as Error).message}`);
      return;
    }
    this.queue = i === this.queue.length ? [] : this.queue.slice(i);
  }

  private receive(data: string | Buffer | ArrayBuffer): void {
    if (this.isClosed) return;
    if (typeof data === 'string') return this.close('text frames are not part of the protocol');
    const frame =
      data instanceof ArrayBuffer
        ? new Uint8Array(data)
        : new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
    const r = this.assembler.push(frame);
    if (!r.ok) return this.close(r.error.message);
    if (r.value) this.deliver(r.value);
  }

  private finish(reason: string): void {
    this.queue = [];
    this.markClosed(reason);
  }
}
