// `npm start [FILE.ipynb] [options]`: the desktop app when an Electron binary is here, else the
// browser shell.
//   - Electron found (ELECTRON_OVERRIDE_DIST_PATH, or node_modules/electron/dist): builds the shell
//     (scripts/build-electron.mjs) and runs `electron dist/electron [FILE]`.
//   - Otherwise says so and why, and runs `pairbook serve FILE [options]` instead, printing the
//     address to open. Without FILE a new notebook is created in ~/Pairbook (never overwriting a
//     file); a FILE that does not exist is created only with --new, so a typo opens nothing.
// Ctrl-C is passed to the child, which saves and exits; this script exits with its code.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { register } from 'tsx/esm/api';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
// npm runs scripts in the package folder; the folder the person typed `npm start` in is INIT_CWD.
const cwd = process.env.INIT_CWD ?? process.cwd();

const USAGE = [
  'usage: npm start -- [FILE.ipynb] [--new] [--port N] [--host ADDR] [--no-kernel]',
  '                    [--jupyter-server URL]',
  '  FILE is found from the folder you are in; without FILE a new notebook is made in ~/Pairbook.',
  '  --new                  create FILE if it does not exist (otherwise a missing FILE is refused)',
  '  --port, --host, --no-kernel, --jupyter-server: as `npx pairbook serve --help` says',
  '  (the browser shell only; the desktop app takes FILE alone)',
].join('\n');

/** Options the browser shell takes, passed on to `pairbook serve`. */
const SERVE_OPTIONS = {
  port: { type: 'string' },
  host: { type: 'string' },
  'no-kernel': { type: 'boolean' },
  'jupyter-server': { type: 'string' },
};

// `npm start x.ipynb --port 9000` (without `--`) gives --port to npm, which hands it over as
// npm_config_port: take those too.
const fromNpm = Object.keys(SERVE_OPTIONS).flatMap((name) => {
  const v = process.env[`npm_config_${name.replaceAll('-', '_')}`];
  if (v === undefined || v === '') return [];
  return SERVE_OPTIONS[name].type === 'boolean'
    ? v === 'true'
      ? [`--${name}`]
      : []
    : [`--${name}`, v];
});

let parsed;
try {
  parsed = parseArgs({
    args: [...fromNpm, ...process.argv.slice(2)],
    allowPositionals: true,
    options: { ...SERVE_OPTIONS, new: { type: 'boolean' }, help: { type: 'boolean', short: 'h' } },
  });
} catch (e) {
  console.error(`pairbook: ${e.message.split('\n')[0]} (npm start -- --help)`);
  process.exit(2);
}
if (parsed.values.help) {
  console.log(USAGE);
  process.exit(0);
}
if (parsed.positionals.length > 1) {
  console.error(`pairbook: one notebook at a time: got ${parsed.positionals.join(', ')}`);
  process.exit(2);
}
const file = parsed.positionals[0];
const serveArgs = Object.keys(SERVE_OPTIONS).flatMap((name) => {
  const v = parsed.values[name];
  if (v === undefined || v === false) return [];
  return v === true ? [`--${name}`] : [`--${name}`, v];
});

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
  if (!existsSync(path) && parsed.values.new) {
    if (!/\.ipynb$/i.test(path)) throw new Error(`${path}: a new notebook's name ends in .ipynb`);
    const { writeFileSync, mkdirSync } = await import('node:fs');
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, emptyNotebookText(), { flag: 'wx' });
    console.log(`pairbook: created ${path}`);
  }
  return path;
}

// A name that is not there is most likely a typo: say so rather than open a blank notebook.
if (file && !parsed.values.new && !existsSync(resolve(cwd, file))) {
  console.error(
    `pairbook: there is no ${resolve(cwd, file)} — check the name, or create it with ` +
      `\`npm start -- --new ${file}\``,
  );
  process.exit(1);
}

const electron = findElectron();
if (electron.exe) {
  if (serveArgs.length > 0)
    console.log(`pairbook: the desktop app ignores ${serveArgs.join(' ')} (browser shell only)`);
  const built = spawnSync(process.execPath, [join(root, 'scripts/build-electron.mjs')], {
    stdio: 'inherit',
  });
  if (built.status !== 0) process.exit(built.status ?? 1);
  const open = file ? [await notebookToOpen()] : [];
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
  console.error(`pairbook: cannot create the notebook: ${e.message}`);
  process.exit(1);
}
process.exit(
  await runChild(process.execPath, [join(root, 'bin/pairbook.mjs'), 'serve', path, ...serveArgs]),
);
