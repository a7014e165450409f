// A kernelspec that asks for message-mode interrupts (`"interrupt_mode": "message"`), found on
// disk like any other: Debian's ipykernel spec copied to a temporary JUPYTER_PATH folder.
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { findKernelSpec } from '../../../kernel-bridge/kernelspecs';
import { ZmqKernel } from '../../../kernel-bridge/zmq/zmq-kernel';
import { describeThreads, waitUntilAsleep } from './process-helpers';

let root: string;
let kernel: ZmqKernel;

beforeAll(async () => {
  const python = await findKernelSpec('python3', { env: { ...process.env, JUPYTER_PATH: '' } });
  const json = JSON.parse(await readFile(join(python.resourceDir, 'kernel.json'), 'utf8'));
  root = await mkdtemp(join(tmpdir(), 'pairbook-message-interrupt-'));
  await mkdir(join(root, 'kernels', 'py-message'), { recursive: true });
  await writeFile(
    join(root, 'kernels', 'py-message', 'kernel.json'),
    JSON.stringify({
      ...json,
      display_name: 'Python (message interrupts)',
      interrupt_mode: 'message',
    }),
  );
  const spec = await findKernelSpec('py-message', { env: { ...process.env, JUPYTER_PATH: root } });
  expect(spec.interruptMode).toBe('message');
  kernel = new ZmqKernel(spec, { logger: () => undefined });
  await kernel.start();
});

afterAll(async () => {
  vi.restoreAllMocks();
  await kernel?.shutdown();
  await rm(root, { recursive: true, force: true });
});

describe('a kernelspec with interrupt_mode message', () => {
  it('is interrupted by interrupt_request on control, without a signal from us', async () => {
    let started!: () => void;
    const running = new Promise<void>((resolve) => (started = resolve));
    const reply = kernel.execute('print("running", flush=True)\nimport time; time.sleep(60)', {
      onIopub: (m) =>
        m.header.msg_type === 'stream' &&
        String((m.content as { text?: unknown }).text).includes('running') &&
        started(),
    });
    await running;
    await waitUntilAsleep(kernel.pid!);
    const kill = vi.spyOn(process, 'kill');
    // Resolves on the kernel's interrupt_reply (it rejects after INTERRUPT_TIMEOUT_MS without).
    await kernel.interrupt();
    expect(kill.mock.calls.filter(([, signal]) => signal === 'SIGINT')).toEqual([]);
    kill.mockRestore();
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () =>
          reject(new Error(`no reply 20 s after the interrupt:\n${describeThreads(kernel.pid!)}`)),
        20_000,
      );
    });
    await expect(
      Promise.race([reply, late]).finally(() => clearTimeout(timer)),
    ).resolves.toMatchObject({
      status: 'error',
      ename: 'KeyboardInterrupt',
    });
    expect((await kernel.execute('1 + 1')).status).toBe('ok');
  });
});
