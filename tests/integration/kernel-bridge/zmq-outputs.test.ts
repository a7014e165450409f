// Outputs, input() and message signing against a real ipykernel, one kernel for the whole file.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CellOutputs, type DisplayUpdate } from '../../../kernel-bridge/iopub-outputs';
import type { ExecuteOptions } from '../../../kernel-bridge/kernel';
import { findKernelSpec } from '../../../kernel-bridge/kernelspecs';
import type { ExecuteReplyContent } from '../../../kernel-bridge/messages';
import { ZmqKernel } from '../../../kernel-bridge/zmq/zmq-kernel';
import type { Output } from '../../../protocol/nbformat';

const logged: { message: string; context: Record<string, unknown> }[] = [];
let kernel: ZmqKernel;

beforeAll(async () => {
  kernel = new ZmqKernel(await findKernelSpec('python3'), {
    logger: (message, context) => logged.push({ message, context }),
  });
  await kernel.start();
});

afterAll(() => kernel?.shutdown());

async function run(
  code: string,
  options: ExecuteOptions = {},
): Promise<{ reply: ExecuteReplyContent; outputs: Output[]; cell: CellOutputs }> {
  const cell = new CellOutputs();
  const reply = await kernel.execute(code, { ...options, onIopub: (m) => cell.handle(m) });
  return { reply, outputs: cell.outputs, cell };
}

describe('ZmqKernel outputs', () => {
  it('collects stdout and stderr streams, coalesced', async () => {
    const { reply, outputs } = await run(
      'import sys\nprint("a")\nprint("b")\nsys.stdout.flush()\nprint("oops", file=sys.stderr)',
    );
    expect(reply.status).toBe('ok');
    expect(outputs).toEqual([
      { output_type: 'stream', name: 'stdout', text: 'a\nb\n' },
      { output_type: 'stream', name: 'stderr', text: 'oops\n' },
    ]);
  });

  it('gives execute_result the execution count of the reply', async () => {
    const { reply, outputs, cell } = await run('6 * 7');
    expect(outputs).toEqual([
      {
        output_type: 'execute_result',
        data: { 'text/plain': '42' },
        metadata: {},
        execution_count: reply.execution_count,
      },
    ]);
    expect(cell.executionCount).toBe(reply.execution_count);
  });

  it('collects display_data with several MIME types', async () => {
    const { outputs } = await run(
      'from IPython.display import display, HTML\ndisplay(HTML("<b>hi</b>"))',
    );
    expect(outputs).toEqual([
      {
        output_type: 'display_data',
        data: { 'text/html': '<b>hi</b>', 'text/plain': '<IPython.core.display.HTML object>' },
        metadata: {},
      },
    ]);
  });

  it('reports an error with its ANSI-coloured traceback', async () => {
    const { reply, outputs } = await run('1 / 0');
    expect(reply).toMatchObject({ status: 'error', ename: 'ZeroDivisionError' });
    expect(outputs).toHaveLength(1);
    expect(outputs[0]).toMatchObject({ output_type: 'error', ename: 'ZeroDivisionError' });
    expect((outputs[0]!.traceback as string[]).join('\n')).toContain('\x1b[');
  });

  it('clears at the next output on clear_output(wait=True)', async () => {
    const { outputs } = await run(
      'from IPython.display import clear_output\n' +
        'for i in range(3):\n    clear_output(wait=True)\n    print(f"frame {i}", flush=True)',
    );
    expect(outputs).toEqual([{ output_type: 'stream', name: 'stdout', text: 'frame 2\n' }]);
  });

  it('updates a display by its id, also from another execution', async () => {
    const first = await run(
      'from IPython.display import display\nh = display("v1", display_id="progress")',
    );
    expect(first.cell.displayIds()).toEqual(['progress']);
    const second = new CellOutputs();
    let update: DisplayUpdate | null = null;
    await kernel.execute('h.update("v2")', {
      onIopub: (m) => (update = second.handle(m).display ?? update),
    });
    expect(second.outputs).toEqual([]);
    expect(update).not.toBeNull();
    expect(first.cell.applyDisplayUpdate(update!)).toBe(true);
    expect(first.cell.outputs).toEqual([
      { output_type: 'display_data', data: { 'text/plain': "'v2'" }, metadata: {} },
    ]);
  });

  it('keeps only the last state of a \\r progress line', async () => {
    const { outputs } = await run(
      'import sys, time\nfor i in range(0, 101, 20):\n' +
        '    sys.stdout.write(f"\\r{i:3d}%")\n    sys.stdout.flush()\n    time.sleep(0.01)\nprint()',
    );
    expect(outputs).toEqual([{ output_type: 'stream', name: 'stdout', text: '100%\n' }]);
  });
});

