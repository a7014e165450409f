// The hub's contract (docs/architecture.md): what it needs of a session, its options, and the
// events it tells the UI.
import type { Awareness } from 'y-protocols/awareness';
import type * as Y from 'yjs';
import type { ByeCode } from '../../protocol/hub-control';
import type { GuestRole } from '../../protocol/roles';
import type { RefusalCode } from '../../protocol/signaling-messages';
import type { Transport } from '../../protocol/transport';
import type { GuestInfo } from './guest-registry';
import type { IceConfig } from './ice-servers';
import type { Knock } from './knock';
import type { Backoff } from './offer-limits';

/** What the hub needs of a session: NotebookSession satisfies it. */
export interface HubSession {
  readonly doc: Y.Doc;
  readonly awareness: Awareness;
  /** The notebook's file name, which guests see as its title. */
  readonly name?: string;
  attach(transport: Transport, who: { name: string; peer?: string }): () => void;
}

/** Options of a Hub. */
export interface HubOptions {
  /** Signaling servers to use; none (default): start an embedded one on `listen`. */
  signaling?: string[];
  /** Where the embedded signaling server listens. Default 127.0.0.1, a free port. */
  listen?: { host?: string; port?: number };
  /** Ask the host to admit each guest of invites made without saying. Default false. */
  knock?: boolean;
  /** STUN/TURN servers from settings. Default none: LAN and same-machine only. */
  iceServers?: string[];
  /** STUN/TURN servers the hub uses and its links carry to guests (ice-servers.ts). */
  ice?: IceConfig;
  /** http(s) base address for the browser form of invite links. */
  webBase?: string;
  /** Time to wait for the host to admit a guest; then it is denied. Default 2 minutes. */
  knockTimeoutMs?: number;
  /** Time a guest has to open its data channel after the answer. Default 20 s. */
  connectTimeoutMs?: number;
  /** Spacing of admissions on an invite whose guests are cut off for abuse (ADMISSION_BACKOFF). */
  admissionBackoff?: Backoff;
}

/** Events of a Hub: each is a change the UI can show. */
export interface HubEvents {
  knock: (knock: Knock) => void;
  join: (guest: GuestInfo) => void;
  leave: (guest: GuestInfo, reason: string) => void;
  role: (guest: GuestInfo, previous: GuestRole) => void;
  /** Someone holding a (still decryptable) invite was turned away. */
  refused: (
    who: { peerId: string; name: string; inviteId: string },
    reason: string,
    code: RefusalCode,
  ) => void;
  /** A guest's message was dropped by the role guard. */
  dropped: (guest: GuestInfo, reason: string) => void;
  /**
   * A guest was cut off for abuse (`code`); new joins on its invite (`guest.inviteId`) now wait
   * `waitMs`. `cutOffs` counts those on that invite lately: when it keeps growing, someone with
   * the link keeps coming back, and the UI can offer to revoke it.
   */
  abuse: (
    guest: GuestInfo,
    cutOff: { code: ByeCode; reason: string; cutOffs: number; waitMs: number },
  ) => void;
  stopped: () => void;
}
