import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { type Session, protocol } from 'electron';
import { APP_SCHEME, appAssetPath } from './app-url';
import { contentSecurityPolicyFor } from './security-policy';
import { contentTypeOf } from '../../host/shell/content-types';

/**
 * Declares `app://` a standard, secure scheme, so its pages have a real origin (`app://pairbook`)
 * for the CSP, for module scripts and for the IPC sender checks. Must run before the app is ready.
 */
export function registerAppScheme(): void {
  protocol.registerSchemesAsPrivileged([
    {
      scheme: APP_SCHEME,
      privileges: { standard: true, secure: true, supportFetchAPI: true, codeCache: true },
    },
  ]);
}

/**
 * Serves the renderer bundle in `rendererDir` at `app://pairbook/...` in `session`: files only
 * from that folder, each with its content type, `nosniff` and the app's CSP (the guest page,
 * `/join`, is index.html with the guest CSP).
 */
export function serveAppScheme(session: Session, rendererDir: string): void {
  session.protocol.handle(APP_SCHEME, async (request) => {
    const relative = appAssetPath(request.url);
    if (!relative || request.method !== 'GET') return new Response(null, { status: 404 });
    const body = await readFile(join(rendererDir, relative)).catch(() => null);
    if (!body) return new Response(null, { status: 404 });
    return new Response(body, {
      headers: {
        'Content-Type': contentTypeOf(relative),
        'Content-Security-Policy': contentSecurityPolicyFor(request.url),
        'X-Content-Type-Options': 'nosniff',
        'Cache-Control': 'no-store',
      },
    });
  });
}
