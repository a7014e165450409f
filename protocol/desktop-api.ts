// The one typed contract between the renderer and the shell around it, for app things only:
// dialogs, recent files, the window title, facts about the app. The notebook itself and requests
// such as save and run travel as hub messages (hub-messages.ts), never through here. Electron
// implements it over IPC (the preload loops over DESKTOP_CHANNELS); the browser shell over HTTP.
import type { Result } from './errors';

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
}

/** The IPC channel (Electron) or call name (browser shell) of each DesktopApi method. */
export const DESKTOP_CHANNELS = {
  getAppInfo: 'pairbook:get-app-info',
  setWindowTitle: 'pairbook:set-window-title',
  showOpenDialog: 'pairbook:show-open-dialog',
  showSaveAsDialog: 'pairbook:show-save-as-dialog',
  listRecentFiles: 'pairbook:list-recent-files',
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
} as const satisfies Record<keyof DesktopEvents, `pairbook:${string}`>;

/** A DesktopApi channel name. */
export type DesktopChannel = (typeof DESKTOP_CHANNELS)[keyof typeof DESKTOP_CHANNELS];

/** True when `name` is one of the DesktopApi channels (for handlers receiving untrusted names). */
export function isDesktopChannel(name: unknown): name is DesktopChannel {
  return typeof name === 'string' && (Object.values(DESKTOP_CHANNELS) as string[]).includes(name);
}
