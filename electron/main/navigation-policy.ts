import { isAppEntryUrl } from './app-url';

/** What a window does with a request to load `url`. */
export type NavigationDecision =
  | { action: 'allow' }
  | { action: 'deny'; reason: string }
  /** Not in the app: hand the address to the system browser (only ever http and https). */
  | { action: 'open-externally'; url: string };

/** How the page asked to load a URL: by navigating itself, or by opening a new window. */
export type NavigationKind = 'navigate' | 'new-window';

/**
 * Whether a Pairbook window may load `url`. Every output in a notebook may come from someone else's
 * code, so a window only ever shows the app's own page: navigating to it again (a reload) is
 * allowed, web links a person clicks go to the system browser, and everything else (file://,
 * javascript:, data:, other custom schemes, new app windows) is denied.
 */
export function decideNavigation(url: string, kind: NavigationKind): NavigationDecision {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return { action: 'deny', reason: 'not a valid address' };
  }
  if (isAppEntryUrl(url)) {
    return kind === 'navigate'
      ? { action: 'allow' }
      : { action: 'deny', reason: 'the app opens its own windows; a page may not' };
  }
  if (parsed.protocol === 'http:' || parsed.protocol === 'https:') {
    if (parsed.username || parsed.password) {
      return { action: 'deny', reason: 'web links carrying credentials are not opened' };
    }
    return { action: 'open-externally', url: parsed.href };
  }
  return { action: 'deny', reason: `${parsed.protocol} addresses are not opened from a notebook` };
}
