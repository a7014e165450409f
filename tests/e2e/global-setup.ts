import { spawnSync } from 'node:child_process';

/** Builds the renderer bundle once, before any test starts a server. */
export default function globalSetup(): void {
  const r = spawnSync(process.execPath, ['scripts/build-renderer.mjs', '--if-stale'], {
    stdio: 'inherit',
  });
  if (r.status !== 0) throw new Error('building the renderer failed (scripts/build-renderer.mjs)');
}
