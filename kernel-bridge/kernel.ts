import type {
  CompleteReplyContent,
  ExecuteReplyContent,
  InspectReplyContent,
  InputRequestContent,
  JupyterMessage,
  KernelInfoReplyContent,
} from './messages';

/**
 * Lifecycle and execution state of a kernel: 'starting' until it answered kernel_info, then
 * 'idle'/'busy' as it publishes, 'restarting' during restart(), 'dead' after it died or shutdown().
 */
export type KernelStatus = 'starting' | 'idle' | 'busy' | 'restarting' | 'dead';

/** Events of a Kernel; listeners survive restart(). */
export type KernelEvents = {
  /** The status changed. */
  status: (status: KernelStatus) => void;
  /** The kernel died without being asked to (process exit, missed heartbeats, server said so). */
  died: (reason: string) => void;
  /** Every IOPub message, whatever request it answers (e.g. update_display_data of another cell). */
  iopub: (msg: JupyterMessage) => void;
};

/** Answers an `input()` prompt; `signal` aborts when the kernel stops waiting (timeout, abort). */
export type InputRequestHandler = (
  request: InputRequestContent,
  signal: AbortSignal,
) => Promise<string>;

/** How long complete() and inspect() wait for the kernel's reply (a long cell holds it up). */
export const SHELL_REQUEST_TIMEOUT_MS = 30_000;

/** How long a prompt may wait for its answer before the kernel is interrupted, by default. */
export const INPUT_TIMEOUT_MS = 5 * 60 * 1000;

/** Options of one execute(). */
export interface ExecuteOptions {
  /** Every IOPub message whose parent is this request, in order, until it finished. */
  onIopub?: (msg: JupyterMessage) => void;
  /**
   * Answers `input()`. Without it the request says `allow_stdin: false` and `input()` raises in
   * the kernel. If it rejects, or `inputTimeoutMs` passes, the kernel is interrupted.
   */
  onInputRequest?: InputRequestHandler;
  /** Aborting interrupts the kernel; the promise still settles with the (interrupted) reply. */
  signal?: AbortSignal;
  /** Default INPUT_TIMEOUT_MS (or the kernel's own option). */
  inputTimeoutMs?: number;
  /** Default false: run without history, outputs or execution count. */
  silent?: boolean;
  /** Default true. */
  storeHistory?: boolean;
  /** Default true: abort the requests queued behind this one if it fails. */
  stopOnError?: boolean;
}

/**
 * One kernel, whatever the backend (ZmqKernel launches one; JupyterServerKernel reaches one on a
 * Jupyter server). start() and shutdown() are memoized and idempotent; restart() keeps this object
 * and its listeners.
 */
export interface Kernel {
  /** Current status; see the 'status' event. */
  readonly status: KernelStatus;
  /** The kernel_info_reply of the running kernel, or null before it started. */
  readonly info: KernelInfoReplyContent | null;
  /** Starts (or attaches to) the kernel and resolves once it answers; rejects with a PairbookError. */
  start(): Promise<void>;
  /**
   * Runs `code`. Resolves with the execute_reply once the reply and the kernel's return to idle
   * for this request were both received, so every output has been delivered to `onIopub` by then.
   * Rejects with a PairbookError if the kernel dies, restarts or shuts down first.
   */
  execute(code: string, options?: ExecuteOptions): Promise<ExecuteReplyContent>;
  /**
   * Asks the kernel what could complete `code` at `cursorPos` (in Unicode code points). Waits
   * behind a running cell, as Jupyter does; rejects with a PairbookError after
   * SHELL_REQUEST_TIMEOUT_MS, or if no kernel runs.
   */
  complete(code: string, cursorPos: number): Promise<CompleteReplyContent>;
  /** Asks the kernel about the name at `cursorPos` (signature, docstring); as complete(). */
  inspect(code: string, cursorPos: number, detailLevel: 0 | 1): Promise<InspectReplyContent>;
  /** Interrupts the running code (SIGINT or interrupt_request, as the kernel asks). */
  interrupt(): Promise<void>;
  /** Replaces the kernel process by a new one; pending executes reject. */
  restart(): Promise<void>;
  /** Stops the kernel (asks, then kills); idempotent. Status becomes 'dead', no 'died' event. */
  shutdown(): Promise<void>;
  /** Subscribes to an event; returns the unsubscribe function. */
  on<K extends keyof KernelEvents>(name: K, listener: KernelEvents[K]): () => void;
}

/** Where a backend reports what it drops or cannot do; `context` says which kernel and message. */
export type KernelLogger = (message: string, context: Record<string, unknown>) => void;

/** The default KernelLogger: console.warn. */
export const consoleLogger: KernelLogger = (message, context) =>
  console.warn(`pairbook kernel: ${message}`, context);
