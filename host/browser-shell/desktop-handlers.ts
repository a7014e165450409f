import type { AppInfo, DesktopApi } from '../../protocol/desktop-api';
import { err, ok } from '../../protocol/errors';
import type { SharingApi } from '../shell/sharing-controller';

/**
 * The DesktopApi as the browser shell answers it over HTTP. A browser tab shows one notebook and
 * has no native dialogs, so the dialogs say what to run instead.
 */
export function createBrowserDesktopHandlers(info: AppInfo, sharing: SharingApi): DesktopApi {
  const oneNotebook =
    'the browser shell shows one notebook — run `npx pairbook serve OTHER.ipynb` to open another';
  return {
    getAppInfo: async () => ok(info),
    // The tab sets its own title; nothing to do on the host.
    setWindowTitle: async () => ok(null),
    showOpenDialog: async () => err(oneNotebook),
    showSaveAsDialog: async () =>
      err('the browser shell saves in place — copy the file to keep another version'),
    listRecentFiles: async () => ok([]),
    // The tab opens the guest page itself (renderer/platform/browser-platform.ts): only a page
    // calling the API by hand lands here.
    openGuestSession: async () =>
      err('the browser shell cannot open windows — open the invite link in a new browser tab'),
    ...sharing,
  };
}
