// `npm run build`, and `npm ci` / `npm install` through the `prepare` script: everything the app
// runs, compiled with esbuild into dist/ (a few seconds):
//   dist/cli/       the CLI and the host (scripts/build-cli.mjs), which bin/pairbook.mjs runs
//   dist/renderer/  the UI (scripts/build-renderer.mjs)
//   dist/electron/  the Electron main process and preload (scripts/build-electron.mjs)
// With dev dependencies left out (npm ci --omit=dev) there is no esbuild: `prepare` then says so
// and leaves dist/ as it is rather than failing the install; `npm run build` fails.
import { spawnSync } from 'node:child_process';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildCli } from './build-cli.mjs';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const started = Date.now();

try {
  await import('esbuild');
} catch {
  const why = 'esbuild is not installed (a development dependency: npm ci without --omit=dev)';
  if (process.env.npm_lifecycle_event === 'prepare') {
    console.log(`pairbook: not building dist/: ${why}`);
    process.exit(0);
  }
  console.error(`pairbook: cannot build: ${why}`);
  process.exit(1);
}

const cliMs = await buildCli();
// build-electron.mjs builds the renderer first (if stale), then the main process and preload.
const electron = spawnSync(process.execPath, [join(root, 'scripts/build-electron.mjs')], {
  cwd: root,
  stdio: ['ignore', 'ignore', 'inherit'],
});
if (electron.status !== 0) process.exit(electron.status ?? 1);
console.log(
  `pairbook: built dist/cli (${cliMs} ms), dist/renderer and dist/electron in ` +
    `${Date.now() - started} ms`,
);
