// Completion and inspection against a real ipykernel (complete_request / inspect_request).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { KernelStatus } from '../../../kernel-bridge/kernel';
import { findKernelSpec } from '../../../kernel-bridge/kernelspecs';
import { ZmqKernel } from '../../../kernel-bridge/zmq/zmq-kernel';

let kernel: ZmqKernel;
const statuses: KernelStatus[] = [];

beforeAll(async () => {
  kernel = new ZmqKernel(await findKernelSpec('python3'), { logger: () => undefined });
  await kernel.start();
  kernel.on('status', (s) => statuses.push(s));
});

afterAll(() => kernel?.shutdown());

describe('ZmqKernel completion and inspection', () => {
  it('completes a module name after `import o`, replacing what was typed', async () => {
    const reply = await kernel.complete('import o', 8);
    expect(reply.matches).toContain('os');
    expect(reply.cursor_start).toBe(7);
    expect(reply.cursor_end).toBe(8);
  });

  it("completes names the kernel defined, counting the cursor in code points (not UTF-16's)", async () => {
    await kernel.execute('étoile_value = 1');
    // '😀' is one code point and two UTF-16 units: the cursor at the end is at 13, not 14.
    const code = 'x = "😀" + éto';
    const reply = await kernel.complete(code, [...code].length);
    expect(reply.matches).toContain('étoile_value');
    expect(reply.cursor_start).toBe(10);
  });

  it('inspects `print(`: its signature and docstring as text', async () => {
    const reply = await kernel.inspect('print(', 6, 0);
    expect(reply.found).toBe(true);
    expect(String(reply.data['text/plain'])).toMatch(/print\(.*\)|Docstring/s);
  });

  it('finds nothing to inspect in a blank line, and says so', async () => {
    const reply = await kernel.inspect('   ', 3, 0);
    expect(reply.found).toBe(false);
  });

  it('does not show the session a busy kernel for a completion', async () => {
    statuses.length = 0;
    await kernel.complete('pri', 3);
    await kernel.inspect('len', 3, 1);
    await kernel.execute('1');
    // The run shows busy then idle; the completion and inspection before it showed nothing.
    expect(statuses).toEqual(['busy', 'idle']);
  });
});
