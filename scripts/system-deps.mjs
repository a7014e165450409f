// What `npm test`, `npm start` and `npm run bench` need from the system, and how to get it.
// As root on Debian/Ubuntu the missing packages are installed; otherwise we stop and name them.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';

const PY = '/usr/bin/python3';

/** Each requirement: the Debian package that provides it and a check that it is usable. */
const REQUIREMENTS = [
  { pkg: 'python3-ipykernel', ok: () => pyImports('ipykernel') },
  { pkg: 'python3-jupyter-client', ok: () => pyImports('jupyter_client') },
  { pkg: 'python3-nbformat', ok: () => pyImports('nbformat') },
  { pkg: 'jupyter-server', ok: () => pyImports('jupyter_server') },
  { pkg: 'python3-matplotlib', ok: () => pyImports('matplotlib') },
  { pkg: 'python3-pandas', ok: () => pyImports('pandas') },
  { pkg: 'chromium', ok: () => existsSync('/usr/bin/chromium') },
  { pkg: 'iproute2', ok: () => hasCommand('ip') },
  { pkg: 'util-linux', ok: () => hasCommand('unshare') },
];

function pyImports(mod) {
  return existsSync(PY) && spawnSync(PY, ['-c', `import ${mod}`], { stdio: 'ignore' }).status === 0;
}

function hasCommand(cmd) {
  return spawnSync('sh', ['-c', `command -v ${cmd}`], { stdio: 'ignore' }).status === 0;
}

/** Installs what is missing (root on Debian) or throws an Error naming it. */
export function ensureSystemDeps({ log = console.log } = {}) {
  let missing = REQUIREMENTS.filter((r) => !r.ok()).map((r) => r.pkg);
  if (missing.length === 0) return;
  const isRoot = process.getuid?.() === 0;
  const hasApt = hasCommand('apt-get');
  if (!isRoot || !hasApt) {
    throw new Error(
      `missing system packages: ${missing.join(' ')}\n` +
        `install them (e.g. sudo apt-get install -y ${missing.join(' ')}) and run again`,
    );
  }
  log(`pairbook: installing system packages: ${missing.join(' ')}`);
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  execFileSync('apt-get', ['update', '-qq'], { stdio: 'inherit', env });
  execFileSync('apt-get', ['install', '-y', '-qq', ...missing], {
    stdio: 'inherit',
    env,
  });
  missing = REQUIREMENTS.filter((r) => !r.ok()).map((r) => r.pkg);
  if (missing.length > 0) throw new Error(`still missing after apt-get: ${missing.join(' ')}`);
}

if (import.meta.url === `file://${process.argv[1]}`) {
  try {
    ensureSystemDeps();
    console.log('pairbook: system packages present');
  } catch (e) {
    console.error(`pairbook: ${e.message}`);
    process.exit(1);
  }
}
