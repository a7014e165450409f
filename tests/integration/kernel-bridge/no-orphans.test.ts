// Kernels never outlive the app: killing the process that started a kernel, even by kill -9,
// leaves no kernel process behind.
import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { isAlive, waitFor } from './process-helpers';

const owner = fileURLToPath(new URL('./fixtures/kernel-owner.ts', import.meta.url));
const children: ChildProcess[] = [];
const kernels: number[] = [];

/** Starts a process owning a kernel; resolves with both pids once the kernel runs. */
async function startOwner(...args: string[]): Promise<{ child: ChildProcess; kernelPid: number }> {
  const child = spawn(process.execPath, ['--import', 'tsx', owner, ...args], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  children.push(child);
  let out = '';
  child.stdout!.on('data', (chunk: Buffer) => (out += chunk.toString()));
  await waitFor(() => out.includes('\n'), 'the kernel owner to report its kernel', 30_000);
  const kernelPid = (JSON.parse(out.split('\n')[0]!) as { pid: number }).pid;
  kernels.push(kernelPid);
  expect(isAlive(kernelPid)).toBe(true);
  return { child, kernelPid };
}

afterEach(() => {
  for (const c of children.splice(0)) c.kill('SIGKILL');
  for (const pid of kernels.splice(0)) if (isAlive(pid)) process.kill(pid, 'SIGKILL');
});

describe('kernel processes', () => {
  it('die when the app is killed with kill -9', async () => {
    const { child, kernelPid } = await startOwner('ipykernel');
    child.kill('SIGKILL');
    await once(child, 'exit');
    await waitFor(() => !isAlive(kernelPid), `kernel ${kernelPid} to exit`, 5000);
  });

  it('die with a kill -9 of the app even when the kernel ignores JPY_PARENT_PID', async () => {
    const { child, kernelPid } = await startOwner('sleeper');
    child.kill('SIGKILL');
    await once(child, 'exit');
    await waitFor(() => !isAlive(kernelPid), `kernel ${kernelPid} to exit`, 5000);
  });

  it('die when the app crashes on an uncaught exception', async () => {
    const { child, kernelPid } = await startOwner('ipykernel', 'crash');
    const [code] = await once(child, 'exit');
    expect(code).not.toBe(0);
    await waitFor(() => !isAlive(kernelPid), `kernel ${kernelPid} to exit`, 5000);
  });
});
