// Bundles the renderer for the browser shell (and later Electron) with esbuild into dist/renderer/:
// index.html, app.js (the entry: connection to the host), chunks/ (the editor, loaded while the
// document syncs; index.html preloads them), app.css and KaTeX's fonts.
//   node scripts/build-renderer.mjs            build
//   node scripts/build-renderer.mjs --if-stale build only when a source is newer than the bundle
//   node scripts/build-renderer.mjs --no-minify readable names, for CPU profiles
import { build } from 'esbuild';
import {
  existsSync,
  mkdirSync,
  readFileSync,
  readdirSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const out = join(root, 'dist/renderer');
const stamp = join(out, '.build-stamp');

/** Newest modification time (ms) of the files under `dir`. */
function newestMtime(path) {
  const s = statSync(path);
  if (!s.isDirectory()) return s.mtimeMs;
  let newest = 0;
  for (const entry of readdirSync(path)) newest = Math.max(newest, newestMtime(join(path, entry)));
  return newest;
}

function isStale() {
  if (!existsSync(stamp) || !existsSync(join(out, 'app.js'))) return true;
  const built = statSync(stamp).mtimeMs;
  const sources = ['renderer', 'protocol', 'scripts/build-renderer.mjs', 'package-lock.json'];
  return sources.some((p) => existsSync(join(root, p)) && newestMtime(join(root, p)) > built);
}

const ifStale = process.argv.includes('--if-stale');
if (ifStale && !isStale()) process.exit(0);

const started = Date.now();
mkdirSync(out, { recursive: true });
rmSync(join(out, 'chunks'), { recursive: true, force: true });
const result = await build({
  entryPoints: { app: join(root, 'renderer/main.ts') },
  outdir: out,
  bundle: true,
  format: 'esm',
  splitting: true,
  chunkNames: 'chunks/[name]-[hash]',
  metafile: true,
  platform: 'browser',
  target: ['chrome120'],
  minify: !process.argv.includes('--no-minify'),
  sourcemap: 'linked',
  legalComments: 'none',
  loader: { '.woff2': 'file', '.woff': 'file', '.ttf': 'file' },
  assetNames: 'fonts/[name]-[hash]',
  logLevel: 'warning',
});
// Fetch and compile the chunks alongside the entry, not after it has run.
const chunks = Object.keys(result.metafile.outputs)
  .map((p) => p.slice(p.indexOf('dist/renderer/') + 'dist/renderer/'.length))
  .filter((p) => p.startsWith('chunks/') && p.endsWith('.js'));
const preload = chunks.map((c) => `    <link rel="modulepreload" href="${c}" />\n`).join('');
const html = readFileSync(join(root, 'renderer/index.html'), 'utf8');
writeFileSync(
  join(out, 'index.html'),
  html.replace(/(\s*<script type="module")/, `\n${preload.trimEnd()}$1`),
);
writeFileSync(stamp, new Date().toISOString() + '\n');
if (!ifStale || process.stdout.isTTY) {
  console.log(`pairbook: renderer built into dist/renderer in ${Date.now() - started} ms`);
}
