// How the tests and benches start Debian's Chromium (Playwright's own browser downloads are never
// used): one list of flags, read by playwright.config.ts and bench/sharing-pages/pages.ts.

/** Debian's Chromium, or `$PAIRBOOK_CHROMIUM`. */
export const CHROMIUM_PATH = process.env.PAIRBOOK_CHROMIUM ?? '/usr/bin/chromium';

/** Flags: no sandbox (namespaced, no setuid helper), no GPU, nothing that phones home. */
export const CHROMIUM_ARGS: readonly string[] = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
];
