// A real jupyter_server (Debian's) on a free loopback port with a random token, in its own temp
// folder, for the tests of the Jupyter-server kernel backend.
import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** A running Jupyter server. */
export interface JupyterServer {
  /** e.g. `http://127.0.0.1:40123/`. */
  baseUrl: string;
  token: string;
  /** The server's process id: the parent of the kernels it starts. */
  pid: number;
  /** The ids of the kernels running on it. */
  kernelIds(): Promise<string[]>;
  /** Stops it (SIGINT, SIGKILL after 5 s), waits for it to exit and removes its folder. */
  stop(): Promise<void>;
}

const STARTUP_TIMEOUT_MS = 30_000;

async function freePort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((resolve) => s.listen(0, '127.0.0.1', resolve));
  const { port } = s.address() as { port: number };
  await new Promise((resolve) => s.close(resolve));
  return port;
}

/** Starts a Jupyter server; resolves once it says it is running. */
export async function startJupyterServer(): Promise<JupyterServer> {
  const token = randomBytes(16).toString('hex');
  const root = await mkdtemp(join(tmpdir(), 'pairbook-jupyter-server-'));
  const port = await freePort();
  const baseUrl = `http://127.0.0.1:${port}/`;
  // jupyter_server 1.x takes the token as ServerApp.token (2.x: IdentityProvider.token).
  const server: ChildProcess = spawn(
    '/usr/bin/python3',
    [
      '-m',
      'jupyter_server',
      '--ServerApp.ip=127.0.0.1',
      `--ServerApp.port=${port}`,
      '--ServerApp.port_retries=0',
      `--ServerApp.token=${token}`,
      '--ServerApp.open_browser=False',
      '--ServerApp.allow_root=True',
      `--ServerApp.root_dir=${root}`,
    ],
    {
      stdio: ['ignore', 'ignore', 'pipe'],
      env: { ...process.env, JUPYTER_CONFIG_DIR: root, JUPYTER_RUNTIME_DIR: join(root, 'rt') },
    },
  );
  const exited = new Promise<void>((resolve) => server.once('exit', () => resolve()));
  let log = '';
  server.stderr!.on('data', (c: Buffer) => (log += c.toString()));
  const deadline = Date.now() + STARTUP_TIMEOUT_MS;
  while (!/is running at|Jupyter Server .* is running/.test(log)) {
    if (Date.now() > deadline || server.exitCode !== null) {
      server.kill('SIGKILL');
      throw new Error(`jupyter_server did not start within ${STARTUP_TIMEOUT_MS} ms:\n${log}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return {
    baseUrl,
    token,
    pid: server.pid!,
    async kernelIds() {
      const res = await fetch(`${baseUrl}api/kernels`, {
        headers: { Authorization: `token ${token}` },
      });
      return ((await res.json()) as { id: string }[]).map((k) => k.id);
    },
    async stop() {
      // The server tidies its runtime folder as it exits: remove the folder after it has gone.
      if (server.exitCode === null && server.signalCode === null) {
        server.kill('SIGINT'); // without a terminal, jupyter_server stops at once on SIGINT
        const late = setTimeout(() => server.kill('SIGKILL'), 5_000);
        await exited;
        clearTimeout(late);
      }
      await rm(root, { recursive: true, force: true, maxRetries: 5 });
    },
  };
}
