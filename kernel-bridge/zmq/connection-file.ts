import { randomBytes } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** The ports and key a kernel listens with, as in a Jupyter connection file. */
export interface ConnectionInfo {
  transport: 'tcp';
  ip: string;
  shell_port: number;
  iopub_port: number;
  stdin_port: number;
  control_port: number;
  hb_port: number;
  /** HMAC key, hex; random per kernel. */
  key: string;
  signature_scheme: 'hmac-sha256';
  kernel_name: string;
}

/** A connection file written for one kernel launch; remove() deletes it and its private folder. */
export interface ConnectionFile {
  info: ConnectionInfo;
  path: string;
  remove(): Promise<void>;
}

/** The loopback address kernels bind to; never a public interface. */
export const KERNEL_IP = '127.0.0.1';

/**
 * Picks five free loopback ports and a random 256-bit key, and writes them to a connection file
 * (mode 0600) in a new private temp folder (mode 0700).
 */
export async function writeConnectionFile(kernelName: string): Promise<ConnectionFile> {
  const [shell, iopub, stdin, control, hb] = await freePorts(5);
  const info: ConnectionInfo = {
    transport: 'tcp',
    ip: KERNEL_IP,
    shell_port: shell!,
    iopub_port: iopub!,
    stdin_port: stdin!,
    control_port: control!,
    hb_port: hb!,
    key: randomBytes(32).toString('hex'),
    signature_scheme: 'hmac-sha256',
    kernel_name: kernelName,
  };
  // mkdtemp creates the folder with mode 0700.
  const dir = await mkdtemp(join(tmpdir(), 'pairbook-kernel-'));
  const path = join(dir, 'kernel.json');
  await writeFile(path, JSON.stringify(info, null, 1), { mode: 0o600 });
  return { info, path, remove: () => rm(dir, { recursive: true, force: true }) };
}

// Like jupyter_client: bind port 0, read the port, release it. Holding all five servers open
// until every port is known keeps them distinct.
async function freePorts(count: number): Promise<number[]> {
  const servers = await Promise.all(
    Array.from(
      { length: count },
      () =>
        new Promise<ReturnType<typeof createServer>>((resolve, reject) => {
          const s = createServer();
          s.once('error', reject);
          s.listen(0, KERNEL_IP, () => resolve(s));
        }),
    ),
  );
  const ports = servers.map((s) => (s.address() as { port: number }).port);
  await Promise.all(servers.map((s) => new Promise((resolve) => s.close(resolve))));
  return ports;
}
