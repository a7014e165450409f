// Bundles the Electron shell with esbuild into dist/electron/:
//   main.mjs     the main process (ESM, Node platform; native modules and electron stay external)
//   preload.cjs  the preload (CommonJS: a sandboxed preload cannot load ES modules)
//   package.json what `electron dist/electron` reads: name, version, entry point
// and makes sure dist/renderer/ (scripts/build-renderer.mjs) is built, which windows load from
// app://pairbook/.
//   node scripts/build-electron.mjs
import { build } from 'esbuild';
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const out = join(root, 'dist/electron');
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
/** Electron 38 ships Node 22 and Chromium 140. */
const NODE_TARGET = 'node22';
const CHROME_TARGET = 'chrome140';

const started = Date.now();
const renderer = spawnSync(
  process.execPath,
  [join(root, 'scripts/build-renderer.mjs'), '--if-stale'],
  {
    cwd: root,
    stdio: 'inherit',
  },
);
if (renderer.status !== 0) process.exit(renderer.status ?? 1);

mkdirSync(out, { recursive: true });
await Promise.all([
  build({
    entryPoints: [join(root, 'electron/main/main.ts')],
    outfile: join(out, 'main.mjs'),
    bundle: true,
    format: 'esm',
    platform: 'node',
    target: [NODE_TARGET],
    // Native modules load their .node binaries from node_modules at run time.
    external: ['electron', 'zeromq', 'node-datachannel'],
    // CommonJS dependencies bundled into an ES module still call require() for Node built-ins.
    banner: {
      js: "import { createRequire as __pairbookRequire } from 'node:module'; const require = __pairbookRequire(import.meta.url);",
    },
    sourcemap: 'linked',
    legalComments: 'none',
    logLevel: 'warning',
  }),
  build({
    entryPoints: [join(root, 'electron/preload/preload.ts')],
    outfile: join(out, 'preload.cjs'),
    bundle: true,
    format: 'cjs',
    platform: 'node',
    target: [CHROME_TARGET],
    external: ['electron'],
    sourcemap: 'inline',
    legalComments: 'none',
    logLevel: 'warning',
  }),
]);
writeFileSync(
  join(out, 'package.json'),
  `${JSON.stringify(
    {
      name: pkg.name,
      productName: 'Pairbook',
      version: pkg.version,
      description: pkg.description,
      main: 'main.mjs',
      type: 'module',
    },
    null,
    2,
  )}\n`,
);
console.log(`pairbook: Electron shell built into dist/electron in ${Date.now() - started} ms`);
