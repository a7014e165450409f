// `npm start`: a file is found from the folder the person is in, a name that is not there is
// refused (unless --new), and the browser shell's options are passed on. No Electron binary
// exists here, so these run the browser-shell path.
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { codeCell, notebook, tempDir, writeNotebook } from '../../helpers/notebooks';

const ROOT = join(import.meta.dirname, '../../..');
/** Generous: the first start may build the renderer bundle. */
const STARTS_WITHIN_MS = 90_000;

const running: ChildProcess[] = [];
afterEach(async () => {
  for (const c of running.splice(0)) {
    if (c.exitCode !== null || c.signalCode !== null) continue;
    const exited = new Promise((r) => c.once('exit', r));
    c.kill('SIGINT');
    await exited;
  }
});

/** `npm start -- ...args` typed in `folder`, as npm runs it (in the package folder, INIT_CWD set). */
function start(folder: string, args: string[], env: Record<string, string> = {}) {
  const child = spawn(process.execPath, ['scripts/start.mjs', ...args], {
    cwd: ROOT,
    env: {
      ...process.env,
      INIT_CWD: folder,
      PAIRBOOK_DATA_DIR: tempDir(),
      ELECTRON_OVERRIDE_DIST_PATH: '',
      npm_config_port: '',
      npm_config_host: '',
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  running.push(child);
  let out = '';
  let err = '';
  child.stdout?.on('data', (d) => (out += String(d)));
  child.stderr?.on('data', (d) => (err += String(d)));
  const exited = new Promise<number | null>((r) => child.on('exit', (code) => r(code)));
  const serving = new Promise<string>((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`not serving:\n${out}\n${err}`)),
      STARTS_WITHIN_MS,
    );
    child.stdout?.on('data', () => {
      const m = /at (http:\/\/\S+)/.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve(m[1] as string);
      }
    });
    child.on('exit', () => {
      clearTimeout(timer);
      reject(new Error(`exited:\n${out}\n${err}`));
    });
  });
  serving.catch(() => undefined);
  return { child, exited, serving, stderr: () => err };
}

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as { port: number };
  await new Promise((r) => server.close(r));
  return port;
}

describe('npm start', () => {
  it('refuses a name that is not there, and creates nothing', async () => {
    const folder = tempDir();
    const s = start(folder, ['typo.ipynb']);
    expect(await s.exited).toBe(1);
    expect(s.stderr()).toContain(
      `pairbook: there is no ${join(folder, 'typo.ipynb')} — check the name, or create it with ` +
        '`npm start -- --new typo.ipynb`',
    );
    expect(existsSync(join(folder, 'typo.ipynb'))).toBe(false);
  });

  it('creates it with --new, in the folder the person is in', async () => {
    const folder = tempDir();
    const s = start(folder, ['--new', 'fresh.ipynb', '--no-kernel']);
    await expect(s.serving).resolves.toMatch(/^http:\/\/127\.0\.0\.1:\d+\//);
    const created = JSON.parse(readFileSync(join(folder, 'fresh.ipynb'), 'utf8')) as {
      nbformat: number;
    };
    expect(created.nbformat).toBe(4);
  });

  it('passes --port on to the browser shell, after -- or as npm hands it over', async () => {
    const path = writeNotebook(notebook([codeCell('a', ['x = 1'])]));
    const port = await freePort();
    const a = start(tempDir(), [path, '--port', String(port), '--no-kernel']);
    expect(await a.serving).toMatch(new RegExp(`^http://127\\.0\\.0\\.1:${port}/`));
    a.child.kill('SIGINT');
    expect(await a.exited).toBe(0);

    // `npm start nb.ipynb --port N` without `--`: npm keeps --port and sets npm_config_port.
    const other = await freePort();
    const b = start(tempDir(), [path, '--no-kernel'], { npm_config_port: String(other) });
    expect(await b.serving).toMatch(new RegExp(`^http://127\\.0\\.0\\.1:${other}/`));
  });
});
