import { type Kernel as JupyterKernel, KernelMessage, KernelManager } from '@jupyterlab/services';
import type { ExecuteOptions, KernelStatus } from '../kernel';
import { KernelBase, type KernelBaseOptions, executeRequestContent } from '../kernel-base';
import { PairbookError } from '../../protocol/errors';
import type { JsonObject } from '../../protocol/python-json';
import { kernelError } from '../kernel-error';
import type {
  ExecuteReplyContent,
  InputRequestContent,
  JupyterMessage,
  KernelInfoReplyContent,
} from '../messages';
import {
  type JupyterServerAddress,
  describeJupyterServer,
  jupyterServerSettings,
  serverProblem,
} from './jupyter-server-address';

/** How long restart() waits for a restart the Jupyter server started on its own. */
export const SERVER_RESTART_TIMEOUT_MS = 60_000;

/** Options of a JupyterServerKernel. */
export interface JupyterServerKernelOptions extends JupyterServerAddress, KernelBaseOptions {
  /** Kernelspec name of the kernel to start; the server's default if absent. */
  kernelName?: string;
  /** Attach to this running kernel instead of starting one; shutdown() then only detaches. */
  kernelId?: string;
}

const STATUS: Record<JupyterKernel.Status, KernelStatus> = {
  unknown: 'starting',
  starting: 'starting',
  idle: 'idle',
  busy: 'busy',
  terminating: 'restarting',
  restarting: 'restarting',
  autorestarting: 'restarting',
  dead: 'dead',
};

/**
 * A kernel on a Jupyter server (or JupyterHub), reached through @jupyterlab/services over HTTP
 * and its WebSocket. Same Kernel contract as ZmqKernel; the server owns the process, so a kernel
 * started here is shut down by shutdown(), and one attached to (kernelId) is only left.
 */
export class JupyterServerKernel extends KernelBase {
  private manager: KernelManager | null = null;
  private connection: JupyterKernel.IKernelConnection | null = null;
  private starting: Promise<void> | null = null;
  private stopping: Promise<void> | null = null;
  private restarting = false;
  /** True from the server's 'autorestarting' until the kernel is back. */
  private serverAutorestarting = false;
  private stopped = false;

  constructor(private readonly options: JupyterServerKernelOptions) {
    super(options);
  }

  /** The server's id of the kernel, or null before start(). */
  get id(): string | null {
    return this.connection?.id ?? null;
  }

  /** @inheritdoc */
  start(): Promise<void> {
    this.starting ??= this.connect().catch((e: unknown) => {
      this.starting = null;
      this.setStatus('dead');
      throw e;
    });
    return this.starting;
  }

  /** @inheritdoc */
  async restart(): Promise<void> {
    const connection = this.connection;
    if (!connection) return this.start();
    const serverWasRestarting = this.serverAutorestarting;
    this.restarting = true;
    try {
      this.setStatus('restarting');
      await Promise.race([
        connection.restart(),
        new Promise((_, reject) =>
          setTimeout(() => reject(new Error('no answer')), SERVER_RESTART_TIMEOUT_MS),
        ),
      ]);
      this.kernelInfo = (await connection.info) as unknown as KernelInfoReplyContent;
    } catch (e) {
      // The server refuses a restart while it is restarting a dead kernel itself: that restart
      // is the one asked for, so wait for it instead of failing.
      if (!serverWasRestarting) throw this.serverError('restart the kernel', e);
      await this.untilServerRestarted(connection);
    } finally {
      this.restarting = false;
    }
  }

  // Resolves once the server's own restart brought the kernel back (idle), or throws after
  // SERVER_RESTART_TIMEOUT_MS.
  private async untilServerRestarted(connection: JupyterKernel.IKernelConnection): Promise<void> {
    const deadline = Date.now() + SERVER_RESTART_TIMEOUT_MS;
    while (connection.status !== 'idle' && connection.status !== 'busy') {
      if (Date.now() > deadline) {
        throw kernelError(
          'kernel-timeout',
          'the Jupyter server did not bring the kernel back — restart it from the server, or start a new one',
        );
      }
      await new Promise((r) => setTimeout(r, 100));
    }
    this.kernelInfo = (await connection.info) as unknown as KernelInfoReplyContent;
    this.setStatus('idle');
  }

  /** @inheritdoc */
  async interrupt(): Promise<void> {
    try {
      await this.connection?.interrupt();
    } catch (e) {
      throw this.serverError('interrupt the kernel', e);
    }
  }

