import { randomUUID } from 'node:crypto';
import { Dealer, type Socket, Subscriber } from 'zeromq';
import type { KernelLogger } from '../kernel';
import {
  type Channel,
  type JupyterMessage,
  type MessageHeader,
  PROTOCOL_VERSION,
} from '../messages';
import type { ConnectionInfo } from './connection-file';
import { MessageSigner, decodeMessage, encodeMessage } from './wire-codec';

/** A channel Pairbook sends on. */
export type SendChannel = 'shell' | 'control' | 'stdin';

/**
 * The four message sockets to one kernel: DEALERs for shell, control and stdin (shell and stdin
 * share one routing id, which is how the kernel finds our stdin), a SUBscriber for IOPub. Every
 * message sent is signed; every message received is verified, and one that fails is dropped and
 * logged, never delivered.
 */
export class KernelChannels {
  private readonly signer: MessageSigner;
  private readonly sockets: Record<Channel, Dealer | Subscriber>;
  private readonly sending = new Map<SendChannel, Promise<unknown>>();
  private closed = false;
  /**
   * Resolves once every socket has completed its ZMTP handshake with the kernel. Until then the
   * kernel's stdin ROUTER does not know our routing id and silently drops an input_request, and
   * IOPub messages are lost: answering on shell does not prove the other sockets are connected
   * (each retries its connection on its own timer while the kernel starts).
   */
  readonly connected: Promise<void>;

  constructor(
    private readonly info: ConnectionInfo,
    /** Our session id; shell and stdin use it as routing id. */
    readonly session: string,
    private readonly onMessage: (msg: JupyterMessage) => void,
    private readonly log: KernelLogger,
    private readonly context: Record<string, unknown>,
  ) {
    this.signer = new MessageSigner(info.key);
    // linger 0: closing must not wait on a dead kernel. No receive HWM: IOPub must not drop
    // outputs while we are busy (the kernel's own send HWM still applies).
    const dealer = () =>
      new Dealer({ routingId: session, linger: 0, receiveHighWaterMark: 0, sendHighWaterMark: 0 });
    this.sockets = {
      shell: dealer(),
      control: new Dealer({ linger: 0, receiveHighWaterMark: 0, sendHighWaterMark: 0 }),
      stdin: dealer(),
      iopub: new Subscriber({ linger: 0, receiveHighWaterMark: 0 }),
    };
    (this.sockets.iopub as Subscriber).subscribe();
    const port = {
      shell: info.shell_port,
      control: info.control_port,
      stdin: info.stdin_port,
      iopub: info.iopub_port,
    };
    const channels = Object.keys(port) as Channel[];
    // The monitors stay open with their sockets: closing one from its own listener stalls the
    // socket's next close (zeromq 6.8), and a restart with it.
    this.connected = Promise.all(
      channels.map(
        (channel) =>
          new Promise<void>((resolve) =>
            this.sockets[channel].events.on('handshake', () => resolve()),
          ),
      ),
    ).then(() => undefined);
    for (const channel of channels) {
      this.sockets[channel].connect(`tcp://${info.ip}:${port[channel]}`);
      void this.receive(channel, this.sockets[channel]);
    }
  }

  /** Sends a new message and returns its header (whose msg_id replies will carry as parent). */
  send(
    channel: SendChannel,
    msgType: string,
    content: unknown,
    parent: MessageHeader | Record<string, never> = {},
  ): MessageHeader {
    const header: MessageHeader = {
      msg_id: randomUUID(),
      msg_type: msgType,
      session: this.session,
      username: 'pairbook',
      date: new Date().toISOString(),
      version: PROTOCOL_VERSION,
    };
    if (this.closed) return header;
    const frames = encodeMessage(
      { header, parent_header: parent, metadata: {}, content, buffers: [] },
      this.signer,
    );
    const socket = this.sockets[channel] as Dealer;
    // zeromq.js allows one send in flight per socket; chain them.
    const previous = this.sending.get(channel);
    const sent = previous ? previous.then(() => socket.send(frames)) : socket.send(frames);
    const tracked = sent.catch((e: unknown) => {
      if (!this.closed)
        this.log('could not send a message', {
          ...this.context,
          channel,
          msgType,
          error: String(e),
        });
    });
    this.sending.set(channel, tracked);
    void tracked.then(() => {
      if (this.sending.get(channel) === tracked) this.sending.delete(channel);
    });
    return header;
  }

  /** Closes every socket (idempotent). */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    for (const s of Object.values(this.sockets)) s.close();
  }

  private async receive(channel: Channel, socket: Socket & AsyncIterable<Buffer[]>): Promise<void> {
    try {
      for await (const frames of socket) {
        const decoded = decodeMessage(frames, this.signer, channel);
        if (decoded.ok) this.onMessage(decoded.value);
        else
          this.log(decoded.error.message, {
            ...this.context,
            channel,
            port: this.info[`${channel}_port` as const],
            frames: frames.length,
          });
      }
    } catch (e) {
      if (!this.closed)
        this.log('stopped reading a kernel socket', { ...this.context, channel, error: String(e) });
    }
  }
}
