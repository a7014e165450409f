// `npx pairbook signal`: starts a standalone signaling server that challenges each socket (a host
// proves a key against it), refuses a wrong option at once, and stops on Ctrl-C.
import { execFile, spawn } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { HOST_CHALLENGE_HEADER } from '../../../host/hub/signaling/host-proof';

const run = promisify(execFile);
const BIN = join(import.meta.dirname, '../../../bin/pairbook.mjs');

async function refused(...args: string[]): Promise<{ code: number; stderr: string }> {
  try {
    await run(process.execPath, [BIN, 'signal', ...args]);
  } catch (e) {
    return e as { code: number; stderr: string };
  }
  throw new Error(`pairbook signal ${args.join(' ')} was not refused`);
}

describe('npx pairbook signal', () => {
  it('serves signaling on the port asked for, and stops on SIGINT', async () => {
    const child = spawn(process.execPath, [BIN, 'signal', '--port', '0'], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    child.stdout.on('data', (d) => (out += String(d)));
    const exited = new Promise<number | null>((r) => child.once('exit', r));
    try {
      const deadline = Date.now() + 20_000;
      while (!/on ws:\/\/127\.0\.0\.1:\d+;/.test(out) && Date.now() < deadline) {
        await new Promise((r) => setTimeout(r, 20));
      }
      const url = /on (ws:\/\/\S+);/.exec(out)?.[1] as string;
      const ws = new WebSocket(url);
      const headers = await new Promise<Record<string, unknown>>((resolve, reject) => {
        ws.once('upgrade', (res) => resolve(res.headers));
        ws.once('error', reject);
      });
      ws.terminate();
      expect(headers[HOST_CHALLENGE_HEADER]).toMatch(/^[\w-]{32}$/);
    } finally {
      child.kill('SIGINT');
    }
    expect(await exited).toBe(0);
  });

  it('refuses a wrong option or a file, with exit code 2', async () => {
    const port = await refused('--port', 'x');
    expect(port.code).toBe(2);
    expect(port.stderr).toMatch(/--port must be a whole number/);
    const file = await refused('nb.ipynb');
    expect(file.code).toBe(2);
    expect(file.stderr).toMatch(/takes no file/);
    expect((await refused('--bogus')).stderr).toMatch(/unknown option --bogus/);
  });
});
