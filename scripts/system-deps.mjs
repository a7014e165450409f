// What `npm test`, `npm start` and `npm run bench` need from the system, and how to get it.
// As root on Debian/Ubuntu the missing packages are installed; otherwise we stop and name them.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';

const PY = '/usr/bin/python3';

/** Each requirement: the Debian package that provides it, a check that it is usable, optional. */
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
  // The simulated internet of the NAT traversal tests (tests/helpers/sim-internet.ts): NATs in
  // network namespaces, and Debian's TURN server started by the tests with their own config.
  { pkg: 'nftables', ok: () => hasCommand('nft'), optional: true },
  { pkg: 'coturn', ok: () => hasCommand('turnserver'), optional: true },
];

/** Packages whose service Debian starts on install, and that must not run outside the tests. */
const NO_SERVICE = ['coturn'];

function pyImports(mod) {
  return existsSync(PY) && spawnSync(PY, ['-c', `import ${mod}`], { stdio: 'ignore' }).status === 0;
}

function hasCommand(cmd) {
  return spawnSync('sh', ['-c', `command -v ${cmd}`], { stdio: 'ignore' }).status === 0;
}

/**
 * Installs what is missing (root on Debian) or throws an Error naming it. Optional packages (the
 * NAT traversal tests') that cannot be installed are only named: those tests skip, saying why.
 */
export function ensureSystemDeps({ log = console.log } = {}) {
  const lacking = () => REQUIREMENTS.filter((r) => !r.ok());
  let missing = lacking().map((r) => r.pkg);
  if (missing.length === 0) return;
  const isRoot = process.getuid?.() === 0;
  const hasApt = hasCommand('apt-get');
  const required = lacking().filter((r) => !r.optional);
  if (!isRoot || !hasApt) {
    if (required.length === 0) return void log(optionalNote(missing));
    throw new Error(
      `missing system packages: ${missing.join(' ')}\n` +
        `install them (e.g. sudo apt-get install -y ${missing.join(' ')}) and run again`,
    );
  }
  log(`pairbook: installing system packages: ${missing.join(' ')}`);
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  try {
    execFileSync('apt-get', ['update', '-qq'], { stdio: 'inherit', env });
    execFileSync('apt-get', ['install', '-y', '-qq', ...missing], { stdio: 'inherit', env });
  } catch (e) {
    if (required.length > 0) throw e;
  }
  // coturn's package enables a TURN server on every interface where systemd runs services: the
  // tests start their own, inside namespaces; none may listen on the machine's network.
  const services = NO_SERVICE.filter((p) => missing.includes(p));
  if (services.length > 0 && existsSync('/run/systemd/system')) {
    spawnSync('systemctl', ['disable', '--now', ...services], { stdio: 'inherit' });
  }
  missing = lacking().map((r) => r.pkg);
  if (lacking().some((r) => !r.optional)) {
    throw new Error(`still missing after apt-get: ${missing.join(' ')}`);
  }
  if (missing.length > 0) log(optionalNote(missing));
}

function optionalNote(missing) {
  return `pairbook: ${missing.join(' ')} not installed: the NAT traversal tests will be skipped`;
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
