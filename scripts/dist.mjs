// `npm run dist [-- electron-builder options]`: the desktop app's packages, as electron-builder.yml
// names them for this platform (Linux: AppImage and deb; macOS: dmg; Windows: NSIS), in
// dist/release/. Builds dist/ first (scripts/build.mjs).
//   - With an Electron binary (ELECTRON_OVERRIDE_DIST_PATH, or node_modules/electron/dist when
//     its download was allowed), electron-builder packs that binary: nothing of Electron is
//     downloaded. electron-builder may still download its own packaging tools (fpm, appimagetool,
//     NSIS) the first time a target needs them.
//   - Without one, it validates electron-builder.yml against electron-builder's schema, checks
//     that the files it names exist, and says plainly that it built nothing (exit 0; exit 1 when
//     the configuration is wrong). `--validate` does only that, with or without Electron.
// Signing and notarization come from the environment, as electron-builder reads it: see
// docs/packaging.md.
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const CONFIG = join(root, 'electron-builder.yml');
const args = process.argv.slice(2);
const validateOnly = args.includes('--validate');
const passOn = args.filter((a) => a !== '--validate');

/** The unpacked Electron folder to pack, or null with the reason there is none. */
function findElectronDist() {
  const override = process.env.ELECTRON_OVERRIDE_DIST_PATH;
  if (override) {
    return existsSync(override)
      ? { dir: override }
      : { reason: `ELECTRON_OVERRIDE_DIST_PATH is set to ${override}, which does not exist` };
  }
  const pathTxt = join(root, 'node_modules/electron/path.txt');
  if (existsSync(pathTxt)) {
    const dir = join(root, 'node_modules/electron/dist');
    if (existsSync(join(dir, readFileSync(pathTxt, 'utf8').trim()))) return { dir };
  }
  return {
    reason:
      "the electron package's install script, which downloads the binary, is turned off " +
      '(package.json allowScripts) or could not download it',
  };
}

/** The errors in electron-builder.yml: schema violations and files it names that are missing. */
async function validate() {
  const require = createRequire(join(root, 'package.json'));
  let loader;
  try {
    loader = require('app-builder-lib/out/util/config/config');
  } catch {
    console.error(
      'pairbook dist: electron-builder is not installed: run `npm ci` (dev dependencies)',
    );
    process.exit(1);
  }
  let config;
  try {
    const { getConfig, validateConfiguration } = loader;
    config = await getConfig(root, CONFIG, null);
    await validateConfiguration(config, { isEnabled: false, add() {} });
  } catch (e) {
    return [String(e.message ?? e)];
  }
  const errors = [];
  const buildResources = config.directories?.buildResources ?? 'build';
  const icons = [config.linux?.icon, config.mac?.icon, config.win?.icon].filter(Boolean);
  for (const icon of icons) {
    const inRoot = join(root, icon);
    if (!existsSync(inRoot) && !existsSync(join(root, buildResources, icon))) {
      errors.push(`${icon} (an icon named in electron-builder.yml) does not exist`);
    }
  }
  const main = config.extraMetadata?.main;
  if (main && !existsSync(join(root, main))) errors.push(`${main} (the app's main) was not built`);
  return errors;
}

const built = spawnSync(process.execPath, [join(root, 'scripts/build.mjs')], {
  cwd: root,
  stdio: 'inherit',
});
if (built.status !== 0) process.exit(built.status ?? 1);

const errors = await validate();
if (errors.length > 0) {
  console.error(`pairbook dist: electron-builder.yml is not valid:\n  ${errors.join('\n  ')}`);
  process.exit(1);
}
const electron = findElectronDist();
if (validateOnly || !electron.dir) {
  console.log('pairbook dist: electron-builder.yml is valid (schema, icons, main).');
  if (!validateOnly) {
    console.log(
      `pairbook dist: NOTHING WAS BUILT: there is no Electron binary here (${electron.reason}).\n` +
        '  Point ELECTRON_OVERRIDE_DIST_PATH at an unpacked Electron ' +
        `${electronVersion()} folder, or run \`npm install electron --foreground-scripts\` ` +
        'where it can download, then run `npm run dist` again.',
    );
  }
  process.exit(0);
}

function electronVersion() {
  const pkg = join(root, 'node_modules/electron/package.json');
  return existsSync(pkg) ? JSON.parse(readFileSync(pkg, 'utf8')).version : null;
}

/** What electron-builder will do about signing and notarization, from the environment. */
function signingSummary() {
  const env = process.env;
  const set = (...names) => names.every((n) => env[n]);
  const lines = [];
  if (process.platform === 'darwin') {
    lines.push(
      set('CSC_LINK')
        ? 'signing: with the certificate in CSC_LINK'
        : env.CSC_IDENTITY_AUTO_DISCOVERY === 'false'
          ? 'signing: off (CSC_IDENTITY_AUTO_DISCOVERY=false)'
          : 'signing: with a Developer ID identity from the keychain, if one is there',
      set('APPLE_ID', 'APPLE_APP_SPECIFIC_PASSWORD', 'APPLE_TEAM_ID')
        ? 'notarization: with APPLE_ID, APPLE_APP_SPECIFIC_PASSWORD and APPLE_TEAM_ID'
        : set('APPLE_API_KEY', 'APPLE_API_KEY_ID', 'APPLE_API_ISSUER')
          ? 'notarization: with the App Store Connect API key (APPLE_API_KEY…)'
          : 'notarization: none (APPLE_ID, APPLE_APP_SPECIFIC_PASSWORD, APPLE_TEAM_ID not set)',
    );
  } else if (process.platform === 'win32') {
    lines.push(
      set('WIN_CSC_LINK') || set('CSC_LINK')
        ? 'signing: with the certificate in WIN_CSC_LINK or CSC_LINK'
        : 'signing: none (CSC_LINK and CSC_KEY_PASSWORD not set): an unsigned installer',
    );
  } else {
    lines.push('signing: none (AppImage and deb packages are not signed by electron-builder)');
  }
  return lines.map((l) => `pairbook dist: ${l}`).join('\n');
}

console.log(signingSummary());
const version = electronVersion();
const cli = join(root, 'node_modules/.bin/electron-builder');
const r = spawnSync(
  cli,
  [
    '--config',
    CONFIG,
    '--publish',
    'never',
    `-c.electronDist=${electron.dir}`,
    ...(version ? [`-c.electronVersion=${version}`] : []),
    ...passOn,
  ],
  { cwd: root, stdio: 'inherit' },
);
if (r.error) console.error(`pairbook dist: cannot run electron-builder: ${r.error.message}`);
process.exit(r.status ?? 1);
