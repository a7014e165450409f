import type { ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { askForInput } from '../ask-for-input';
import {
  type ExecuteOptions,
  INPUT_TIMEOUT_MS,
  type Kernel,
  type KernelEvents,
  type KernelLogger,
  type KernelStatus,
  consoleLogger,
} from '../kernel';
import { kernelError } from '../kernel-error';
import type { KernelSpec } from '../kernelspecs';
import {
  type ExecuteReplyContent,
  type ExecuteRequestContent,
  type InputRequestContent,
  type JupyterMessage,
  type KernelInfoReplyContent,
  type MessageHeader,
  type StatusContent,
  parentId,
} from '../messages';
import { TypedEmitter } from '../typed-emitter';
import { type ConnectionFile, writeConnectionFile } from './connection-file';
import { HEARTBEAT_TIMEOUT_MS, Heartbeat } from './heartbeat';
import { KernelChannels } from './kernel-channels';
import { launchKernelProcess, signalKernel } from './kernel-process';

/** How long a new kernel may take to answer kernel_info before start() fails. */
export const KERNEL_START_TIMEOUT_MS = 60_000;
/** How long shutdown() waits for the kernel to exit after asking, before it kills it. */
export const SHUTDOWN_TIMEOUT_MS = 5_000;
/** How long interrupt() waits for an interrupt_reply (interrupt_mode 'message'). */
export const INTERRUPT_TIMEOUT_MS = 5_000;
/**
 * How long after an execution's execute_reply we wait for its 'idle' status (or the other way
 * round), counted from its last output, before finishing it anyway (as 'aborted' if no reply).
 */
export const FINISH_GRACE_MS = 10_000;
// kernel_info is re-sent at this pace until IOPub is seen to be subscribed (as jupyter_server's
// "nudge" does): outputs published before the subscription takes effect would be lost.
const NUDGE_INTERVAL_MS = 200;
const STDERR_TAIL_CHARS = 4000;

/** Options of a ZmqKernel. */
export interface ZmqKernelOptions {
  /** Working directory of the kernel process (the notebook's folder); default ours. */
  cwd?: string;
  /** Environment of the kernel process (the spec's env is added); default process.env. */
  env?: NodeJS.ProcessEnv;
  /** Where dropped messages and other anomalies go; default console.warn. */
  logger?: KernelLogger;
  /** Default for ExecuteOptions.inputTimeoutMs; default INPUT_TIMEOUT_MS. */
  inputTimeoutMs?: number;
  /** Missed heartbeats for this long mean the kernel is dead; default HEARTBEAT_TIMEOUT_MS. */
  heartbeatTimeoutMs?: number;
  /** Default KERNEL_START_TIMEOUT_MS. */
  startTimeoutMs?: number;
}

interface Execution {
  options: ExecuteOptions;
  content: ExecuteRequestContent;
  /** Sent with no other execution pending, and not yet sent again (see dispatch). */
  resendIfAborted: boolean;
  reply: ExecuteReplyContent | null;
  idle: boolean;
  idleTimer: NodeJS.Timeout | undefined;
  resolve: (reply: ExecuteReplyContent) => void;
  reject: (error: Error) => void;
}

interface Running {
  child: ChildProcess;
  channels: KernelChannels;
  heartbeat: Heartbeat | null;
  file: ConnectionFile;
  exited: Promise<void>;
  /** Set when we stop it on purpose, or decided it is dead: its exit is then no surprise. */
  expectedExit: boolean;
  deathReason: string | null;
  stderr: string;
  /** The kernel_info requests sent while starting; the kernel answers late ones after it is ready. */
  startupRequests: Set<string>;
}

/**
 * A kernel launched from a kernelspec on this machine, spoken to over ZeroMQ (messaging protocol
 * 5.x): ports on 127.0.0.1, a private 0600 connection file, a random HMAC-SHA256 key. The process
 * dies with ours (see launchKernelProcess).
 */
export class ZmqKernel implements Kernel {
  private readonly events = new TypedEmitter<KernelEvents>();
  private readonly executions = new Map<string, Execution>();
  private readonly replies = new Map<string, (msg: JupyterMessage) => void>();
  private readonly logger: KernelLogger;
  private running: Running | null = null;
  private currentStatus: KernelStatus = 'dead';
  private kernelInfo: KernelInfoReplyContent | null = null;
  private ready = false;
  private starting: Promise<void> | null = null;
  private restarting: Promise<void> | null = null;
  private stopping: Promise<void> | null = null;

  constructor(
    /** The kernelspec launched by start() and restart(). */
    readonly spec: KernelSpec,
    private readonly options: ZmqKernelOptions = {},
  ) {
    this.logger = options.logger ?? consoleLogger;
  }

  /** @inheritdoc */
  get status(): KernelStatus {
    return this.currentStatus;
  }

  /** @inheritdoc */
  get info(): KernelInfoReplyContent | null {
    return this.kernelInfo;
  }

  /** The pid of the kernel process, or null when none runs. */
  get pid(): number | null {
    return this.running?.child.pid ?? null;
  }

  /** @inheritdoc */
  on<K extends keyof KernelEvents>(name: K, listener: KernelEvents[K]): () => void {
    return this.events.on(name, listener);
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
    const running = this.running;
    if (!running || !this.ready) return;
    if (this.spec.interruptMode === 'signal') {
      signalKernel(running.child, 'SIGINT');
      return;
    }
    const header = running.channels.send('control', 'interrupt_request', {});
    await this.waitForReply(header.msg_id, INTERRUPT_TIMEOUT_MS, 'interrupt_reply');
  }

  /** @inheritdoc */
  execute(code: string, options: ExecuteOptions = {}): Promise<ExecuteReplyContent> {
    const running = this.running;
    if (!running || !this.ready)
      return Promise.reject(
        kernelError(
          'kernel-dead',
          'the kernel is not running — start or restart it, then run again',
        ),
      );
    if (options.signal?.aborted) return Promise.reject(options.signal.reason);
    const content: ExecuteRequestContent = {
      code,
      silent: options.silent ?? false,
      store_history: options.storeHistory ?? true,
      user_expressions: {},
      allow_stdin: options.onInputRequest !== undefined,
      stop_on_error: options.stopOnError ?? true,
    };
    return new Promise<ExecuteReplyContent>((resolve, reject) => {
      const header = running.channels.send('shell', 'execute_request', content);
      const onAbort = () => void this.interrupt();
      options.signal?.addEventListener('abort', onAbort, { once: true });
      const done = () => options.signal?.removeEventListener('abort', onAbort);
      this.executions.set(header.msg_id, {
        options,
        content,
        resendIfAborted: this.executions.size === 0,
        reply: null,
        idle: false,
        idleTimer: undefined,
        resolve: (reply) => (done(), resolve(reply)),
        reject: (error) => (done(), reject(error)),
      });
    });
  }

  private setStatus(status: KernelStatus): void {
    if (status === this.currentStatus) return;
    this.currentStatus = status;
    this.events.emit('status', status);
  }

  private context(): Record<string, unknown> {
    return { kernel: this.spec.name, pid: this.running?.child.pid };
  }

  private async launch(phase: 'starting' | 'restarting'): Promise<void> {
    this.ready = false;
    this.setStatus(phase);
    const file = await writeConnectionFile(this.spec.name);
    const child = launchKernelProcess(this.spec, file.path, {
      cwd: this.options.cwd,
      env: this.options.env,
    });
    const running: Running = {
      child,
      file,
      channels: new KernelChannels(
        file.info,
        randomUUID(),
        (msg) => this.dispatch(running, msg),
        this.logger,
        { kernel: this.spec.name, pid: child.pid },
      ),
      heartbeat: null,
      expectedExit: false,
      deathReason: null,
      stderr: '',
      startupRequests: new Set(),
      exited: new Promise((resolve) => child.once('close', () => resolve())),
    };
    const keepTail = (chunk: Buffer) => {
      running.stderr = (running.stderr + chunk.toString()).slice(-STDERR_TAIL_CHARS);
    };
    child.stderr?.on('data', keepTail);
    child.stdout?.on('data', keepTail);
    this.running = running;
    child.once('exit', (code, signal) => this.onExit(running, code, signal));
    child.once('error', (e) => this.onExit(running, null, null, e.message));
    try {
      this.kernelInfo = await this.waitUntilReady(running);
    } catch (e) {
      running.expectedExit = true;
      await this.stopProcess(false, 'the kernel failed to start');
      this.setStatus('dead');
      throw e;
    }
    running.heartbeat = new Heartbeat(
      `tcp://${file.info.ip}:${file.info.hb_port}`,
      (silentMs) => this.onHeartbeatLost(running, silentMs),
      this.options.heartbeatTimeoutMs ?? HEARTBEAT_TIMEOUT_MS,
    );
    this.ready = true;
    this.setStatus('idle');
  }

  private waitUntilReady(running: Running): Promise<KernelInfoReplyContent> {
    const timeoutMs = this.options.startTimeoutMs ?? KERNEL_START_TIMEOUT_MS;
    return new Promise((resolve, reject) => {
      let info: KernelInfoReplyContent | null = null;
      let sawIopub = false;
      let connected = false;
      const finish = (error: Error | null) => {
        clearInterval(nudge);
        clearTimeout(timeout);
        off();
        running.child.off('exit', onExit);
        if (error) reject(error);
        else resolve(info!);
      };
      const check = () => info && sawIopub && connected && finish(null);
      void running.channels.connected.then(() => ((connected = true), check()));
      const off = this.events.on('iopub', () => ((sawIopub = true), check()));
      const ask = () => {
        const { msg_id } = running.channels.send('shell', 'kernel_info_request', {});
        running.startupRequests.add(msg_id);
        this.replies.set(msg_id, (reply) => {
          info = reply.content as unknown as KernelInfoReplyContent;
          check();
        });
      };
      const onExit = () =>
        finish(
          kernelError(
            'kernel-start-failed',
            `the ${this.spec.displayName} kernel exited while starting — check that ` +
              `\`${this.spec.argv.join(' ')}\` works in a terminal. Its last output:\n` +
              running.stderr.trim(),
          ),
        );
      running.child.once('exit', onExit);
      const nudge = setInterval(() => !sawIopub && ask(), NUDGE_INTERVAL_MS);
      const timeout = setTimeout(
        () =>
          finish(
            kernelError(
              'kernel-timeout',
              `the ${this.spec.displayName} kernel did not answer within ${timeoutMs / 1000} s — ` +
                `restart it, or check \`${this.spec.argv.join(' ')}\` in a terminal`,
            ),
          ),
        timeoutMs,
      );
      ask();
    });
  }

  private waitForReply(msgId: string, timeoutMs: number, what: string): Promise<JupyterMessage> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.replies.delete(msgId);
        reject(
          kernelError('kernel-timeout', `no ${what} within ${timeoutMs} ms — restart the kernel`),
        );
      }, timeoutMs);
      this.replies.set(msgId, (msg) => (clearTimeout(timer), resolve(msg)));
    });
  }

  private dispatch(running: Running, msg: JupyterMessage): void {
    if (running !== this.running) return; // a message from a process being replaced
    const parent = parentId(msg);
    const execution = parent ? this.executions.get(parent) : undefined;
    switch (msg.channel) {
      case 'iopub': {
        if (execution) {
          execution.options.onIopub?.(msg);
          if (execution.idleTimer) execution.idleTimer.refresh();
        }
        if (msg.header.msg_type === 'status') {
          const state = (msg.content as unknown as StatusContent).execution_state;
          // Answering a start-up nudge is not work anyone asked for: showing it would flicker
          // busy/idle just after the kernel reads idle.
          const nudge = parent !== null && running.startupRequests.has(parent);
          if (this.ready && !nudge && (state === 'idle' || state === 'busy')) this.setStatus(state);
          if (state === 'idle' && execution) {
            execution.idle = true;
            this.settle(parent!, execution);
          }
        }
        this.events.emit('iopub', msg);
        return;
      }
      case 'shell':
      case 'control': {
        if (execution && msg.header.msg_type === 'execute_reply') {
          const reply = msg.content as unknown as ExecuteReplyContent;
          if (reply.status === 'aborted' && execution.resendIfAborted) {
            this.resend(running, parent!, execution);
            return;
          }
          execution.reply = reply;
          this.settle(parent!, execution);
          return;
        }
        const waiter = parent ? this.replies.get(parent) : undefined;
        if (waiter) {
          this.replies.delete(parent!);
          waiter(msg);
        }
        return;
      }
      case 'stdin':
        if (msg.header.msg_type === 'input_request') void this.answerInput(running, msg, execution);
        return;
    }
  }

  /**
   * After a cell fails, ipykernel aborts every execute_request that reaches it before its queue
   * is flushed, meaning requests already waiting behind the failed one. One sent after we saw
   * that cell end, with nothing else pending, can still land in that window (a few ms; longer
   * while the cell's threads hold the GIL) and would do nothing. Sent again, it lands after the
   * flush.
   */
  private resend(running: Running, abortedId: string, execution: Execution): void {
    this.executions.delete(abortedId);
    clearTimeout(execution.idleTimer);
    execution.idleTimer = undefined;
    execution.idle = false;
    execution.resendIfAborted = false;
    this.logger(
      'the kernel aborted a request sent after the previous cell ended; sending it again',
      {
        ...this.context(),
        msgId: abortedId,
      },
    );
    const header = running.channels.send('shell', 'execute_request', execution.content);
    this.executions.set(header.msg_id, execution);
  }

  private settle(msgId: string, execution: Execution): void {
    if (execution.reply && execution.idle) {
      clearTimeout(execution.idleTimer);
      this.executions.delete(msgId);
      execution.resolve(execution.reply);
      return;
    }
    // Reply (shell) and idle (IOPub) travel on different sockets, so either may come first; but a
    // lost idle, or a reply ipykernel never sends (an interrupt that lands before the user's code
    // runs is swallowed by its dispatcher), must not hang the caller.
    execution.idleTimer ??= setTimeout(() => {
      this.logger(
        `no ${execution.reply ? 'idle status' : 'execute_reply'} for an execution; finishing it`,
        {
          ...this.context(),
          msgId,
        },
      );
      execution.idle = true;
      execution.reply ??= { status: 'aborted', execution_count: null };
      this.settle(msgId, execution);
    }, FINISH_GRACE_MS);
  }

  private async answerInput(
    running: Running,
    msg: JupyterMessage,
    execution: Execution | undefined,
  ): Promise<void> {
    const request = msg.content as unknown as InputRequestContent;
    const outcome = await askForInput(request, execution?.options.onInputRequest, {
      timeoutMs:
        execution?.options.inputTimeoutMs ?? this.options.inputTimeoutMs ?? INPUT_TIMEOUT_MS,
      signal: execution?.options.signal,
    });
    if (running !== this.running) return;
    if (outcome.answered) {
      running.channels.send(
        'stdin',
        'input_reply',
        { value: outcome.value },
        msg.header as MessageHeader,
      );
      return;
    }
    this.logger(`interrupting the kernel: input() got no answer (${outcome.reason})`, {
      ...this.context(),
      prompt: request.prompt,
    });
    await this.interrupt();
  }

  private onHeartbeatLost(running: Running, silentMs: number): void {
    if (running !== this.running || running.expectedExit) return;
    running.deathReason = `the kernel stopped answering its heartbeat for ${silentMs / 1000} s`;
    signalKernel(running.child, 'SIGKILL');
  }

  private onExit(
    running: Running,
    code: number | null,
    signal: NodeJS.Signals | null,
    error?: string,
  ): void {
    if (running.expectedExit || running !== this.running || !this.ready) return;
    const reason =
      running.deathReason ??
      (error
        ? `the kernel process failed: ${error}`
        : `the kernel process exited (${signal ? `signal ${signal}` : `code ${code}`})`);
    this.ready = false;
    this.cleanUp(running, `${reason} — restart the kernel to continue`);
    this.setStatus('dead');
    this.events.emit('died', reason);
  }

  private async stopProcess(restart: boolean, why: string): Promise<void> {
    const running = this.running;
    if (!running) return;
    running.expectedExit = true;
    const wasReady = this.ready;
    this.ready = false;
    if (running.child.exitCode === null && running.child.signalCode === null) {
      if (wasReady) {
        // As jupyter_client does: a kernel busy running code exits at once only if interrupted.
        if (this.executions.size > 0) {
          if (this.spec.interruptMode === 'signal') signalKernel(running.child, 'SIGINT');
          else running.channels.send('control', 'interrupt_request', {});
        }
        running.channels.send('control', 'shutdown_request', { restart });
      }
      const timer = setTimeout(
        () => signalKernel(running.child, 'SIGKILL'),
        wasReady ? SHUTDOWN_TIMEOUT_MS : 0,
      );
      await running.exited;
      clearTimeout(timer);
    }
    this.cleanUp(running, `${why} before this execution finished — run it again`);
  }

  private cleanUp(running: Running, reason: string): void {
    signalKernel(running.child, 'SIGKILL');
    running.heartbeat?.stop();
    running.channels.close();
    void running.file.remove().catch((e: unknown) =>
      this.logger('could not remove a connection file', {
        path: running.file.path,
        error: String(e),
      }),
    );
    for (const [id, execution] of this.executions) {
      clearTimeout(execution.idleTimer);
      execution.reject(kernelError('kernel-dead', reason));
      this.executions.delete(id);
    }
    this.replies.clear();
    if (this.running === running) this.running = null;
  }
}
