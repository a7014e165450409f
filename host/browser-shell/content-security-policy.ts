/**
 * The Content-Security-Policy of the app page served at `origin` (e.g. "http://127.0.0.1:8123"):
 * scripts only from the app itself (no inline, no eval), no frames, no plugins, connections only
 * back to the shell (plus `connect`, e.g. the guest page's signaling servers). Inline styles are allowed because CodeMirror and KaTeX set style attributes.
 * Outputs never need a frame: HTML is sanitized and SVG is shown as an image.
 */
export function contentSecurityPolicy(origin: string, connect: string[] = []): string {
  const ws = origin.replace(/^http/, 'ws');
  return [
    "default-src 'none'",
    "script-src 'self'",
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data: blob:",
    "font-src 'self' data:",
    `connect-src 'self' ${[ws, ...connect].join(' ')}`,
    "frame-src 'none'",
    "child-src 'none'",
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'none'",
    "frame-ancestors 'none'",
  ].join('; ');
}
