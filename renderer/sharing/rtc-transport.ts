import { FrameAssembler, FrameKind, splitFrames } from '../../protocol/framing';
import { TransportBase } from '../../protocol/transport';

/** Bytes queued in the channel past which sending waits for it to drain. */
const SEND_HIGH_WATER_BYTES = 1024 * 1024;
const SEND_LOW_WATER_BYTES = 256 * 1024;

/**
 * A Transport over a browser RTCDataChannel (the guest's end): framed messages (16 KiB frames,
 * so a notebook of any size gets through), sent no faster than the channel drains. Messages for
 * which `intercept` returns true are consumed (the hub's control messages) and not delivered.
 * `progress` hears how much of a message that spans several frames has arrived (bytes so far,
 * bytes in all), as each frame lands: "syncing 1.2 of 5 MB" while a notebook first arrives.
 */
export class RtcTransport extends TransportBase {
  private readonly assembler = new FrameAssembler();
  private queue: Uint8Array[] = [];
  /** Why the hub said it is closing, if it did: the close reason then. */
  byeReason: string | null = null;

  constructor(
    private readonly channel: RTCDataChannel,
    private readonly intercept: (message: Uint8Array) => boolean = () => false,
    private readonly onClosed: () => void = () => {},
    private readonly progress: (received: number, total: number) => void = () => {},
  ) {
    super();
    channel.binaryType = 'arraybuffer';
    channel.bufferedAmountLowThreshold = SEND_LOW_WATER_BYTES;
    channel.addEventListener('bufferedamountlow', () => this.pump());
    channel.addEventListener('message', (e: MessageEvent) => this.receive(e.data));
    channel.addEventListener('close', () =>
      this.finish(this.byeReason ?? 'the host closed the connection'),
    );
    channel.addEventListener('error', () => this.finish(this.byeReason ?? 'the connection failed'));
  }

  send(message: Uint8Array): void {
    if (this.isClosed) return;
    for (const frame of splitFrames(message)) this.queue.push(frame);
    this.pump();
  }

  close(reason = 'closed'): void {
    this.finish(reason);
    this.channel.close();
  }

  private pump(): void {
    if (this.isClosed || this.channel.readyState !== 'open') return;
    let i = 0;
    try {
      while (i < this.queue.length && this.channel.bufferedAmount < SEND_HIGH_WATER_BYTES) {
        this.channel.send(this.queue[i] as Uint8Array<ArrayBuffer>);
        i++;
      }
    } catch (e) {
      this.close(`sending failed: ${(e as Error).message}`);
      return;
    }
    this.queue = i === this.queue.length ? [] : this.queue.slice(i);
  }

  private receive(data: unknown): void {
    if (this.isClosed) return;
    if (!(data instanceof ArrayBuffer)) {
      // Node polyfills may hand over a Buffer (a Uint8Array); text frames are not the protocol.
      if (!(data instanceof Uint8Array)) return this.close('the host sent a text frame');
    }
    const frame = data instanceof ArrayBuffer ? new Uint8Array(data) : (data as Uint8Array);
    const r = this.assembler.push(frame);
    if (!r.ok) return this.close(r.error.message);
    if (!r.value) return this.progress(this.assembler.pendingBytes, this.assembler.expectedBytes);
    if (frame[0] !== FrameKind.Whole) this.progress(r.value.length, r.value.length);
    if (this.intercept(r.value)) return;
    this.deliver(r.value);
  }

  private finish(reason: string): void {
    this.queue = [];
    if (this.markClosed(reason)) this.onClosed();
  }
}
