// What ships: the runtime dependencies are only what the bundles cannot hold, and the CLI bundle
// (dist/cli, scripts/build-cli.mjs) runs with nothing else: no TypeScript loader, no dev
// dependencies, only the native modules beside it.
import { execFile, spawn, spawnSync } from 'node:child_process';
import {
  copyFileSync,
  cpSync,
  mkdirSync,
  readFileSync,
  readdirSync,
  realpathSync,
  symlinkSync,
} from 'node:fs';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';
import { beforeAll, describe, expect, it } from 'vitest';
import { tempDir } from '../../helpers/notebooks';

const run = promisify(execFile);
const ROOT = join(import.meta.dirname, '../../..');

/**
 * Everything `npm ls --omit=dev` may list at the top, and why the app cannot do without it at
 * run time. Whatever else the host, the CLI, the Electron main or the renderer imports is bundled
 * by esbuild (scripts/build-cli.mjs, build-electron.mjs, build-renderer.mjs), so it is a
 * devDependency.
 */
const RUNTIME: Record<string, string> = {
  zeromq: 'a native module (libzmq): talks to the kernels',
  'node-datachannel': 'a native module (libdatachannel): the WebRTC data channels to guests',
};

/** The packages a runtime package brings along (and loads), which ship with it. */
const BROUGHT_ALONG = new Set([
  'cmake-ts', // zeromq's loader for its prebuilt binary
  'node-addon-api',
  'detect-libc', // node-datachannel picks its prebuilt binary with it
]);

interface LsNode {
  version?: string;
  missing?: boolean;
  extraneous?: boolean;
  dependencies?: Record<string, LsNode>;
}

describe('runtime dependencies', () => {
  it('package.json depends at run time on exactly the allow-list', () => {
    const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as {
      dependencies?: Record<string, string>;
    };
    expect(Object.keys(pkg.dependencies ?? {}).sort()).toEqual(Object.keys(RUNTIME).sort());
  });

  it('npm ls --omit=dev lists only the allow-listed packages and what they bring', async () => {
    // npm ls exits 1 on any problem in the tree (an extraneous folder, say) but still prints it.
    const { stdout } = await run('npm', ['ls', '--omit=dev', '--all', '--json'], {
      cwd: ROOT,
      maxBuffer: 64 * 1024 * 1024,
    }).catch((e: { stdout: string }) => ({ stdout: e.stdout }));
    const tree = JSON.parse(stdout) as LsNode;
    const top = Object.entries(tree.dependencies ?? {}).filter(([, n]) => !n.extraneous);
    expect(top.map(([name]) => name).sort()).toEqual(Object.keys(RUNTIME).sort());
    const below = new Set<string>();
    const walk = (node: LsNode) => {
      for (const [name, child] of Object.entries(node.dependencies ?? {})) {
        if (child.missing) continue; // an optional binary for another platform
        below.add(name);
        walk(child);
      }
    };
    for (const [, node] of top) walk(node);
    const unexpected = [...below].filter(
      (name) => !BROUGHT_ALONG.has(name) && !name.startsWith('@node-datachannel/'),
    );
    expect(unexpected).toEqual([]);
  });
});

describe('the CLI bundle, alone with the runtime dependencies', () => {
  /** A folder holding dist/cli, dist/renderer, package.json and only the runtime packages. */
  let app: string;
  const notebook = () => join(app, 'nb.ipynb');

  beforeAll(() => {
    for (const script of ['scripts/build-cli.mjs', 'scripts/build-renderer.mjs']) {
      const built = spawnSync(process.execPath, [join(ROOT, script), '--if-stale'], {
        cwd: ROOT,
        encoding: 'utf8',
      });
      expect(built.status, built.stderr).toBe(0);
    }
    app = tempDir();
    mkdirSync(join(app, 'dist'));
    cpSync(join(ROOT, 'dist/cli'), join(app, 'dist/cli'), { recursive: true });
    cpSync(join(ROOT, 'dist/renderer'), join(app, 'dist/renderer'), { recursive: true });
    copyFileSync(join(ROOT, 'package.json'), join(app, 'package.json'));
    copyFileSync(join(ROOT, 'tests/corpus/fixtures/executed.ipynb'), notebook());
    const modules = join(ROOT, 'node_modules');
    const scoped = readdirSync(join(modules, '@node-datachannel')).map(
      (p) => `@node-datachannel/${p}`,
    );
    for (const name of [...Object.keys(RUNTIME), ...BROUGHT_ALONG, ...scoped]) {
      mkdirSync(dirname(join(app, 'node_modules', name)), { recursive: true });
      symlinkSync(realpathSync(join(modules, name)), join(app, 'node_modules', name));
    }
    // What bin/pairbook.mjs does once it has the bundle.
    cpSync(join(import.meta.dirname, 'fixtures/run-bundle.mjs'), join(app, 'dist/run-bundle.mjs'));
  }, 120_000);

  const pairbook = (...args: string[]) =>
    spawn(process.execPath, [join(app, 'dist/run-bundle.mjs'), ...args], {
      cwd: app,
      env: { ...process.env, PAIRBOOK_DATA_DIR: join(app, 'data') },
      stdio: ['ignore', 'pipe', 'pipe'],
    });

  /** Runs until a stdout line matches `ready`, then SIGINT; resolves to that line. */
  function until(args: string[], ready: RegExp): Promise<string> {
    const child = pairbook(...args);
    let out = '';
    let err = '';
    child.stderr.on('data', (d) => (err += String(d)));
    return new Promise<string>((resolve, reject) => {
      child.stdout.on('data', (d) => {
        out += String(d);
        const line = out.split('\n').find((l) => ready.test(l));
        if (line) {
          child.kill('SIGINT');
          resolve(line);
        }
      });
      child.on('exit', (code) => reject(new Error(`exited with ${code}:\n${out}\n${err}`)));
    });
  }

  it('checks a notebook', async () => {
    const child = pairbook('check', notebook());
    let out = '';
    child.stdout.on('data', (d) => (out += String(d)));
    const code = await new Promise((r) => child.on('exit', r));
    expect(out.trim()).toBe(`ok   ${notebook()}: saves byte for byte`);
    expect(code).toBe(0);
  });

  it('shares a notebook (the hub and node-datachannel load)', async () => {
    const line = await until(['host', notebook(), '--json', '--no-kernel'], /"event":"ready"/);
    expect(JSON.parse(line)).toMatchObject({ event: 'ready', role: 'editor' });
  });

  it('serves a notebook to a browser', async () => {
    const line = await until(['serve', notebook(), '--no-kernel', '--port', '0'], /serving/);
    expect(line).toMatch(/at http:\/\/127\.0\.0\.1:\d+\/\?token=/);
  });

  it('loads the kernel bridge (zeromq resolves from the bundle)', async () => {
    const chunks = readdirSync(join(app, 'dist/cli')).filter(
      (f) =>
        f.endsWith('.mjs') &&
        /from\s*["']zeromq["']/.test(readFileSync(join(app, 'dist/cli', f), 'utf8')),
    );
    expect(chunks.length).toBeGreaterThan(0);
    for (const chunk of chunks) {
      const r = spawnSync(
        process.execPath,
        ['--input-type=module', '-e', `await import(${JSON.stringify(`./dist/cli/${chunk}`)})`],
        { cwd: app, encoding: 'utf8' },
      );
      expect(r.status, r.stderr).toBe(0);
    }
  });
});
