// The one typed contract between the renderer and the shell around it, for app things only:
// dialogs, recent files, the window title, facts about the app. The notebook itself and requests
// such as save and run travel as hub messages (hub-messages.ts), never through here. Electron
// implements it over IPC (the preload loops over DESKTOP_CHANNELS); the browser shell over HTTP.
import type { Result } from './errors';
import type { GuestRole } from './roles';

/** Which shell hosts the renderer. */
export type ShellKind = 'electron' | 'browser';

/** Facts the renderer needs about the app and the notebook its window shows. */
export interface AppInfo {
  shell: ShellKind;
  /** Pairbook's version, e.g. "0.1.0". */
  version: string;
  /** Absolute path of the notebook file on the host's disk. */
  notebookPath: string;
  /** The file's name, for titles, e.g. "analysis.ipynb". */
  notebookName: string;
  /** The host person's display name (for their cursor); absent when the shell does not know. */
  userName?: string;
}

/** A notebook opened before, newest first in lists. */
export interface RecentFile {
  path: string;
  name: string;
  /** When it was last opened, ms since epoch. */
  openedAt: number;
}

/**
 * What the renderer may ask of its shell. Every call resolves to a Result whose error is a
 * message saying what to do next, because Electron carries only an error's message across IPC.
 */
export interface DesktopApi {
  /** Facts about the app and this window's notebook. */
  getAppInfo(): Promise<Result<AppInfo, string>>;
  /** Sets the window title (the browser shell sets the tab's). */
  setWindowTitle(title: string): Promise<Result<null, string>>;
  /** Asks the person for a notebook to open; null when they cancel. Opens it in a new window. */
  showOpenDialog(): Promise<Result<string | null, string>>;
  /** Asks where to save a copy of this notebook; null when they cancel. Writes the copy there. */
  showSaveAsDialog(): Promise<Result<string | null, string>>;
  /** Notebooks opened recently, newest first. */
  listRecentFiles(): Promise<Result<RecentFile[], string>>;
  /**
   * Makes an invite link for this notebook, starting sharing (the hub and its signaling server)
   * on the first call. Later changes arrive as `sharing` events.
   */
  createInvite(options: ShareOptions): Promise<Result<InviteSummary, string>>;
  /**
   * Revokes invite `id`: nobody joins with it any more. Guests who joined with it stay, except
   * those of `removeGuests` (peer ids), who are removed as by removeGuest.
   */
  revokeInvite(id: string, removeGuests?: string[]): Promise<Result<null, string>>;
  /** Every invite of the current sharing session, newest first. */
  listInvites(): Promise<Result<InviteSummary[], string>>;
  /** Who is here, who is knocking and which links are live (also pushed as `sharing`). */
  getSharingState(): Promise<Result<SharingState, string>>;
  /** Whether links made from now on ask the host before anyone joins; made links keep theirs. */
  setAskBeforeJoining(ask: boolean): Promise<Result<null, string>>;
  /** Lets a knocking guest in (`admit` true) or turns them away. */
  answerKnock(peerId: string, admit: boolean): Promise<Result<null, string>>;
  /** Changes a guest's role, live. */
  setGuestRole(peerId: string, role: GuestRole): Promise<Result<null, string>>;
  /** Disconnects a guest; they cannot come back in this sharing session. */
  removeGuest(peerId: string): Promise<Result<null, string>>;
  /** Stops sharing: every guest is disconnected, every link stops working. The host goes on. */
  stopSharing(): Promise<Result<null, string>>;
  /**
   * Opens someone else's session as a guest, in a new window (Electron) or tab (browser), after
   * the person confirmed the Join dialog. `link` is an invite link of either form; one that
   * protocol/invite.ts cannot read is refused with its reason.
   */
  openGuestSession(link: string): Promise<Result<null, string>>;
}

/** What the Share dialog asks for a new link. */
export interface ShareOptions {
  role: GuestRole;
  /** Minutes until the link stops admitting anyone; null: until sharing stops. */
  expiresInMinutes: number | null;
}

