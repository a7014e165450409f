// Where the Electron binary for these tests is, if anywhere. This machine has none: the tests then
// skip, saying so, and are not counted as passing.
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

const ROOT = resolve(import.meta.dirname, '../..');

function executableIn(dist: string): string {
  if (process.platform === 'darwin') return join(dist, 'Electron.app/Contents/MacOS/Electron');
  return join(dist, process.platform === 'win32' ? 'electron.exe' : 'electron');
}

/** The Electron executable: from ELECTRON_OVERRIDE_DIST_PATH, else node_modules/electron/dist. */
export const ELECTRON_PATH: string | null = (() => {
  const override = process.env.ELECTRON_OVERRIDE_DIST_PATH;
  if (override) return existsSync(executableIn(override)) ? executableIn(override) : null;
  const pathTxt = join(ROOT, 'node_modules/electron/path.txt');
  if (!existsSync(pathTxt)) return null;
  const exe = join(ROOT, 'node_modules/electron/dist', readFileSync(pathTxt, 'utf8').trim());
  return existsSync(exe) ? exe : null;
})();

/** Why the Electron tests did not run; null when they can. */
export const NOT_RUN_REASON: string | null = ELECTRON_PATH
  ? null
  : 'DID NOT RUN: no Electron binary on this machine (set ELECTRON_OVERRIDE_DIST_PATH to an ' +
    'unpacked Electron 38, or install electron where its download works); skipped, not passed';

/** The built shell, which `electron APP_DIR` starts (scripts/build-electron.mjs). */
export const APP_DIR = join(ROOT, 'dist/electron');
