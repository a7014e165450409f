// Bundles the CLI (and the host it runs: sessions, hub, browser shell, kernel bridge) with esbuild
// into dist/cli/:
//   pairbook.mjs       the entry bin/pairbook.mjs loads; it exports main(argv)
//   <name>-<hash>.mjs  one chunk per command and what only it needs, loaded when that command runs
//                      (`check` never loads zeromq, node-datachannel, ws or @jupyterlab/services)
//   inputs.json        the repository files the bundle was built from, for the staleness check
// Everything is bundled except the native modules (zeromq, node-datachannel) and ws's optional
// native helpers, which load from node_modules at run time.
//   node scripts/build-cli.mjs             build, and remove chunks no longer referenced
//   node scripts/build-cli.mjs --if-stale  build only when a source is newer than the bundle
//                                          (and keep old chunks: a running CLI may need them)
//
// dist/cli/ sits two folders below the repository, as host/cli/ does, so `new URL('../../…',
// import.meta.url)` in host code (package.json, dist/renderer/) means the same in the bundle.
// Every file is written to a temporary name and renamed, chunks first and the entry last, so a
// process starting while another builds sees either the old bundle or the new one, never a mix.
import {
  existsSync,
  mkdirSync,
  readFileSync,
  readdirSync,
  renameSync,
  rmSync,
  statSync,
  utimesSync,
  writeFileSync,
} from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
export const CLI_DIR = join(root, 'dist/cli');
export const CLI_ENTRY = join(CLI_DIR, 'pairbook.mjs');
const INPUTS = join(CLI_DIR, 'inputs.json');

/** Files outside the bundle's inputs that change what it would be. */
const ALSO_DEPENDS_ON = ['package-lock.json', 'scripts/build-cli.mjs'];

/**
 * Whether dist/cli is missing or older than any file it was built from (the sources esbuild read,
 * the lockfile, this script). A new source file can only matter once an existing one imports it,
 * which makes that one newer.
 */
export function cliIsStale() {
  let built;
  try {
    built = statSync(INPUTS).mtimeMs;
    if (!existsSync(CLI_ENTRY)) return true;
  } catch {
    return true;
  }
  let inputs;
  try {
    inputs = JSON.parse(readFileSync(INPUTS, 'utf8')).inputs;
  } catch {
    return true;
  }
  for (const file of [...inputs, ...ALSO_DEPENDS_ON]) {
    try {
      if (statSync(join(root, file)).mtimeMs > built) return true;
    } catch {
      return true; // a source that was deleted or renamed
    }
  }
  return false;
}

/**
 * Builds dist/cli. `prune` removes chunks the new entry no longer references (not done when a
 * stale bundle is rebuilt on demand: another process may still be loading the old ones).
 * Returns the build time in ms.
 */
export async function buildCli({ prune = true } = {}) {
  const started = Date.now();
  const { build } = await import('esbuild');
  const result = await build({
    absWorkingDir: root,
    entryPoints: { pairbook: join(root, 'host/cli/main.ts') },
    outdir: CLI_DIR,
    outExtension: { '.js': '.mjs' },
    bundle: true,
    splitting: true,
    chunkNames: '[name]-[hash]',
    format: 'esm',
    platform: 'node',
    target: ['node20'],
    // Native modules load their .node binaries from node_modules; ws requires these two only if
    // they are installed (they are not: ws falls back to JavaScript).
    external: ['zeromq', 'node-datachannel', 'bufferutil', 'utf-8-validate'],
    // CommonJS dependencies bundled into an ES module still call require() for Node built-ins.
    banner: {
      js: "import { createRequire as __pairbookRequire } from 'node:module'; const require = __pairbookRequire(import.meta.url);",
    },
    sourcemap: 'linked',
    legalComments: 'none',
    metafile: true,
    write: false,
    logLevel: 'warning',
  });
  mkdirSync(CLI_DIR, { recursive: true });
  const entry = result.outputFiles.filter((f) => f.path === CLI_ENTRY);
  const rest = result.outputFiles.filter((f) => f.path !== CLI_ENTRY);
  const tmp = `.tmp-${process.pid}`;
  for (const file of [...rest, ...entry]) {
    writeFileSync(file.path + tmp, file.contents);
    renameSync(file.path + tmp, file.path);
  }
  const inputs = Object.keys(result.metafile.inputs)
    .filter((p) => !p.includes('node_modules/'))
    .sort();
  writeFileSync(INPUTS + tmp, `${JSON.stringify({ inputs }, null, 1)}\n`);
  // Dated when the build started: a source saved while esbuild ran is newer, so it counts as stale.
  utimesSync(INPUTS + tmp, started / 1000, started / 1000);
  renameSync(INPUTS + tmp, INPUTS);
  if (prune) {
    const keep = new Set(result.outputFiles.map((f) => relative(CLI_DIR, f.path)));
    keep.add('inputs.json');
    for (const name of readdirSync(CLI_DIR)) {
      // Not another build's half-written file (.tmp-PID): that build renames it in a moment.
      if (!keep.has(name) && !name.includes('.tmp-')) rmSync(join(CLI_DIR, name), { force: true });
    }
  }
  return Date.now() - started;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const ifStale = process.argv.includes('--if-stale');
  if (ifStale && !cliIsStale()) process.exit(0);
  // Another process may be running the old bundle: only a full build removes its chunks.
  const ms = await buildCli({ prune: !ifStale });
  console.log(`pairbook: CLI built into dist/cli in ${ms} ms`);
}
