import { type Session, type WebContents, type WebPreferences, shell } from 'electron';
import { isAppJoinUrl, isAppUrl } from './app-url';
import { decideNavigation } from './navigation-policy';

/**
 * The Content-Security-Policy of the app page: scripts, styles and fonts only from the app's own
 * origin (no inline script, no eval), no frames, workers, plugins, forms or network connections:
 * the hub is a MessagePort, so the page needs no `connect-src`. Inline styles are allowed because
 * CodeMirror and KaTeX set style attributes. Images may be data:/blob: (PNG and SVG outputs).
 */
export const APP_CONTENT_SECURITY_POLICY = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data: blob:",
  "font-src 'self' data:",
  "connect-src 'self'",
  "frame-src 'none'",
  "child-src 'none'",
  "worker-src 'none'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');

/**
 * The CSP of the guest page (`app://pairbook/join`): the app's, except that it may open WebSockets
 * to the signaling servers its invite link names (any ws:/wss: address; the link is the person's
 * choice, as on the browser shell's /join page). The page still has no preload and no IPC.
 */
export const GUEST_CONTENT_SECURITY_POLICY = APP_CONTENT_SECURITY_POLICY.replace(
  "connect-src 'self'",
  "connect-src 'self' ws: wss:",
);

/** The CSP of the app page at `url`: the guest page's for `app://pairbook/join`, else the app's. */
export function contentSecurityPolicyFor(url: string): string {
  return isAppJoinUrl(url) ? GUEST_CONTENT_SECURITY_POLICY : APP_CONTENT_SECURITY_POLICY;
}

/**
 * The webPreferences of every Pairbook window: isolated, sandboxed, no Node in the page.
 * `preload` is the bridge script; guest windows, which need no bridge, have none.
 */
export function secureWebPreferences(preload?: string): WebPreferences {
  return {
    ...(preload ? { preload } : {}),
    contextIsolation: true,
    sandbox: true,
    nodeIntegration: false,
    nodeIntegrationInWorker: false,
    nodeIntegrationInSubFrames: false,
    webSecurity: true,
    allowRunningInsecureContent: false,
    webviewTag: false,
    navigateOnDragDrop: false,
    spellcheck: false,
    safeDialogs: true,
  };
}

/** Which web contents may reach signaling servers; by default, none. */
export interface SessionPolicyOptions {
  /** True when the web contents with this id is a guest window (electron/main/guest-windows.ts). */
  isGuestContents?(webContentsId: number): boolean;
}

/** Whether a window may make a request for `url`; `guest` when it is a guest window. */
export function isAllowedRequest(url: string, guest: boolean): boolean {
  if (isAppUrl(url) || /^(data|blob|devtools|chrome-extension):/.test(url)) return true;
  // A guest page's signaling connection: the CSP allows only WebSockets there, not fetches.
  return guest && /^wss?:\/\//i.test(url);
}

/**
 * Applies the session-wide rules: every permission request and check is denied (a notebook needs
 * no camera, notifications or geolocation), every response carries its page's CSP, and no window
 * fetches anything outside the app, except a guest window's WebSockets to its signaling servers.
 */
export function applySessionPolicy(session: Session, options: SessionPolicyOptions = {}): void {
  session.setPermissionRequestHandler((_contents, permission, callback) => {
    console.warn(`pairbook: denied a page's request for the "${permission}" permission`);
    callback(false);
  });
  session.setPermissionCheckHandler(() => false);
  session.webRequest.onHeadersReceived((details, callback) => {
    const headers = { ...details.responseHeaders };
    if (isAppUrl(details.url)) {
      headers['Content-Security-Policy'] = [contentSecurityPolicyFor(details.url)];
    }
    callback({ responseHeaders: headers });
  });
  // Nothing outside the app is ever fetched by a window, whatever a notebook's output contains.
  session.webRequest.onBeforeRequest((details, callback) => {
    const id = details.webContentsId;
    const guest = id !== undefined && (options.isGuestContents?.(id) ?? false);
    const allowed = isAllowedRequest(details.url, guest);
    if (!allowed) console.warn(`pairbook: blocked a request for ${details.url.slice(0, 200)}`);
    callback({ cancel: !allowed });
  });
}

/**
 * Locks one web contents down: navigation and new windows follow decideNavigation (web links a
 * person clicks open in the system browser, everything else is refused), and <webview> is refused.
 */
export function guardWebContents(contents: WebContents): void {
  const onNavigate = (event: { url: string; preventDefault(): void }) => {
    const decision = decideNavigation(event.url, 'navigate');
    if (decision.action === 'allow') return;
    event.preventDefault();
    if (decision.action === 'open-externally') void openExternally(decision.url);
    else
      console.warn(
        `pairbook: blocked navigation to ${event.url.slice(0, 200)}: ${decision.reason}`,
      );
  };
  contents.on('will-navigate', onNavigate);
  contents.on('will-frame-navigate', onNavigate);
  contents.on('will-redirect', onNavigate);
  contents.on('will-attach-webview', (event) => event.preventDefault());
  contents.setWindowOpenHandler(({ url }) => {
    const decision = decideNavigation(url, 'new-window');
    if (decision.action === 'open-externally') void openExternally(decision.url);
    else if (decision.action === 'deny') {
      console.warn(`pairbook: blocked a new window for ${url.slice(0, 200)}: ${decision.reason}`);
    }
    return { action: 'deny' };
  });
}

async function openExternally(url: string): Promise<void> {
  try {
    await shell.openExternal(url);
  } catch (e) {
    console.warn(`pairbook: cannot open ${url} in the browser: ${(e as Error).message}`);
  }
}

/** Size and look every app window opens with (notebook and guest windows alike). */
export const WINDOW_FRAME = {
  width: 1100,
  height: 860,
  minWidth: 480,
  minHeight: 360,
  show: false,
  backgroundColor: '#ffffff',
} as const;
