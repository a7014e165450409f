import type { ExecuteOptions } from '../kernel';
import { KernelBase, type KernelBaseOptions, executeRequestContent } from '../kernel-base';
import type { KernelSpec } from '../kernelspecs';
import {
  type ExecuteReplyContent,
  type InputRequestContent,
  type JupyterMessage,
  type MessageHeader,
  type StatusContent,
  parentId,
} from '../messages';
import type { JsonObject } from '../../protocol/python-json';
import { Executions } from './executions';
import { HEARTBEAT_TIMEOUT_MS } from './heartbeat';
import { LaunchedKernel } from './launched-kernel';

export { FINISH_GRACE_MS } from './executions';
export { INTERRUPT_TIMEOUT_MS, SHUTDOWN_TIMEOUT_MS } from './launched-kernel';

/** How long a new kernel may take to answer kernel_info before start() fails. */
export const KERNEL_START_TIMEOUT_MS = 60_000;

/** Options of a ZmqKernel. */
export interface ZmqKernelOptions extends KernelBaseOptions {
  /** Working directory of the kernel process (the notebook's folder); default ours. */
  cwd?: string;
  /** Environment of the kernel process (the spec's env is added); default process.env. */
  env?: NodeJS.ProcessEnv;
  /** Missed heartbeats for this long mean the kernel is dead; default HEARTBEAT_TIMEOUT_MS. */
  heartbeatTimeoutMs?: number;
  /** Default KERNEL_START_TIMEOUT_MS. */
  startTimeoutMs?: number;
}

/**
 * A kernel launched from a kernelspec on this machine, spoken to over ZeroMQ (messaging protocol
 * 5.x): ports on 127.0.0.1, a private 0600 connection file, a random HMAC-SHA256 key. The process
 * dies with ours (see launchKernelProcess). This class keeps the lifecycle (start, restart,
 * shutdown, death) and routes messages; LaunchedKernel is one process, Executions the requests.
 */
export class ZmqKernel extends KernelBase {
  private readonly executions = new Executions({
    send: (content) => this.running!.send('shell', 'execute_request', content).msg_id,
    log: (message, context) => this.logger(message, { ...this.context(), ...context }),
  });
  private running: LaunchedKernel | null = null;
  private ready = false;
  private starting: Promise<void> | null = null;
  private restarting: Promise<void> | null = null;
  private stopping: Promise<void> | null = null;

  constructor(
    /** The kernelspec launched by start() and restart(). */
    readonly spec: KernelSpec,
    private readonly options: ZmqKernelOptions = {},
  ) {
    super(options);
  }

  /** The pid of the kernel process, or null when none runs. */
  get pid(): number | null {
    return this.running?.child.pid ?? null;
  }

  /** @inheritdoc */
  start(): Promise<void> {
    if (this.restarting) return this.restarting;
    this.starting ??= this.launch('starting').catch((e: unknown) => {
      this.starting = null;
      throw e;
    });
    return this.starting;
  }

  /** @inheritdoc */
  restart(): Promise<void> {
    this.restarting ??= (async () => {
      try {
        await this.stopping;
        this.setStatus('restarting');
        await this.stopProcess(true, 'the kernel restarted');
        this.starting = this.launch('restarting');
        await this.starting;
      } catch (e) {
        this.starting = null;
        throw e;
      } finally {
        this.restarting = null;
      }
    })();
    return this.restarting;
  }

  /** @inheritdoc */
  shutdown(): Promise<void> {
    this.stopping ??= (async () => {
      try {
        await this.restarting?.catch(() => undefined); // a failed restart still leaves us to stop
        await this.stopProcess(false, 'the kernel was shut down');
        this.starting = null;
        this.setStatus('dead');
      } finally {
        this.stopping = null;
      }
    })();
    return this.stopping;
  }

  /** @inheritdoc */
  async interrupt(): Promise<void> {
    if (this.running && this.ready) await this.running.interrupt();
  }

