// The Jupyter server backend against a real jupyter_server (Debian's), started for this file.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CellOutputs } from '../../../kernel-bridge/iopub-outputs';
import { JupyterServerKernel } from '../../../kernel-bridge/jupyter-server/jupyter-server-kernel';
import { type JupyterServer, startJupyterServer } from '../../helpers/jupyter-server';
import { waitFor } from './process-helpers';

let server: JupyterServer;
let baseUrl: string;
let token: string;
let kernel: JupyterServerKernel;
const deaths: string[] = [];
const kernelIds = () => server.kernelIds();

beforeAll(async () => {
  server = await startJupyterServer();
  ({ baseUrl, token } = server);
  kernel = new JupyterServerKernel({
    baseUrl,
    token,
    kernelName: 'python3',
    logger: () => undefined,
  });
  kernel.on('died', (reason) => deaths.push(reason));
  await kernel.start();
});

afterAll(async () => {
  await kernel?.shutdown();
  await server?.stop();
});

describe('JupyterServerKernel', () => {
  it('starts a kernel on the server and runs code, with its outputs', async () => {
    expect(kernel.status).toBe('idle');
    expect(await kernelIds()).toEqual([kernel.id]);
    expect(kernel.info?.language_info.name).toBe('python');
    const cell = new CellOutputs();
    const reply = await kernel.execute('print("hi")\n6 * 7', { onIopub: (m) => cell.handle(m) });
    expect(reply.status).toBe('ok');
    expect(cell.outputs).toEqual([
      { output_type: 'stream', name: 'stdout', text: 'hi\n' },
      {
        output_type: 'execute_result',
        data: { 'text/plain': '42' },
        metadata: {},
        execution_count: reply.execution_count,
      },
    ]);
  });

  it('completes and inspects through the server (requestComplete, requestInspect)', async () => {
    const completion = await kernel.complete('import o', 8);
    expect(completion.matches).toContain('os');
    expect([completion.cursor_start, completion.cursor_end]).toEqual([7, 8]);
    const inspection = await kernel.inspect('print(', 6, 0);
    expect(inspection.found).toBe(true);
    expect(String(inspection.data['text/plain'])).toMatch(/print/);
  });

  it('answers input(), and interrupts when no answer comes in time', async () => {
    const answered = new CellOutputs();
    await kernel.execute('print(input("name? "))', {
      onInputRequest: async () => 'Ada',
      onIopub: (m) => answered.handle(m),
    });
    expect(answered.outputs.at(-1)).toMatchObject({ text: 'Ada\n' });
    const reply = await kernel.execute('input("never? ")', {
      inputTimeoutMs: 300,
      onInputRequest: () => new Promise(() => {}),
    });
    expect(reply).toMatchObject({ status: 'error', ename: 'KeyboardInterrupt' });
  });

  it('interrupts time.sleep(60)', async () => {
    let started!: () => void;
    const running = new Promise<void>((resolve) => (started = resolve));
    // Waits for the user's code to run: an earlier interrupt is swallowed by ipykernel.
    const reply = kernel.execute('print("running", flush=True)\nimport time; time.sleep(60)', {
      onIopub: (m) => m.header.msg_type === 'stream' && started(),
    });
    await running;
    await kernel.interrupt();
    await expect(reply).resolves.toMatchObject({ ename: 'KeyboardInterrupt' });
  });

  it('attaches to a running kernel by id, and detaching leaves it running', async () => {
    await kernel.execute('shared = 41');
    const attached = new JupyterServerKernel({ baseUrl, token, kernelId: kernel.id! });
    await attached.start();
    const cell = new CellOutputs();
    await attached.execute('shared + 1', { onIopub: (m) => cell.handle(m) });
    expect(cell.outputs[0]).toMatchObject({ data: { 'text/plain': '42' } });
    await attached.shutdown();
    expect(await kernelIds()).toEqual([kernel.id]);
  });

  it('restarts: same object, counter reset', async () => {
    const id = kernel.id;
    await kernel.restart();
    expect(kernel.id).toBe(id);
    await waitFor(() => kernel.status === 'idle', 'idle after restart');
    expect((await kernel.execute('pass')).execution_count).toBe(1);
  });

  it('shuts the kernel down on the server', async () => {
    await kernel.shutdown();
    expect(kernel.status).toBe('dead');
    expect(await kernelIds()).toEqual([]);
    await expect(kernel.execute('1')).rejects.toThrow(/not running/);
  });

  it('reports a kernel that exits as died', async () => {
    const doomed = new JupyterServerKernel({
      baseUrl,
      token,
      kernelName: 'python3',
      logger: () => undefined,
    });
    const died: string[] = [];
    doomed.on('died', (reason) => died.push(reason));
    await doomed.start();
    await doomed.execute('import os; os._exit(1)').catch(() => undefined);
    await waitFor(() => died.length > 0, 'the died event');
    expect(died[0]).toMatch(/died/);
    expect(['dead', 'restarting']).toContain(doomed.status); // 'restarting' while the server restarts it
    // What happens next is the server's business: its restarter brings the kernel back on its
    // own schedule (seconds, or over a minute on a loaded machine). The server is stopped after
    // this file, kernels and all.
  });
});
