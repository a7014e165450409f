import type { IpcMainInvokeEvent } from 'electron';
import { DESKTOP_CHANNELS, type DesktopApi, type ShareOptions } from '../../protocol/desktop-api';
import { parseInvite } from '../../protocol/invite';
import { type GuestRole, isGuestRole } from '../../protocol/roles';
import { type Result, err } from '../../protocol/errors';
import { isAppJoinUrl, isAppUrl } from './app-url';

/** Longest window title accepted, in characters. */
export const MAX_TITLE_CHARS = 512;

/** Where handlers are registered: Electron's ipcMain, or a fake in tests. */
export interface IpcHandlerRegistry {
  handle(
    channel: string,
    listener: (event: IpcMainInvokeEvent, ...args: unknown[]) => unknown,
  ): void;
  removeHandler(channel: string): void;
}

/** The parts of an invoke event the sender check reads. */
export interface SenderEvent {
  sender: { mainFrame: unknown };
  senderFrame: { url: string } | null;
}

/** A predicate on the arguments of one channel, narrowing them to the handler's parameters. */
export type ArgumentCheck<A extends unknown[]> = (args: unknown[]) => args is A;

const noArguments = (args: unknown[]): args is [] => args.length === 0;
const isShortString = (v: unknown): v is string => typeof v === 'string' && v.length <= 128;
const isRole = (v: unknown): v is GuestRole => isGuestRole(v);
const onePeer = (args: unknown[]): args is [string] => args.length === 1 && isShortString(args[0]);

/** The argument check of every DesktopApi method; the type makes a missing method an error. */
export const DESKTOP_API_ARGUMENTS: {
  [K in keyof DesktopApi]: ArgumentCheck<Parameters<DesktopApi[K]>>;
} = {
  getAppInfo: noArguments,
  setWindowTitle: (args): args is [string] =>
    args.length === 1 && typeof args[0] === 'string' && args[0].length <= MAX_TITLE_CHARS,
  showOpenDialog: noArguments,
  showSaveAsDialog: noArguments,
  listRecentFiles: noArguments,
  createInvite: (args): args is [ShareOptions] => {
    const o = args[0] as Partial<ShareOptions> | null;
    return (
      args.length === 1 &&
      typeof o === 'object' &&
      o !== null &&
      isRole(o.role) &&
      (o.expiresInMinutes === null ||
        (typeof o.expiresInMinutes === 'number' && Number.isFinite(o.expiresInMinutes)))
    );
  },
  revokeInvite: (args): args is [string, string[]?] =>
    (args.length === 1 || args.length === 2) &&
    isShortString(args[0]) &&
    (args[1] === undefined ||
      (Array.isArray(args[1]) && args[1].length <= 1024 && args[1].every(isShortString))),
  listInvites: noArguments,
  getSharingState: noArguments,
  setAskBeforeJoining: (args): args is [boolean] =>
    args.length === 1 && typeof args[0] === 'boolean',
  answerKnock: (args): args is [string, boolean] =>
    args.length === 2 && isShortString(args[0]) && typeof args[1] === 'boolean',
  setGuestRole: (args): args is [string, GuestRole] =>
    args.length === 2 && isShortString(args[0]) && isRole(args[1]),
  removeGuest: onePeer,
  stopSharing: noArguments,
  openGuestSession: (args): args is [string] =>
    args.length === 1 && typeof args[0] === 'string' && parseInvite(args[0]).ok,
};

/**
 * Why arguments that failed their DESKTOP_API_ARGUMENTS check were refused, for the methods
 * whose arguments a person typed or pasted (the default message suits only a page's own bugs).
 */
export const DESKTOP_API_REFUSALS: { [K in keyof DesktopApi]?: (args: unknown[]) => string } = {
  openGuestSession: (args) => {
    if (args.length !== 1 || typeof args[0] !== 'string') return 'give one invite link to join';
    const parsed = parseInvite(args[0]);
    return parsed.ok ? 'the invite link was refused' : parsed.error.message;
  },
};

/**
 * Whether an IPC call comes from a Pairbook page: the top frame of its window, showing the app's
 * own origin. A frame that navigated away, an iframe, a guest page or any other page is refused.
 */
export function checkSender(event: SenderEvent): Result<null, string> {
  const frame = event.senderFrame;
  if (!frame) return err('the page that asked has gone');
  if (frame !== event.sender.mainFrame) return err('only the app page itself may call Pairbook');
  if (!isAppUrl(frame.url)) return err('a page outside the app may not call Pairbook');
  // Guest windows have no preload; should one ever get a bridge, it still gets no answers.
  if (isAppJoinUrl(frame.url)) return err('a guest page may not call Pairbook');
  return { ok: true, value: null };
}

/**
 * Registers IPC handlers so that every call is checked before it runs: the sender must be the
 * app's page (checkSender), the arguments must pass the channel's check, and whatever the handler
 * throws comes back as a Result error, since Electron carries only an error's message across IPC.
 */
export class IpcGuard {
  private readonly channels = new Set<string>();

  constructor(private readonly ipc: IpcHandlerRegistry) {}

  /**
   * Registers `handler` for `channel` behind the checks. `refusal` says why arguments failed
   * `check`; by default, that they were unexpected.
   */
  handle<A extends unknown[], T>(
    channel: string,
    check: ArgumentCheck<A>,
    handler: (event: IpcMainInvokeEvent, ...args: A) => Promise<Result<T, string>>,
    refusal: (args: unknown[]) => string = () => `${channel} was called with unexpected arguments`,
  ): void {
    this.channels.add(channel);
    this.ipc.handle(channel, async (event, ...args): Promise<Result<T, string>> => {
      const sender = checkSender(event);
      if (!sender.ok) {
        console.warn(
          `pairbook: refused ${channel} from ${event.senderFrame?.url}: ${sender.error}`,
        );
        return sender;
      }
      if (!check(args)) return err(refusal(args));
      try {
        return await handler(event, ...args);
      } catch (e) {
        console.error(`pairbook: ${channel} failed`, e);
        return err(e instanceof Error ? e.message : String(e));
      }
    });
  }

  /** Removes every handler this guard registered. Idempotent. */
  destroy(): void {
    for (const channel of this.channels) this.ipc.removeHandler(channel);
    this.channels.clear();
  }
}

/**
 * Registers every DesktopApi method on its DESKTOP_CHANNELS channel. `handlersFor` finds the
 * DesktopApi of the window that sent the call; null when the sender is no notebook window.
 */
export function registerDesktopApi(
  guard: IpcGuard,
  handlersFor: (event: IpcMainInvokeEvent) => DesktopApi | null,
): void {
  for (const method of Object.keys(DESKTOP_CHANNELS) as (keyof DesktopApi)[]) {
    const check = DESKTOP_API_ARGUMENTS[method] as ArgumentCheck<unknown[]>;
    guard.handle(
      DESKTOP_CHANNELS[method],
      check,
      async (event, ...args) => {
        const api = handlersFor(event);
        if (!api) return err('this window shows no notebook');
        const fn = api[method] as (...a: unknown[]) => Promise<Result<unknown, string>>;
        return fn.apply(api, args);
      },
      DESKTOP_API_REFUSALS[method],
    );
  }
}
