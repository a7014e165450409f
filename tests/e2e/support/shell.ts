// Starts `pairbook serve` on a fresh temp copy of a notebook, with its own temp data folder.
import { type ChildProcess, spawn } from 'node:child_process';
import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import type { JsonObject } from '../../../protocol/python-json';
import { jupyterText } from './notebooks';

/** A running browser shell. */
export interface Shell {
  /** The page address with its token. */
  url: string;
  /** The origin, without token. */
  origin: string;
  /** The notebook file the shell edits. */
  path: string;
  /** Reads the notebook file back as JSON. */
  readNotebook(): JsonObject;
  /** Stops the server (Ctrl-C: saves and exits) and removes the temp folder. */
  stop(): Promise<void>;
}

const STARTUP_TIMEOUT_MS = 20_000;

/** Options of startShell. */
export interface ShellOptions {
  /** File name of a notebook written from a value. Default test.ipynb. */
  name?: string;
  /** Start the notebook's kernel (ipykernel). Default false: most tests need none. */
  kernel?: boolean;
  /** Take kernels from this Jupyter server (its link with the token) instead of this machine. */
  jupyterServer?: string;
}

/** Serves `source`: a notebook value to write, or the path of a notebook file to copy. */
export async function startShell(
  source: JsonObject | string,
  { name = 'test.ipynb', kernel = false, jupyterServer }: ShellOptions = {},
): Promise<Shell> {
  const dir = mkdtempSync(join(tmpdir(), 'pairbook-e2e-'));
  const path = join(dir, typeof source === 'string' ? basename(source) : name);
  if (typeof source === 'string') copyFileSync(source, path);
  else writeFileSync(path, jupyterText(source));
  const args = [
    'bin/pairbook.mjs',
    'serve',
    path,
    ...(kernel ? [] : ['--no-kernel']),
    ...(jupyterServer ? ['--jupyter-server', jupyterServer] : []),
  ];
  const child: ChildProcess = spawn(process.execPath, args, {
    env: { ...process.env, PAIRBOOK_DATA_DIR: join(dir, 'data') },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr?.on('data', (d) => (stderr += String(d)));
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`pairbook serve did not start in time:\n${stderr}`)),
      STARTUP_TIMEOUT_MS,
    );
    let out = '';
    child.stdout?.on('data', (d) => {
      out += String(d);
      const m = /at (http:\/\/\S+)/.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve(m[1] as string);
      }
    });
    child.on('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`pairbook serve exited with ${code}:\n${stderr}`));
    });
  });
  const exited = new Promise<void>((resolve) => child.on('exit', () => resolve()));
  return {
    url,
    origin: new URL(url).origin,
    path,
    readNotebook: () => JSON.parse(readFileSync(path, 'utf8')) as JsonObject,
    async stop() {
      if (child.exitCode === null) {
        child.kill('SIGINT');
        await exited;
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