  /** @inheritdoc */
  shutdown(): Promise<void> {
    this.stopping ??= (async () => {
      await this.starting?.catch(() => undefined); // a failed start leaves nothing to stop
      const connection = this.connection;
      this.stopped = true;
      try {
        if (connection && !this.options.kernelId && !connection.isDisposed)
          await connection.shutdown();
      } catch (e) {
        this.logger('could not shut the kernel down on the server', {
          kernel: connection?.id,
          error: String(e),
        });
      } finally {
        connection?.dispose();
        this.manager?.dispose();
        this.connection = null;
        this.manager = null;
        this.starting = null;
        this.stopping = null;
        this.setStatus('dead');
      }
    })();
    return this.stopping;
  }

  /** @inheritdoc */
  async execute(code: string, options: ExecuteOptions = {}): Promise<ExecuteReplyContent> {
    const connection = this.connection;
    if (!connection || this.status === 'dead') throw this.notRunning();
    if (options.signal?.aborted) throw options.signal.reason;
    const future = connection.requestExecute(executeRequestContent(code, options));
    future.onIOPub = (msg) => options.onIopub?.(msg as unknown as JupyterMessage);
    future.onStdin = (msg) => {
      if (!KernelMessage.isInputRequestMsg(msg)) return;
      void this.answerInput(msg.content as InputRequestContent, options, {
        send: (value) => future.sendInputReply({ status: 'ok', value }, msg.header),
      });
    };
    const detach = this.interruptOnAbort(options.signal);
    try {
      const reply = await future.done;
      return reply.content as unknown as ExecuteReplyContent;
    } catch (e) {
      throw kernelError(
        'kernel-dead',
        `the kernel stopped before this execution finished (${serverProblem(this.options, e)}) — run it again`,
      );
    } finally {
      detach();
    }
  }

  protected async shellRequest(
    type: 'complete_request' | 'inspect_request',
    content: JsonObject,
    timeoutMs: number,
  ): Promise<unknown> {
    const connection = this.connection;
    if (!connection || this.status === 'dead') throw this.notRunning();
    const request =
      type === 'complete_request'
        ? connection.requestComplete(content as { code: string; cursor_pos: number })
        : connection.requestInspect(
            content as { code: string; cursor_pos: number; detail_level: 0 | 1 },
          );
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () =>
          reject(
            kernelError(
              'kernel-timeout',
              `no ${type.replace('_request', '_reply')} within ${timeoutMs} ms — the kernel may be busy running a cell`,
            ),
          ),
        timeoutMs,
      );
    });
    try {
      return (await Promise.race([request, timeout])).content;
    } catch (e) {
      if (e instanceof PairbookError) throw e;
      throw this.serverError(type.replace('_request', ''), e);
    } finally {
      clearTimeout(timer);
    }
  }

  private async connect(): Promise<void> {
    this.stopped = false;
    this.setStatus('starting');
    const manager = new KernelManager({ serverSettings: jupyterServerSettings(this.options) });
    this.manager = manager;
    let connection: JupyterKernel.IKernelConnection;
    try {
      await manager.ready;
      connection = this.options.kernelId
        ? manager.connectTo({
            model: { id: this.options.kernelId, name: this.options.kernelName ?? '' },
          })
        : await manager.startNew(this.options.kernelName ? { name: this.options.kernelName } : {});
      this.connection = connection;
      connection.statusChanged.connect((_, status) => this.onStatus(status));
      connection.connectionStatusChanged.connect((_, status) => {
        if (status === 'disconnected' && !this.stopped)
          this.die('lost the connection to the Jupyter server');
      });
      connection.iopubMessage.connect((_, msg) =>
        this.events.emit('iopub', msg as unknown as JupyterMessage),
      );
      this.kernelInfo = (await connection.info) as unknown as KernelInfoReplyContent;
    } catch (e) {
      manager.dispose();
      throw this.serverError('start a kernel', e);
    }
    this.onStatus(connection.status);
  }

  private onStatus(status: JupyterKernel.Status): void {
    if (this.stopped) return;
    this.serverAutorestarting =
      status === 'autorestarting' ||
      (this.serverAutorestarting && status !== 'idle' && status !== 'busy');
    if (status === 'autorestarting') this.die('the kernel died; the Jupyter server restarts it');
    else if (status === 'dead' && !this.restarting)
      this.die('the Jupyter server reports the kernel dead');
    if (status === 'unknown' && this.status !== 'starting') return;
    this.setStatus(STATUS[status]);
  }

  private die(reason: string): void {
    if (this.status !== 'dead') this.died(reason);
  }

  protected context(): Record<string, unknown> {
    return { kernel: this.connection?.id };
  }

  private serverError(what: string, e: unknown) {
    return kernelError(
      'kernel-server-error',
      `could not ${what} on the Jupyter server at ${describeJupyterServer(this.options)} ` +
        `(${serverProblem(this.options, e)}) — check the URL, the token and that the server runs`,
    );
  }
}
