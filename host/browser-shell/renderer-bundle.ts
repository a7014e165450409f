import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { PairbookError } from '../../protocol/errors';

/** The repository root (this file is host/browser-shell/renderer-bundle.ts). */
const ROOT = fileURLToPath(new URL('../../', import.meta.url));

/** Where the bundled renderer lives: index.html, app.js, app.css, fonts/. */
export const RENDERER_DIST_DIR = fileURLToPath(new URL('../../dist/renderer/', import.meta.url));

/**
 * Builds the renderer bundle when it is missing or older than its sources
 * (scripts/build-renderer.mjs --if-stale). Throws PairbookError when it cannot be built.
 */
export function ensureRendererBundle(): string {
  const script = `${ROOT}scripts/build-renderer.mjs`;
  if (!existsSync(script)) {
    if (existsSync(`${RENDERER_DIST_DIR}app.js`)) return RENDERER_DIST_DIR;
    throw new PairbookError('unreadable', 'the renderer bundle is missing and cannot be built');
  }
  const r = spawnSync(process.execPath, [script, '--if-stale'], { cwd: ROOT, encoding: 'utf8' });
  if (r.status !== 0) {
    throw new PairbookError(
      'unreadable',
      `building the renderer failed — run \`node scripts/build-renderer.mjs\` to see why\n${r.stderr}`,
    );
  }
  return RENDERER_DIST_DIR;
}
