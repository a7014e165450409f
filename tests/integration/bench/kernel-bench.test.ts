// `npm run bench` runs the benches one after another: each must end once it printed its line.
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { expect, it } from 'vitest';

const ROOT = join(import.meta.dirname, '../../..');
/** Generous: three kernels start and run a few cells; the bench used to never end at all. */
const ENDS_WITHIN_MS = 150_000;

it('the kernel bench exits 0 after printing its JSON line', async () => {
  const r = await new Promise<{ code: number | null; stdout: string }>((resolve) => {
    const child = execFile(
      process.execPath,
      ['--import', 'tsx', 'bench/kernel.ts'],
      {
        cwd: ROOT,
        timeout: ENDS_WITHIN_MS,
        killSignal: 'SIGKILL',
        env: { ...process.env, BENCH_ITERATIONS: '3', BENCH_WARMUP: '1' },
      },
      (_e, stdout) => resolve({ code: child.exitCode, stdout }),
    );
  });
  expect(r.code).toBe(0);
  const last = JSON.parse(r.stdout.trim().split('\n').at(-1) ?? '') as { bench: string };
  expect(last.bench).toBe('kernel');
}, 200_000);
