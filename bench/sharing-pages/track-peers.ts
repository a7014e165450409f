// Imported first by page.ts: keeps every RTCPeerConnection the page makes (Pairbook's guest or
// y-webrtc's simple-peer), so the bench can read payload bytes from their data-channel stats.

/** Every RTCPeerConnection created in this page, in order. */
export const peerConnections: RTCPeerConnection[] = [];

const Native = globalThis.RTCPeerConnection;
class TrackedPeerConnection extends Native {
  constructor(config?: RTCConfiguration) {
    super(config);
    peerConnections.push(this);
  }
}
globalThis.RTCPeerConnection = TrackedPeerConnection as typeof RTCPeerConnection;
