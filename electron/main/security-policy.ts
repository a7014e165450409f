import { type Session, type WebContents, type WebPreferences, shell } from 'electron';
import { isAppUrl } from './app-url';
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

/** The webPreferences of every Pairbook window: isolated, sandboxed, no Node in the page. */
export function secureWebPreferences(preload: string): WebPreferences {
  return {
    preload,
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

/**
 * Applies the session-wide rules: every permission request and check is denied (a notebook needs
 * no camera, notifications or geolocation), and every response carries the app's CSP.
 */
export function applySessionPolicy(session: Session): void {
  session.setPermissionRequestHandler((_contents, permission, callback) => {
    console.warn(`pairbook: denied a page's request for the "${permission}" permission`);
    callback(false);
  });
  session.setPermissionCheckHandler(() => false);
  session.webRequest.onHeadersReceived((details, callback) => {
    const headers = { ...details.responseHeaders };
    if (isAppUrl(details.url)) {
      headers['Content-Security-Policy'] = [APP_CONTENT_SECURITY_POLICY];
    }
    callback({ responseHeaders: headers });
  });
  // Nothing outside the app is ever fetched by a window, whatever a notebook's output contains.
  session.webRequest.onBeforeRequest((details, callback) => {
    const allowed =
      isAppUrl(details.url) || /^(data|blob|devtools|chrome-extension):/.test(details.url);
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
