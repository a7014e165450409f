// `npm start [FILE.ipynb]`: the desktop app when an Electron binary is here, else the browser shell.
//   - Electron found (ELECTRON_OVERRIDE_DIST_PATH, or node_modules/electron/dist): builds the shell
//     (scripts/build-electron.mjs) and runs `electron dist/electron [FILE]`.
//   - Otherwise says so and why, and runs `pairbook serve FILE` instead, printing the address to
//     open. Without FILE a new notebook is created in ~/Pairbook (never overwriting a file).
// Ctrl-C is passed to the child, which saves and exits; this script exits with its code.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { register } from 'tsx/esm/api';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
// npm runs scripts in the package folder; the folder the person typed `npm start` in is INIT_CWD.
const cwd = process.env.INIT_CWD ?? process.cwd();
const args = process.argv.slice(2);

if (args.includes('--help') || args.includes('-h')) {
  console.log('usage: npm start [FILE.ipynb]   open a notebook (a new one in ~/Pairbook if none)');
  process.exit(0);
}
const file = args.find((a) => !a.startsWith('-'));

/** The Electron executable inside an Electron dist folder, for this platform. */
function executableIn(dist) {
  if (process.platform === 'darwin') return join(dist, 'Electron.app/Contents/MacOS/Electron');
  return join(dist, process.platform === 'win32' ? 'electron.exe' : 'electron');
}

/** The Electron binary to run, or null with the reason there is none. */
function findElectron() {
  const override = process.env.ELECTRON_OVERRIDE_DIST_PATH;
  if (override) {
    const exe = executableIn(override);
    return existsSync(exe)
      ? { exe }
      : { reason: `ELECTRON_OVERRIDE_DIST_PATH is set to ${override}, but ${exe} does not exist` };
  }
  const pkgDir = join(root, 'node_modules/electron');
  const pathTxt = join(pkgDir, 'path.txt');
  if (existsSync(pathTxt)) {
    const exe = join(pkgDir, 'dist', readFileSync(pathTxt, 'utf8').trim());
    if (existsSync(exe)) return { exe };
  }
  return {
    reason:
      'the electron npm package is installed for its TypeScript types only: its install script, ' +
      'which downloads the Electron binary, is turned off (package.json allowScripts), and this ' +
      'machine cannot download it anyway',
  };
}

/** Runs `cmd args`, passing Ctrl-C and termination on to it; resolves to its exit code. */
function runChild(cmd, cmdArgs, options = {}) {
  return new Promise((resolveCode) => {
    const child = spawn(cmd, cmdArgs, { stdio: 'inherit', ...options });
    // The terminal sends Ctrl-C to the child as well; forwarding covers `kill` of this script.
    const forward = (signal) => () => {
      if (child.exitCode === null) child.kill(signal);
    };
    const onInt = forward('SIGINT');
    const onTerm = forward('SIGTERM');
    process.on('SIGINT', onInt);
    process.on('SIGTERM', onTerm);
    child.on('error', (e) => {
      console.error(`pairbook: cannot run ${cmd}: ${e.message}`);
      resolveCode(1);
    });
    child.on('exit', (code, signal) => {
      process.off('SIGINT', onInt);
      process.off('SIGTERM', onTerm);
      resolveCode(code ?? (signal ? 130 : 1));
    });
  });
}

/** FILE resolved against the person's folder, created empty if it does not exist yet. */
async function notebookToOpen() {
  register();
  const { createUntitledNotebook, emptyNotebookText } =
    await import('../electron/main/new-notebook.ts');
  if (!file) {
    const created = await createUntitledNotebook(join(homedir(), 'Pairbook'));
    console.log(`pairbook: created ${created}`);
    return created;
  }
  const path = resolve(cwd, file);
  if (!existsSync(path) && /\.ipynb$/i.test(path)) {
    const { writeFileSync, mkdirSync } = await import('node:fs');
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, emptyNotebookText(), { flag: 'wx' });
    console.log(`pairbook: created ${path}`);
  }
  return path;
}

const electron = findElectron();
if (electron.exe) {
  const built = spawnSync(process.execPath, [join(root, 'scripts/build-electron.mjs')], {
    stdio: 'inherit',
  });
  if (built.status !== 0) process.exit(built.status ?? 1);
  const open = file ? [resolve(cwd, file)] : [];
  process.exit(await runChild(electron.exe, [join(root, 'dist/electron'), ...open], { cwd }));
}

console.log(
  [
    'pairbook: no Electron binary is installed here, so the desktop app cannot start.',
    `  Why: ${electron.reason}.`,
    '  To run it, point ELECTRON_OVERRIDE_DIST_PATH at an unpacked Electron 38 build, or run',
    '  `npm install electron --foreground-scripts` on a machine that can download it.',
    '  Meanwhile the same editor runs in your browser: starting `pairbook serve` (Ctrl-C to stop).',
    '',
  ].join('\n'),
);
let path;
try {
  path = await notebookToOpen();
} catch (e) {
  console.error(`pairbook: cannot create a notebook: ${e.message}`);
  process.exit(1);
}
process.exit(await runChild(process.execPath, [join(root, 'bin/pairbook.mjs'), 'serve', path]));
