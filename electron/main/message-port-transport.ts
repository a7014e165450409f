import type { MessagePortMain } from 'electron';
import { TransportBase } from '../../protocol/transport';

/** The part of Electron's MessagePortMain a transport uses (a fake one in tests). */
export type HubPort = Pick<MessagePortMain, 'on' | 'off' | 'postMessage' | 'start' | 'close'>;

/**
 * A Transport over the main-process end of a MessageChannelMain: the host window's pipe to its
 * notebook's session. The renderer holds the other end. Each message is one Uint8Array; anything
 * else the page posts is dropped, since a hub message is always bytes.
 */
export class MessagePortMainTransport extends TransportBase {
  constructor(private readonly port: HubPort) {
    super();
    port.on('message', this.onPortMessage);
    port.on('close', this.onPortClose);
    port.start();
  }

  send(message: Uint8Array): void {
    if (this.isClosed) return;
    this.port.postMessage(message);
  }

  close(reason = 'closed'): void {
    if (this.isClosed) return;
    this.port.close();
    this.finish(reason);
  }

  private readonly onPortMessage = (event: { data: unknown }): void => {
    const bytes = asBytes(event.data);
    if (bytes) this.deliver(bytes);
  };

  private readonly onPortClose = (): void => this.finish('the window closed its connection');

  private finish(reason: string): void {
    if (this.isClosed) return;
    this.port.off('message', this.onPortMessage);
    this.port.off('close', this.onPortClose);
    this.markClosed(reason);
  }
}

/** The bytes of a structured-cloned message: a typed array view or an ArrayBuffer; else null. */
function asBytes(data: unknown): Uint8Array | null {
  if (data instanceof Uint8Array) return data;
  if (ArrayBuffer.isView(data))
    return new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
  if (data instanceof ArrayBuffer) return new Uint8Array(data);
  return null;
}
