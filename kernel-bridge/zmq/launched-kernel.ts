import type { ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import type { KernelLogger } from '../kernel';
import { kernelError } from '../kernel-error';
import type { KernelSpec } from '../kernelspecs';
import {
  type JupyterMessage,
  type KernelInfoReplyContent,
  type MessageHeader,
  parentId,
} from '../messages';
import { type ConnectionFile, writeConnectionFile } from './connection-file';
import { Heartbeat } from './heartbeat';
import { KernelChannels, type SendChannel } from './kernel-channels';
import { launchKernelProcess, signalKernel } from './kernel-process';

/** How long shutdown() waits for the kernel to exit after asking, before it kills it. */
export const SHUTDOWN_TIMEOUT_MS = 5_000;
/** How long interrupt() waits for an interrupt_reply (interrupt_mode 'message'). */
export const INTERRUPT_TIMEOUT_MS = 5_000;
// kernel_info is re-sent at this pace until IOPub is seen to be subscribed (as jupyter_server's
// "nudge" does): outputs published before the subscription takes effect would be lost.
const NUDGE_INTERVAL_MS = 200;
const STDERR_TAIL_CHARS = 4000;

/** What a LaunchedKernel tells its owner. */
export interface LaunchedKernelHandlers {
  /** Every message but the replies this object waits for itself (request(), start-up). */
  onMessage(from: LaunchedKernel, msg: JupyterMessage): void;
  /** The process exited or could not be run (`error`). */
  onExit(
    from: LaunchedKernel,
    code: number | null,
    signal: NodeJS.Signals | null,
    error?: string,
  ): void;
}

/** Options of LaunchedKernel.launch. */
export interface LaunchOptions {
  cwd?: string;
  env?: NodeJS.ProcessEnv;
  logger: KernelLogger;
}

/**
 * One kernel process launched from a kernelspec, with what belongs to that process alone: its
 * connection file, its four channels, its heartbeat, the tail of its output, and the replies
 * awaited from it. A restart makes a new one; the ZmqKernel around them keeps the executions.
 */
export class LaunchedKernel {
  heartbeat: Heartbeat | null = null;
  /** Set when we stop it on purpose, or decided it is dead: its exit is then no surprise. */
  expectedExit = false;
  /** Why we decided it is dead (missed heartbeats), if we did. */
  deathReason: string | null = null;
  /** Resolves once the process closed its output (it exited). */
  readonly exited: Promise<void>;
  readonly channels: KernelChannels;
  private stderr = '';
  /**
   * Requests of this object's own (kernel_info while starting, which the kernel may answer late;
   * request()s), whose busy and idle are nobody's work: forgotten at their idle.
   */
  private readonly ownRequests = new Set<string>();
  private readonly replies = new Map<string, (msg: JupyterMessage) => void>();
  private onIopubSeen: (() => void) | null = null;

  private constructor(
    readonly spec: KernelSpec,
    readonly child: ChildProcess,
    private readonly file: ConnectionFile,
    private readonly logger: KernelLogger,
    handlers: LaunchedKernelHandlers,
  ) {
    this.channels = new KernelChannels(
      file.info,
      randomUUID(),
      (msg) => this.receive(msg, handlers),
      logger,
      { kernel: spec.name, pid: child.pid },
    );
    this.exited = new Promise((resolve) => child.once('close', () => resolve()));
    const keepTail = (chunk: Buffer) => {
      this.stderr = (this.stderr + chunk.toString()).slice(-STDERR_TAIL_CHARS);
    };
    child.stderr?.on('data', keepTail);
    child.stdout?.on('data', keepTail);
    child.once('exit', (code, signal) => handlers.onExit(this, code, signal));
    child.once('error', (e) => handlers.onExit(this, null, null, e.message));
  }

  /** Writes a connection file and starts the kernel process of `spec` on it. */
  static async launch(
    spec: KernelSpec,
    options: LaunchOptions,
    handlers: LaunchedKernelHandlers,
  ): Promise<LaunchedKernel> {
    const file = await writeConnectionFile(spec.name);
    const child = launchKernelProcess(spec, file.path, { cwd: options.cwd, env: options.env });
    return new LaunchedKernel(spec, child, file, options.logger, handlers);
  }

  /** Whether the process still runs. */
  get alive(): boolean {
    return this.child.exitCode === null && this.child.signalCode === null;
  }

  /** Whether `msgId` is a request of this object's own (start-up, request()). */
  isOwnRequest(msgId: string | null): boolean {
    return msgId !== null && this.ownRequests.has(msgId);
  }

  /** Sends a message; returns its header. */
  send(
    channel: SendChannel,
    type: string,
    content: unknown,
    parent?: MessageHeader,
  ): MessageHeader {
    return this.channels.send(channel, type, content, parent);
  }

  /** Sends a request and resolves with its reply; rejects after `timeoutMs` saying no `what`. */
  request(
    channel: SendChannel,
    type: string,
    timeoutMs: number,
    what: string,
    content: unknown = {},
  ): Promise<JupyterMessage> {
    const { msg_id } = this.send(channel, type, content);
    this.ownRequests.add(msg_id);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.replies.delete(msg_id);
        reject(
          kernelError('kernel-timeout', `no ${what} within ${timeoutMs} ms — restart the kernel`),
        );
      }, timeoutMs);
      this.replies.set(msg_id, (msg) => (clearTimeout(timer), resolve(msg)));
    });
  }

  /** Interrupts the running code as the spec asks: SIGINT, or interrupt_request on control. */
  async interrupt(): Promise<void> {
    if (this.spec.interruptMode === 'signal') {
      signalKernel(this.child, 'SIGINT');
      return;
    }
    await this.request('control', 'interrupt_request', INTERRUPT_TIMEOUT_MS, 'interrupt_reply');
  }

  /** Sends `signal` to the kernel's process group. */
  signal(signal: NodeJS.Signals): void {
    signalKernel(this.child, signal);
  }

  /**
   * Resolves with the kernel's kernel_info_reply once it answered on shell, every socket is
   * connected and IOPub is seen to be subscribed; rejects if it exits first or after `timeoutMs`.
   */
  waitUntilReady(timeoutMs: number): Promise<KernelInfoReplyContent> {
    return new Promise((resolve, reject) => {
      let info: KernelInfoReplyContent | null = null;
      let sawIopub = false;
      let connected = false;
      const finish = (error: Error | null) => {
        clearInterval(nudge);
        clearTimeout(timeout);
        this.onIopubSeen = null;
        this.child.off('exit', onExit);
        if (error) reject(error);
        else resolve(info!);
      };
      const check = () => info && sawIopub && connected && finish(null);
      void this.channels.connected.then(() => ((connected = true), check()));
      this.onIopubSeen = () => ((sawIopub = true), check());
      const ask = () => {
        const { msg_id } = this.send('shell', 'kernel_info_request', {});
        this.ownRequests.add(msg_id);
        this.replies.set(msg_id, (reply) => {
          info = reply.content as unknown as KernelInfoReplyContent;
          check();
        });
      };
      const onExit = () => finish(this.startFailure('exited'));
      this.child.once('exit', onExit);
      const nudge = setInterval(() => !sawIopub && ask(), NUDGE_INTERVAL_MS);
      const timeout = setTimeout(() => finish(this.startFailure(timeoutMs)), timeoutMs);
      ask();
    });
  }

  /** Watches the heartbeat: silent for `timeoutMs`, the kernel is taken for dead and killed. */
  startHeartbeat(timeoutMs: number): void {
    const { ip, hb_port } = this.file.info;
    this.heartbeat = new Heartbeat(
      `tcp://${ip}:${hb_port}`,
      (silentMs) => {
        if (this.expectedExit) return;
        this.deathReason = `the kernel stopped answering its heartbeat for ${silentMs / 1000} s`;
        this.signal('SIGKILL');
      },
      timeoutMs,
    );
  }

  /**
   * Stops the process: when `ask`, as jupyter_client does (interrupting it first if `interrupt`,
   * since a kernel busy running code exits at once only then; then shutdown_request, and SIGKILL
   * after SHUTDOWN_TIMEOUT_MS), else by SIGKILL at once. Resolves once it exited; close() then
   * releases the rest.
   */
  async stop(how: { ask: boolean; interrupt: boolean; restart: boolean }): Promise<void> {
    this.expectedExit = true;
    if (this.alive) {
      if (how.ask) {
        if (how.interrupt) {
          if (this.spec.interruptMode === 'signal') this.signal('SIGINT');
          else this.send('control', 'interrupt_request', {});
        }
        this.send('control', 'shutdown_request', { restart: how.restart });
      }
      const timer = setTimeout(() => this.signal('SIGKILL'), how.ask ? SHUTDOWN_TIMEOUT_MS : 0);
      await this.exited;
      clearTimeout(timer);
    }
  }

  /** Kills the process (if it still runs) and releases its sockets, heartbeat and file. */
  close(): void {
    this.signal('SIGKILL');
    this.heartbeat?.stop();
    this.channels.close();
    void this.file.remove().catch((e: unknown) =>
      this.logger('could not remove a connection file', {
        path: this.file.path,
        error: String(e),
      }),
    );
    this.replies.clear();
  }

  private receive(msg: JupyterMessage, handlers: LaunchedKernelHandlers): void {
    if (msg.channel === 'iopub') this.onIopubSeen?.();
    if (
      (msg.channel === 'shell' || msg.channel === 'control') &&
      msg.header.msg_type !== 'execute_reply'
    ) {
      const parent = parentId(msg);
      const waiter = parent ? this.replies.get(parent) : undefined;
      if (waiter) {
        this.replies.delete(parent!);
        waiter(msg);
        return;
      }
    }
    handlers.onMessage(this, msg);
    if (msg.header.msg_type === 'status' && msg.content.execution_state === 'idle') {
      this.ownRequests.delete(parentId(msg) ?? '');
    }
  }

  private startFailure(why: 'exited' | number): Error {
    const { displayName, argv } = this.spec;
    const command = argv.join(' ');
    if (why === 'exited') {
      return kernelError(
        'kernel-start-failed',
        `the ${displayName} kernel exited while starting — check that \`${command}\` works ` +
          `in a terminal. Its last output:\n${this.stderr.trim()}`,
      );
    }
    return kernelError(
      'kernel-timeout',
      `the ${displayName} kernel did not answer within ${why / 1000} s — ` +
        `restart it, or check \`${command}\` in a terminal`,
    );
  }
}
