import { askForInput } from './ask-for-input';
import {
  type ExecuteOptions,
  INPUT_TIMEOUT_MS,
  type Kernel,
  type KernelEvents,
  type KernelLogger,
  type KernelStatus,
  SHELL_REQUEST_TIMEOUT_MS,
  consoleLogger,
} from './kernel';
import { kernelError } from './kernel-error';
import type {
  CompleteReplyContent,
  ExecuteReplyContent,
  ExecuteRequestContent,
  InputRequestContent,
  InspectReplyContent,
  KernelInfoReplyContent,
} from './messages';
import { completeReply, inspectReply } from './shell-replies';
import { TypedEmitter } from './typed-emitter';
import type { JsonObject } from '../protocol/python-json';

/** Options every backend takes. */
export interface KernelBaseOptions {
  /** Where dropped messages and other anomalies go; default console.warn. */
  logger?: KernelLogger;
  /** Default for ExecuteOptions.inputTimeoutMs; default INPUT_TIMEOUT_MS. */
  inputTimeoutMs?: number;
}

/** How a backend answers one input_request: `send` the value, unless the request is `stale`. */
export interface InputReply {
  send(value: string): void;
  /** True when the kernel that asked is gone (replaced or stopped): nothing is sent then. */
  stale?(): boolean;
}

/**
 * What every Kernel has whatever its transport: the status and its event, kernel_info, the
 * event listeners, the logger, the execute_request a call to execute() means, and answering
 * `input()`. A backend (ZmqKernel, JupyterServerKernel) keeps only its transport and lifecycle,
 * and reports through setStatus(), died() and `events`.
 */
export abstract class KernelBase implements Kernel {
  protected readonly events = new TypedEmitter<KernelEvents>();
  protected readonly logger: KernelLogger;
  /** The running kernel's kernel_info_reply; set by the backend once it answered. */
  protected kernelInfo: KernelInfoReplyContent | null = null;
  private currentStatus: KernelStatus = 'dead';

  protected constructor(private readonly baseOptions: KernelBaseOptions) {
    this.logger = baseOptions.logger ?? consoleLogger;
  }

  /** @inheritdoc */
  get status(): KernelStatus {
    return this.currentStatus;
  }

  /** @inheritdoc */
  get info(): KernelInfoReplyContent | null {
    return this.kernelInfo;
  }

  /** @inheritdoc */
  on<K extends keyof KernelEvents>(name: K, listener: KernelEvents[K]): () => void {
    return this.events.on(name, listener);
  }

  abstract start(): Promise<void>;
  abstract execute(code: string, options?: ExecuteOptions): Promise<ExecuteReplyContent>;
  abstract interrupt(): Promise<void>;
  abstract restart(): Promise<void>;
  abstract shutdown(): Promise<void>;

  /** Who this kernel is, for the logger. */
  protected abstract context(): Record<string, unknown>;

  /**
   * Sends a shell request that changes nothing (complete, inspect) and resolves with its reply's
   * content, unchecked; rejects with a PairbookError when no kernel runs or after `timeoutMs`.
   */
  protected abstract shellRequest(
    type: 'complete_request' | 'inspect_request',
    content: JsonObject,
    timeoutMs: number,
  ): Promise<unknown>;

  /** @inheritdoc */
  async complete(code: string, cursorPos: number): Promise<CompleteReplyContent> {
    const content = { code, cursor_pos: cursorPos };
    const raw = await this.shellRequest('complete_request', content, SHELL_REQUEST_TIMEOUT_MS);
    return completeReply(raw, cursorPos, [...code].length);
  }

  /** @inheritdoc */
  async inspect(code: string, cursorPos: number, detailLevel: 0 | 1): Promise<InspectReplyContent> {
    const content = { code, cursor_pos: cursorPos, detail_level: detailLevel };
    return inspectReply(
      await this.shellRequest('inspect_request', content, SHELL_REQUEST_TIMEOUT_MS),
    );
  }

  /** Changes the status, telling the listeners when it is a change. */
  protected setStatus(status: KernelStatus): void {
    if (status === this.currentStatus) return;
    this.currentStatus = status;
    this.events.emit('status', status);
  }

  /** The kernel died without being asked to: status 'dead', then the 'died' event. */
  protected died(reason: string): void {
    this.setStatus('dead');
    this.events.emit('died', reason);
  }

  /** What execute() rejects with when no kernel runs. */
  protected notRunning(): Error {
    return kernelError(
      'kernel-dead',
      'the kernel is not running — start or restart it, then run again',
    );
  }

  /**
   * Interrupts the kernel when `signal` aborts, until the returned function is called. A failed
   * interrupt is logged: the execution still ends, with whatever reply the kernel gives.
   */
  protected interruptOnAbort(signal: AbortSignal | undefined): () => void {
    if (!signal) return () => undefined;
    const onAbort = () =>
      void this.interrupt().catch((e: unknown) =>
        this.logger('could not interrupt on abort', { ...this.context(), error: String(e) }),
      );
    signal.addEventListener('abort', onAbort, { once: true });
    return () => signal.removeEventListener('abort', onAbort);
  }

  /**
   * Answers an input_request of the execution run with `options`: with what its onInputRequest
   * gives, or, when it refuses or is too slow (ExecuteOptions.inputTimeoutMs), by interrupting the
   * kernel, which would otherwise wait for ever.
   */
  protected async answerInput(
    request: InputRequestContent,
    options: ExecuteOptions | undefined,
    reply: InputReply,
  ): Promise<void> {
    const outcome = await askForInput(request, options?.onInputRequest, {
      timeoutMs: options?.inputTimeoutMs ?? this.baseOptions.inputTimeoutMs ?? INPUT_TIMEOUT_MS,
      signal: options?.signal,
    });
    if (reply.stale?.()) return;
    if (outcome.answered) {
      reply.send(outcome.value);
      return;
    }
    this.logger(`interrupting the kernel: input() got no answer (${outcome.reason})`, {
      ...this.context(),
      prompt: request.prompt,
    });
    await this.interrupt();
  }
}

/** The execute_request content of execute(`code`, `options`). */
export function executeRequestContent(
  code: string,
  options: ExecuteOptions,
): ExecuteRequestContent {
  return {
    code,
    silent: options.silent ?? false,
    store_history: options.storeHistory ?? true,
    user_expressions: {},
    allow_stdin: options.onInputRequest !== undefined,
    stop_on_error: options.stopOnError ?? true,
  };
}
