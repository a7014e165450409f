// The app's own origin. Windows load the renderer bundle from a privileged custom scheme, so the
// CSP and the IPC sender checks compare against one exact origin, never a file:// path.
import { type Invite, formatWebInvite } from '../../protocol/invite';

/** The custom scheme serving the renderer bundle. */
export const APP_SCHEME = 'app';
/** The only host of APP_SCHEME. */
export const APP_HOST = 'pairbook';
/** The origin every Pairbook window's page has. */
export const APP_ORIGIN = `${APP_SCHEME}://${APP_HOST}`;
/** The page every Pairbook window loads. */
export const APP_ENTRY_URL = `${APP_ORIGIN}/index.html`;
/** Path of the guest page (the same bundle, which joins someone else's session over WebRTC). */
export const APP_JOIN_PATH = '/join';

/** Parses `url`; null when it is not a URL at all. */
function parse(url: string): URL | null {
  try {
    return new URL(url);
  } catch {
    return null; // not a URL: callers treat it as foreign
  }
}

/** True when `url` is a page or asset of the app itself (`app://pairbook/...`). */
export function isAppUrl(url: string): boolean {
  const u = parse(url);
  return (
    u !== null &&
    u.protocol === `${APP_SCHEME}:` &&
    u.hostname === APP_HOST &&
    u.port === '' &&
    u.username === '' &&
    u.password === ''
  );
}

/** True when `url` is the app's entry page (query and fragment aside). */
export function isAppEntryUrl(url: string): boolean {
  const u = parse(url);
  return u !== null && isAppUrl(url) && (u.pathname === '/' || u.pathname === '/index.html');
}

/** True when `url` is the app's guest page, `app://pairbook/join` (query and fragment aside). */
export function isAppJoinUrl(url: string): boolean {
  return isAppUrl(url) && parse(url)?.pathname === APP_JOIN_PATH;
}

/**
 * The guest page joining `invite`: `app://pairbook/join#v=1&…`, the invite in the fragment as in
 * the browser form of links; with `?test=1` when `test` (the renderer's test hook).
 */
export function guestPageUrl(invite: Invite, test = false): string {
  const url = formatWebInvite(invite, APP_ORIGIN);
  return test ? url.replace(`${APP_JOIN_PATH}#`, `${APP_JOIN_PATH}?test=1#`) : url;
}

/**
 * The file an `app://pairbook/...` URL names, relative to the renderer bundle folder, e.g.
 * "fonts/KaTeX_Main-Regular-abc.woff2"; "index.html" for the root and the guest page. Null for
 * anything that is not an app URL or that tries to leave the folder (`..`, encoded slashes,
 * dotfiles, NUL).
 */
export function appAssetPath(url: string): string | null {
  if (!isAppUrl(url)) return null;
  const u = parse(url) as URL;
  if (u.pathname === '/' || u.pathname === '' || u.pathname === APP_JOIN_PATH) return 'index.html';
  const segments: string[] = [];
  for (const raw of u.pathname.slice(1).split('/')) {
    let segment: string;
    try {
      segment = decodeURIComponent(raw);
    } catch {
      return null; // malformed percent-encoding
    }
    if (segment === '' || segment.startsWith('.') || /[/\\\0]/.test(segment)) return null;
    segments.push(segment);
  }
  return segments.join('/');
}