/** An invite as the Share dialog lists it (its secret is inside `link`). */
export interface InviteSummary {
  id: string;
  /** Its name in the UI, by role in the order made: "Editor link 2". */
  label: string;
  role: GuestRole;
  /** ms since epoch; null: until sharing stops. */
  expiresAt: number | null;
  status: 'live' | 'expired' | 'revoked';
  /** The host admits each guest of this link (a knock). */
  asks: boolean;
  /** `pairbook://join?…` */
  link: string;
  /** `http(s)://…/join#…`, for guests with only a browser; null when the shell serves none. */
  webLink: string | null;
  createdAt: number;
}

/** A guest in the session, as the host's participants list shows them. */
export interface GuestSummary {
  peerId: string;
  name: string;
  role: GuestRole;
  /** The invite (link) they joined with: its `label` in `SharingState.invites`. */
  inviteId: string;
  joinedAt: number;
  /** The code host and guest read aloud to check they reached each other ("482 913"). */
  code: string;
  /** Whether their connection goes through a TURN relay (docs/networks.md); absent: unknown. */
  relayed?: boolean;
}

/** Someone asking to join ("Ada wants to join as editor"). */
export interface KnockSummary {
  peerId: string;
  name: string;
  role: GuestRole;
  /** The verification code the knocking guest sees too. */
  code: string;
}

/** The host's sharing, as pushed to its window. */
export interface SharingState {
  /** True while the hub runs (from the first link until Stop sharing). */
  active: boolean;
  askBeforeJoining: boolean;
  invites: InviteSummary[];
  guests: GuestSummary[];
  knocks: KnockSummary[];
  /** The latest change in words ("Ada joined as editor"), numbered so it is shown once. */
  change: { seq: number; text: string } | null;
}

/** The IPC channel (Electron) or call name (browser shell) of each DesktopApi method. */
export const DESKTOP_CHANNELS = {
  getAppInfo: 'pairbook:get-app-info',
  setWindowTitle: 'pairbook:set-window-title',
  showOpenDialog: 'pairbook:show-open-dialog',
  showSaveAsDialog: 'pairbook:show-save-as-dialog',
  listRecentFiles: 'pairbook:list-recent-files',
  createInvite: 'pairbook:create-invite',
  revokeInvite: 'pairbook:revoke-invite',
  listInvites: 'pairbook:list-invites',
  getSharingState: 'pairbook:get-sharing-state',
  setAskBeforeJoining: 'pairbook:set-ask-before-joining',
  answerKnock: 'pairbook:answer-knock',
  setGuestRole: 'pairbook:set-guest-role',
  removeGuest: 'pairbook:remove-guest',
  stopSharing: 'pairbook:stop-sharing',
  openGuestSession: 'pairbook:open-guest-session',
} as const satisfies Record<keyof DesktopApi, `pairbook:${string}`>;

/** Whether the notebook file holds the document, as the shell reports it. */
export interface FileState {
  /** True when there are edits the file does not have yet. */
  dirty: boolean;
  /** When the file was last written by this session, ms since epoch; null when not yet. */
  savedAt: number | null;
  /** Why the last save failed, in words a person can act on; null when it did not. */
  error: string | null;
}

/** What the shell pushes to the renderer unasked, by event name. */
export interface DesktopEvents {
  'file-state': FileState;
  /** A validated `pairbook://join?…` link the OS handed the app; the renderer asks before joining. */
  'join-link': JoinLink;
  /** The host's sharing changed: a link, a guest, a knock, a role. */
  sharing: SharingState;
}

/** An invite link opened from outside the app (deep link). Untrusted until the person agrees. */
export interface JoinLink {
  kind: 'join';
  href: string;
  params: Record<string, string>;
}

/** The IPC channel of each DesktopEvents event. */
export const DESKTOP_EVENT_CHANNELS = {
  'file-state': 'pairbook:file-state',
  'join-link': 'pairbook:join-link',
  sharing: 'pairbook:sharing',
} as const satisfies Record<keyof DesktopEvents, `pairbook:${string}`>;

/** A DesktopApi channel name. */
export type DesktopChannel = (typeof DESKTOP_CHANNELS)[keyof typeof DESKTOP_CHANNELS];

/** True when `name` is one of the DesktopApi channels (for handlers receiving untrusted names). */
export function isDesktopChannel(name: unknown): name is DesktopChannel {
  return typeof name === 'string' && (Object.values(DESKTOP_CHANNELS) as string[]).includes(name);
}
