// The guest's side of the WebRTC connection: its DTLS certificate, waiting for ICE candidates,
// waiting for the data channel to open, and what to say when it cannot.
import type { Invite } from '../../protocol/invite';
import type { PendingTransport } from './pending-transport';

/** How long to wait for ICE candidates before offering what was gathered. */
const GATHER_TIMEOUT_MS = 3000;

/** A DTLS certificate to keep across attempts; null where the implementation cannot make one. */
export async function makeCertificate(
  RTC: typeof RTCPeerConnection,
): Promise<RTCCertificate | null> {
  try {
    return typeof RTC.generateCertificate === 'function'
      ? await RTC.generateCertificate({ name: 'ECDSA', namedCurve: 'P-256' } as EcKeyGenParams)
      : null;
  } catch {
    return null; // node-datachannel's polyfill: a new certificate (and code) per attempt
  }
}

/** Resolves when ICE gathering is complete, or after GATHER_TIMEOUT_MS. */
export function gathered(pc: RTCPeerConnection): Promise<void> {
  if (pc.iceGatheringState === 'complete') return Promise.resolve();
  return new Promise((resolve) => {
    const t = setTimeout(resolve, GATHER_TIMEOUT_MS);
    const check = () => {
      if (pc.iceGatheringState !== 'complete') return;
      clearTimeout(t);
      resolve();
    };
    pc.addEventListener('icegatheringstatechange', check);
    pc.addEventListener('icecandidate', (e: RTCPeerConnectionIceEvent) => {
      if (!e.candidate) check();
    });
  });
}

/**
 * How long a data channel may take to open after the host's answer: a pair that connects at all,
 * even through a relay, does so within a few seconds, and a join must fail within 15 s.
 */
const OPEN_TIMEOUT_MS = 11_000;

/** What to tell a guest whose connection to the host could not be made (docs/networks.md). */
export function unreachable(invite: Invite): string {
  const turn = (invite.iceServers ?? []).some((s) => s.urls.some((u) => /^turns?:/.test(u)));
  return turn
    ? "the host and you could not connect, not even through the host's TURN server (is it " +
        'running, and reachable from both networks?): see docs/networks.md'
    : 'the host and you cannot reach each other directly; the host needs a TURN server: ' +
        'see docs/networks.md';
}

/** Resolves when `channel` opens; rejects with `failure` when it cannot (ICE failed, timed out). */
export function opened(
  channel: RTCDataChannel,
  pc: RTCPeerConnection,
  pending: PendingTransport,
  failure: string,
): Promise<void> {
  if (channel.readyState === 'open') return Promise.resolve();
  return new Promise((resolve, reject) => {
    const t = setTimeout(() => reject(new Error(failure)), OPEN_TIMEOUT_MS);
    // ICE gave up (every candidate pair failed): no need to wait for the timeout.
    pc.addEventListener('connectionstatechange', () => {
      if (pc.connectionState !== 'failed') return;
      clearTimeout(t);
      reject(new Error(failure));
    });
    pending.onAbort(() => {
      clearTimeout(t);
      reject(new Error('cancelled'));
    });
    channel.addEventListener('open', () => {
      clearTimeout(t);
      resolve();
    });
    channel.addEventListener('close', () => {
      clearTimeout(t);
      reject(new Error('the connection to the host closed while opening'));
    });
  });
}
