import { spawnSync } from 'node:child_process';
import { NOT_RUN_REASON } from './electron-binary';

/** Builds the Electron shell when there is an Electron to run it; else says plainly why not. */
export default function globalSetup(): void {
  if (NOT_RUN_REASON) {
    console.log(`\nElectron tests ${NOT_RUN_REASON}\n`);
    return;
  }
  const r = spawnSync(process.execPath, ['scripts/build-electron.mjs'], { stdio: 'inherit' });
  if (r.status !== 0)
    throw new Error('building the Electron shell failed (scripts/build-electron.mjs)');
}
