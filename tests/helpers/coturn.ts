// Debian's coturn, started by a test in the simulated internet's public namespace with its own
// config in a temporary directory: plain TURN/STUN on 192.0.2.1:3478 (UDP and TCP), credentials
// from a shared secret (coturn's REST API scheme, `use-auth-secret`), relay ports in a small range.
import { randomBytes } from 'node:crypto';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { SimInternet } from './sim-internet';

/** A running coturn. */
export interface Coturn {
  /** host:port of its STUN/TURN listener. */
  address: string;
  /** The shared secret of its REST API credentials (`static-auth-secret`). */
  secret: string;
  /** What it logged so far. */
  log(): string;
  stop(): Promise<void>;
}

/** Why coturn cannot start here; null when it can. */
export function coturnMissing(): string | null {
  return spawnSync('sh', ['-c', 'command -v turnserver'], { stdio: 'ignore' }).status === 0
    ? null
    : 'coturn is not installed (apt-get install -y coturn)';
}

const PORT = 3478;

/** Starts coturn in `sim`'s public namespace; resolves once it listens on UDP and TCP. */
export async function startCoturn(sim: SimInternet): Promise<Coturn> {
  const dir = mkdtempSync(join(tmpdir(), 'pairbook-coturn-'));
  const secret = randomBytes(24).toString('base64url');
  const ip = sim.addresses.public;
  const logFile = join(dir, 'turn.log');
  writeFileSync(
    join(dir, 'turnserver.conf'),
    [
      `listening-ip=${ip}`,
      `relay-ip=${ip}`,
      `listening-port=${PORT}`,
      'min-port=49160',
      'max-port=49359',
      'use-auth-secret',
      `static-auth-secret=${secret}`,
      'realm=pairbook.test',
      'fingerprint',
      'no-tls',
      'no-dtls',
      'no-cli',
      'no-multicast-peers',
      'no-software-attribute',
      `pidfile=${join(dir, 'turnserver.pid')}`,
      `userdb=${join(dir, 'turndb')}`,
      `log-file=${logFile}`,
      'simple-log',
      process.env.PAIRBOOK_SIM_DEBUG ? 'Verbose' : 'verbose',
      '',
    ].join('\n'),
  );
  const child = sim.spawn('public', 'turnserver', ['-c', join(dir, 'turnserver.conf')], {
    stdio: 'ignore',
  });
  const log = () => {
    try {
      return readFileSync(logFile, 'utf8');
    } catch {
      return '';
    }
  };
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) {
      await new Promise<void>((resolve) => {
        child.once('exit', () => resolve());
        child.kill('SIGKILL');
      });
    }
    rmSync(dir, { recursive: true, force: true });
  };
  const end = Date.now() + 10_000;
  // It listens once `ss` in its namespace shows both sockets.
  for (;;) {
    const ss = sim.run('public', 'ss', ['-Hlntu', `src ${ip}:${PORT}`]);
    if (/udp/.test(ss) && /tcp/.test(ss)) break;
    if (child.exitCode !== null || Date.now() > end) {
      const text = log();
      await stop();
      throw new Error(`coturn did not start:\n${text.slice(-2000)}`);
    }
    await new Promise((r) => setTimeout(r, 20));
  }
  return { address: `${ip}:${PORT}`, secret, log, stop };
}
