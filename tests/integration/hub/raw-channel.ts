// Hostile guests for the WebRTC attack tests: a raw guest (tests/unit/hub/raw-guest.ts) over a
// real invite, with its data channel at hand to send frames the framing layer never would; and
// a bare node-datachannel pair to drive the host's DataChannelTransport directly.
import nodeDataChannel, { type DataChannel } from 'node-datachannel';
import { RTCPeerConnection as NodeRTCPeerConnection } from 'node-datachannel/polyfill';
import { cellsOf } from '../../../protocol/ydoc-nbformat';
import { rawTransport, until } from './harness';
import { RawGuest } from '../../unit/hub/raw-guest';
import type { GuestOptions } from '../../../renderer/sharing/guest-connection';

/** A raw guest joined with `link`: speaks the protocol by hand, can send raw frames. */
export async function attacker(link: string, options: Partial<GuestOptions> = {}) {
  const channels: RTCDataChannel[] = [];
  const Base = NodeRTCPeerConnection as unknown as typeof RTCPeerConnection;
  class Capturing extends Base {
    override createDataChannel(label: string, init?: RTCDataChannelInit): RTCDataChannel {
      const dc = super.createDataChannel(label, init);
      channels.push(dc);
      return dc;
    }
  }
  const raw = await rawTransport(link, {
    name: 'Mallory',
    ...options,
    RTCPeerConnection: Capturing as unknown as typeof RTCPeerConnection,
  });
  const guest = new RawGuest(raw.transport);
  // Synced: its answer to the host's step 1 has left, so raw frames sent from here on are not
  // cut into by a message of its own.
  await guest.until(() => cellsOf(guest.doc).length > 0 || raw.closed() !== null);
  if (raw.closed() !== null) {
    throw new Error(`the attacker could not join: ${raw.closed()} (${raw.connection.status})`);
  }
  const channel = channels.at(-1) as RTCDataChannel;
  return {
    ...raw,
    guest,
    /** Sends one frame as it is, past the framing layer. */
    sendFrame: (frame: Uint8Array) => channel.send(frame as Uint8Array<ArrayBuffer>),
    /** The bye the host sent (the guest's connection consumes control messages). */
    bye: () => raw.connection.bye,
  };
}

/** Two node-datachannel peers joined in this process: the host's end and a guest's. */
export async function channelPair(): Promise<{
  host: DataChannel;
  guest: DataChannel;
  close(): void;
}> {
  const a = new nodeDataChannel.PeerConnection('guest', { iceServers: [] });
  const b = new nodeDataChannel.PeerConnection('host', { iceServers: [] });
  // A candidate can come out before the description it belongs to has reached the other side,
  // and libdatachannel aborts the process on one that arrives first: each side holds them until
  // it has the other's description.
  const link = (from: typeof a, to: typeof a) => {
    let described = false;
    const held: [string, string][] = [];
    from.onLocalDescription((sdp, type) => {
      to.setRemoteDescription(sdp, type);
      described = true;
      for (const [c, mid] of held.splice(0)) to.addRemoteCandidate(c, mid);
    });
    from.onLocalCandidate((c, mid) => {
      if (described) to.addRemoteCandidate(c, mid);
      else held.push([c, mid]);
    });
  };
  link(a, b);
  link(b, a);
  let host: DataChannel | null = null;
  b.onDataChannel((dc) => (host = dc));
  const guest = a.createDataChannel('pairbook');
  let open = false;
  guest.onOpen(() => (open = true));
  await until(() => open && host !== null, 20_000, 'channel pair opens');
  return {
    host: host as unknown as DataChannel,
    guest,
    close: () => {
      a.close();
      b.close();
    },
  };
}
