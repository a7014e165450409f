import type { AppInfo, DesktopApi } from '../../protocol/desktop-api';
import { err, ok } from '../../protocol/errors';
import { type Invite, parseInvite } from '../../protocol/invite';
import type { SharingApi } from '../../host/shell/sharing-controller';
import type { RecentFiles } from './recent-files';

/** What a window's DesktopApi needs from the app around it. */
export interface DesktopHost {
  info: AppInfo;
  recent: RecentFiles;
  setTitle(title: string): void;
  /** Asks for notebooks to open; empty when the person cancels. */
  chooseNotebooks(): Promise<string[]>;
  /** Opens `path` in a window (focusing it when already open); rejects with a reason. */
  openNotebook(path: string): Promise<void>;
  /** Asks where to write a copy; null when the person cancels. */
  chooseCopyPath(): Promise<string | null>;
  /** Writes the current document to `path`. */
  writeCopy(path: string): Promise<void>;
  /** Sharing of this window's notebook (host/shell/sharing-controller.ts). */
  sharing: SharingApi;
  /** Opens a guest window joining `invite` (electron/main/guest-windows.ts). */
  openGuestWindow(invite: Invite): void;
}

/** The DesktopApi of one Electron window, answered in the main process. */
export function createElectronDesktopHandlers(host: DesktopHost): DesktopApi {
  return {
    getAppInfo: async () => ok(host.info),
    setWindowTitle: async (title) => {
      host.setTitle(title);
      return ok(null);
    },
    showOpenDialog: async () => {
      const [first, ...more] = await host.chooseNotebooks();
      if (!first) return ok(null);
      for (const path of [first, ...more]) await host.openNotebook(path);
      return ok(first);
    },
    showSaveAsDialog: async () => {
      const path = await host.chooseCopyPath();
      if (!path) return ok(null);
      if (path === host.info.notebookPath) {
        return err('that is this notebook itself — it saves there already; choose another name');
      }
      await host.writeCopy(path);
      await host.recent.add(path);
      return ok(path);
    },
    listRecentFiles: async () => ok(await host.recent.list()),
    openGuestSession: async (link) => {
      // The IPC guard checked the link already; this handler may be reached without it.
      const parsed = parseInvite(link);
      if (!parsed.ok) return err(parsed.error.message);
      host.openGuestWindow(parsed.value);
      return ok(null);
    },
    ...host.sharing,
  };
}
