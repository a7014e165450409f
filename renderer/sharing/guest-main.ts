// A browser guest's page (the shell's /join, opened from the http(s) form of an invite link): asks
// for the guest's name in the Join dialog (the link is in the address's fragment, never sent to
// any server), then runs the same editor as the host's window, connected to the host's hub over
// WebRTC through GuestConnection instead of the shell's WebSocket.
import type { DesktopApi } from '../../protocol/desktop-api';
import { DESKTOP_CHANNELS } from '../../protocol/desktop-api';
import { err, ok } from '../../protocol/errors';
import { serializeNotebook } from '../../protocol/ydoc-nbformat';
import type { AppOptions } from '../app';
import { HubClient } from '../connection/hub-client';
import type { Platform } from '../platform/platform';
import { GuestConnection } from './guest-connection';
import { openJoinDialog } from './join-dialog';

/** Where a guest keeps its identity, so the host knows it again after a reload. */
const GUEST_KEY = 'pairbook:guest-key';

/** Starts the guest page in `root`. */
export async function startGuest(root: HTMLElement, location: Location): Promise<void> {
  const link =
    location.hash.length > 1 ? `${location.origin}${location.pathname}${location.hash}` : '';
  const choice = await openJoinDialog(link, { closable: false });
  if (!choice) return;
  const stored = sessionStorage.getItem(GUEST_KEY);
  const connection = new GuestConnection(choice.invite, {
    name: choice.name,
    ...(stored ? { guestKey: stored } : {}),
  });
  sessionStorage.setItem(GUEST_KEY, connection.guestKey);
  // A closed tab should leave the host's People list now, not when the connection times out.
  window.addEventListener('pagehide', () => connection.destroy(), { once: true });
  const { startApp } = await import('../app');
  const platform = guestPlatform(connection);
  let current: { client: HubClient; ended: AbortController } | null = null;
  const run = (startedOver?: AppOptions['startedOver']) => {
    const client = new HubClient(() => connection.openTransport());
    const ended = new AbortController();
    current = { client, ended };
    client.connect();
    return startApp(root, platform, client, connection, {
      signal: ended.signal,
      ...(startedOver ? { startedOver } : {}),
    });
  };
  // The host no longer matches this replica (it dropped some of this guest's edits, or it
  // restarted): merging it would bring back what the host refused, so start over from the
  // host's copy, and keep the old one to save.
  const startOver = (message: string) => {
    if (!current) return;
    const { client, ended } = current;
    const copy = serializeNotebook(client.doc);
    current = null;
    client.destroy();
    ended.abort();
    root.replaceChildren();
    connection.reset();
    void run({ message, copy });
  };
  connection.on('resync', startOver);
  connection.on('host-restarted', () =>
    startOver(
      "The host's Pairbook restarted while you were away: your changes since then could not be merged. You now have the host's copy.",
    ),
  );
  await run();
}

/** A guest's Platform: no shell of its own; the hub is the host's, over WebRTC. */
function guestPlatform(connection: GuestConnection): Platform {
  const hostOnly = async () => err('only the host can do this');
  const desktop = Object.fromEntries(
    Object.keys(DESKTOP_CHANNELS).map((method) => [method, hostOnly]),
  ) as unknown as DesktopApi;
  desktop.getAppInfo = async () =>
    ok({
      shell: 'browser',
      version: '',
      notebookPath: '',
      notebookName: connection.notebookName ?? 'Shared notebook',
    });
  desktop.setWindowTitle = async (title) => {
    document.title = title;
    return ok(null);
  };
  return {
    desktop,
    openHubTransport: () => connection.openTransport(),
    onDesktopEvent: () => () => {},
  };
}
