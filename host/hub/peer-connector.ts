// The peer connector (docs/architecture.md): a guest's WebRTC offer in, the host's answer and the
// guest's data channel out. The hub's only code that knows node-datachannel.
import nodeDataChannel, {
  type DataChannel,
  type IceServer,
  type PeerConnection,
} from 'node-datachannel';
import type { ByeCode, ByeDetail } from '../../protocol/hub-control';
import type { ByteBudget } from './guest-limits';
import { DataChannelTransport } from './transports/data-channel-transport';

/** Longest the host gathers ICE candidates before it answers with those it has. */
const GATHER_TIMEOUT_MS = 5000;
/** The label of the guest's data channel; any other is closed. */
const CHANNEL_LABEL = 'pairbook';

/** A guest's channel that remembers the code the host closed it with (null: the guest left). */
export class GuestChannel extends DataChannelTransport {
  byeCode: ByeCode | null = null;
  byeReason = '';

  override close(reason?: string, code: ByeCode = 'malformed', detail: ByeDetail = {}): void {
    if (!this.isClosed && this.byeCode === null) {
      this.byeCode = code;
      this.byeReason = reason ?? '';
    }
    super.close(reason, code, detail);
  }
}

/** One end of the candidate pair a connection uses (ICE candidate types: host, srflx, prflx, relay). */
export interface PathEnd {
  type: string;
  transport: string;
  address: string;
  port: number;
}

/** The candidate pair a guest's connection uses, and whether it goes through a TURN relay. */
export interface ConnectionPath {
  local: PathEnd;
  remote: PathEnd;
  relayed: boolean;
}

/** Options of a GuestConnection. */
export interface GuestConnectionOptions {
  iceServers: (string | IceServer)[];
  /** Time the guest has to open its data channel; then `lost` is called. */
  connectTimeoutMs: number;
  /** Bounds of what the guest's channel holds for it (DataChannelTransport). */
  channel: { maxMessageBytes: () => number; space: ByteBudget };
}

/** What a GuestConnection tells its owner. */
export interface GuestConnectionEvents {
  /** The guest's channel is open (once, and never after close()). */
  channel(channel: GuestChannel): void;
  /** The connection failed, closed, or the guest never opened its channel. */
  lost(reason: string): void;
}

/** The host's end of one guest's peer connection. */
export class GuestConnection {
  private readonly pc: PeerConnection;
  private readonly connectTimer: ReturnType<typeof setTimeout>;
  private channel: GuestChannel | null = null;
  private closed = false;

  constructor(
    peerId: string,
    private readonly options: GuestConnectionOptions,
    private readonly events: GuestConnectionEvents,
  ) {
    this.pc = new nodeDataChannel.PeerConnection(`pairbook-${peerId}`, {
      iceServers: options.iceServers,
    });
    this.connectTimer = setTimeout(
      () => events.lost('the guest never connected'),
      options.connectTimeoutMs,
    );
    this.pc.onDataChannel((dc) => {
      clearTimeout(this.connectTimer);
      if (dc.getLabel() !== CHANNEL_LABEL || this.channel) return dc.close();
      const open = () => this.open(dc);
      if (dc.isOpen()) open();
      else dc.onOpen(open);
    });
    this.pc.onStateChange((state) => {
      if (state === 'failed' || state === 'closed') events.lost('the connection was lost');
    });
  }

  /**
   * Answers the guest's offer with every candidate gathered (or those gathered within
   * GATHER_TIMEOUT_MS): the answer's SDP, or why there is none.
   */
  async answer(offerSdp: string): Promise<{ sdp: string } | { failed: string }> {
    const gathered = new Promise<void>((resolve) => {
      const t = setTimeout(resolve, GATHER_TIMEOUT_MS);
      this.pc.onGatheringStateChange((s) => {
        if (s === 'complete') {
          clearTimeout(t);
          resolve();
        }
      });
    });
    try {
      this.pc.setRemoteDescription(offerSdp, 'offer');
    } catch {
      return { failed: 'the offer could not be read' };
    }
    await gathered;
    const local = this.pc.localDescription();
    return local ? { sdp: local.sdp } : { failed: 'no answer could be made' };
  }

  /** The candidate pair in use; null before the connection is up. */
  path(): ConnectionPath | null {
    const pair = this.pc.getSelectedCandidatePair();
    if (!pair) return null;
    const side = (c: { type: string; transportType: string; address: string; port: number }) => ({
      type: c.type,
      transport: c.transportType,
      address: c.address,
      port: c.port,
    });
    return {
      local: side(pair.local),
      remote: side(pair.remote),
      relayed: pair.local.type === 'relay' || pair.remote.type === 'relay',
    };
  }

  /**
   * Closes the connection once the guest's channel, if any, is shut (close the channel first, so
   * the bye leaves); a channel opening later is closed at once.
   */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    clearTimeout(this.connectTimer);
    const closePc = () => setTimeout(() => this.pc.close(), 100).unref();
    if (this.channel) this.channel.onShut(closePc);
    else closePc();
  }

  private open(dc: DataChannel): void {
    if (this.closed) return dc.close();
    this.channel = new GuestChannel(dc, this.options.channel);
    this.events.channel(this.channel);
  }
}