describe('ZmqKernel input()', () => {
  it('answers input() with the callback of the execution that asked', async () => {
    const prompts: string[] = [];
    const { reply, outputs } = await run('name = input("Your name? ")\nprint("hello", name)', {
      onInputRequest: async (request) => (prompts.push(request.prompt), 'Ada'),
    });
    expect(reply.status).toBe('ok');
    expect(prompts).toEqual(['Your name? ']);
    expect(outputs.at(-1)).toEqual({ output_type: 'stream', name: 'stdout', text: 'hello Ada\n' });
  });

  it('interrupts the kernel when nobody answers in time', async () => {
    let promptSignal: AbortSignal | undefined;
    const { reply } = await run('input("never answered? ")', {
      inputTimeoutMs: 300,
      onInputRequest: (_request, signal) => ((promptSignal = signal), new Promise(() => {})),
    });
    expect(reply).toMatchObject({ status: 'error', ename: 'KeyboardInterrupt' });
    expect(promptSignal?.aborted).toBe(true);
    expect(logged.some((l) => /input\(\) got no answer/.test(l.message))).toBe(true);
    expect((await run('1 + 1')).reply.status).toBe('ok');
  });

  it('interrupts the kernel when the callback rejects', async () => {
    const { reply } = await run('input("? ")', {
      onInputRequest: () => Promise.reject(new Error('the guest left')),
    });
    expect(reply).toMatchObject({ status: 'error', ename: 'KeyboardInterrupt' });
  });
});

describe('ZmqKernel message signatures', () => {
  it('drops and logs an IOPub message signed with another key', async () => {
    const seen: string[] = [];
    const before = logged.length;
    await kernel.execute(
      // The kernel itself sends a stream message signed with the wrong key, over its real IOPub
      // socket, with this execution as parent; then a genuine one.
      'from jupyter_client.session import Session\n' +
        'k = get_ipython().kernel\n' +
        'Session(key=b"not-the-key").send(k.iopub_socket, "stream",\n' +
        '    {"name": "stdout", "text": "forged\\n"}, parent=k.get_parent("shell"))\n' +
        'print("genuine")',
      { onIopub: (m) => m.header.msg_type === 'stream' && seen.push(String(m.content.text)) },
    );
    expect(seen).toEqual(['genuine\n']);
    const dropped = logged.slice(before).filter((l) => /wrong signature/.test(l.message));
    expect(dropped).toHaveLength(1);
    expect(dropped[0]!.context).toMatchObject({ channel: 'iopub', kernel: 'python3' });
  });
});

describe('a kernel that has just started', () => {
  it('prompts for input() and shows the first output of a cell run the moment it is ready', async () => {
    // Each socket connects on its own retry timer while the kernel starts; until stdin's
    // handshake, the kernel drops an input_request, and the cell would wait for ever. Fresh
    // kernels, several times, to meet the race.
    for (let round = 0; round < 4; round++) {
      const fresh = new ZmqKernel(await findKernelSpec('python3'), { logger: () => undefined });
      try {
        await fresh.start();
        const cell = new CellOutputs();
        const prompts: string[] = [];
        const reply = await fresh.execute('print("before"); print("hi", input("name? "))', {
          onIopub: (m) => cell.handle(m),
          onInputRequest: async (request) => (prompts.push(request.prompt), 'Ada'),
          inputTimeoutMs: 10_000,
        });
        expect(reply.status, `round ${round}`).toBe('ok');
        expect(prompts).toEqual(['name? ']);
        expect(cell.outputs).toEqual([
          { output_type: 'stream', name: 'stdout', text: 'before\nhi Ada\n' },
        ]);
      } finally {
        await fresh.shutdown();
      }
    }
  });
});