  /** @inheritdoc */
  execute(code: string, options: ExecuteOptions = {}): Promise<ExecuteReplyContent> {
    if (!this.running || !this.ready) return Promise.reject(this.notRunning());
    if (options.signal?.aborted) return Promise.reject(options.signal.reason);
    const detach = this.interruptOnAbort(options.signal);
    return this.executions.run(executeRequestContent(code, options), options).finally(detach);
  }

  protected context(): Record<string, unknown> {
    return { kernel: this.spec.name, pid: this.running?.child.pid };
  }

  protected async shellRequest(
    type: 'complete_request' | 'inspect_request',
    content: JsonObject,
    timeoutMs: number,
  ): Promise<unknown> {
    if (!this.running || !this.ready) throw this.notRunning();
    const reply = type.replace('_request', '_reply');
    return (await this.running.request('shell', type, timeoutMs, reply, content)).content;
  }

  private async launch(phase: 'starting' | 'restarting'): Promise<void> {
    this.ready = false;
    this.setStatus(phase);
    const launched = await LaunchedKernel.launch(
      this.spec,
      { cwd: this.options.cwd, env: this.options.env, logger: this.logger },
      {
        onMessage: (from, msg) => this.dispatch(from, msg),
        onExit: (from, code, signal, error) => this.onExit(from, code, signal, error),
      },
    );
    this.running = launched;
    try {
      this.kernelInfo = await launched.waitUntilReady(
        this.options.startTimeoutMs ?? KERNEL_START_TIMEOUT_MS,
      );
    } catch (e) {
      launched.expectedExit = true;
      await this.stopProcess(false, 'the kernel failed to start');
      this.setStatus('dead');
      throw e;
    }
    launched.startHeartbeat(this.options.heartbeatTimeoutMs ?? HEARTBEAT_TIMEOUT_MS);
    this.ready = true;
    this.setStatus('idle');
  }

  private dispatch(from: LaunchedKernel, msg: JupyterMessage): void {
    if (from !== this.running) return; // a message from a process being replaced
    const parent = parentId(msg);
    switch (msg.channel) {
      case 'iopub': {
        this.executions.output(parent, msg);
        if (msg.header.msg_type === 'status') {
          const state = (msg.content as unknown as StatusContent).execution_state;
          // Answering a start-up nudge or a completion is not a run: showing it would flicker
          // busy/idle for everyone in the session.
          const own = from.isOwnRequest(parent);
          if (this.ready && !own && (state === 'idle' || state === 'busy')) this.setStatus(state);
          if (state === 'idle') this.executions.idle(parent);
        }
        this.events.emit('iopub', msg);
        return;
      }
      case 'shell':
      case 'control':
        if (msg.header.msg_type === 'execute_reply')
          this.executions.reply(parent, msg.content as unknown as ExecuteReplyContent);
        return;
      case 'stdin':
        if (msg.header.msg_type !== 'input_request') return;
        void this.answerInput(
          msg.content as unknown as InputRequestContent,
          this.executions.options(parent),
          {
            send: (value) =>
              from.send('stdin', 'input_reply', { value }, msg.header as MessageHeader),
            stale: () => from !== this.running,
          },
        );
        return;
    }
  }

  private onExit(
    from: LaunchedKernel,
    code: number | null,
    signal: NodeJS.Signals | null,
    error?: string,
  ): void {
    if (from.expectedExit || from !== this.running || !this.ready) return;
    const reason =
      from.deathReason ??
      (error
        ? `the kernel process failed: ${error}`
        : `the kernel process exited (${signal ? `signal ${signal}` : `code ${code}`})`);
    this.ready = false;
    this.cleanUp(from, `${reason} — restart the kernel to continue`);
    this.died(reason);
  }

  private async stopProcess(restart: boolean, why: string): Promise<void> {
    const launched = this.running;
    if (!launched) return;
    const wasReady = this.ready;
    this.ready = false;
    await launched.stop({ ask: wasReady, interrupt: this.executions.size > 0, restart });
    this.cleanUp(launched, `${why} before this execution finished — run it again`);
  }

  private cleanUp(launched: LaunchedKernel, reason: string): void {
    launched.close();
    this.executions.rejectAll(reason);
    if (this.running === launched) this.running = null;
  }
}
