import { BrowserWindow, type WebPreferences } from 'electron';
import type { Invite } from '../../protocol/invite';
import { guestPageUrl } from './app-url';
import { WINDOW_FRAME, secureWebPreferences } from './security-policy';

/** Options of GuestWindows. */
export interface GuestWindowsOptions {
  /** Load the guest page with the renderer's test hook (`?test=1`). */
  testHook: boolean;
  /** Called with each new window's webPreferences (the Electron tests read them). */
  onCreated?(webContentsId: number, webPreferences: WebPreferences): void;
}

/**
 * Windows in which this person joins someone else's session as a guest: the renderer's guest page
 * (`app://pairbook/join#…`), which connects to the host over WebRTC exactly as a browser guest
 * does. Isolated and sandboxed like notebook windows, and with no preload at all: a guest page
 * talks to peers, never to this app's main process. Only these windows may open WebSockets (to
 * the signaling servers their link names; security-policy.ts).
 */
export class GuestWindows {
  private readonly contents = new Set<number>();

  constructor(private readonly options: GuestWindowsOptions) {}

  /** True when the web contents with id `webContentsId` is a guest window's page. */
  has(webContentsId: number): boolean {
    return this.contents.has(webContentsId);
  }

  /** How many guest windows are open. */
  get count(): number {
    return this.contents.size;
  }

  /** Opens a guest window joining `invite` (already validated by protocol/invite.ts). */
  open(invite: Invite): BrowserWindow {
    const webPreferences = secureWebPreferences();
    const window = new BrowserWindow({
      ...WINDOW_FRAME,
      title: 'Joining — Pairbook',
      webPreferences,
    });
    const id = window.webContents.id;
    this.contents.add(id);
    this.options.onCreated?.(id, webPreferences);
    window.once('ready-to-show', () => window.show());
    window.on('closed', () => this.contents.delete(id));
    void window.loadURL(guestPageUrl(invite, this.options.testHook)).catch((e: unknown) => {
      console.error('pairbook: the guest window did not load', e);
    });
    return window;
  }
}
