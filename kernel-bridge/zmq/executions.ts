import type { ExecuteOptions } from '../kernel';
import { kernelError } from '../kernel-error';
import type { ExecuteReplyContent, ExecuteRequestContent, JupyterMessage } from '../messages';

/**
 * How long after an execution's execute_reply we wait for its 'idle' status (or the other way
 * round), counted from its last output, before finishing it anyway (as 'aborted' if no reply).
 */
export const FINISH_GRACE_MS = 10_000;

interface Execution {
  options: ExecuteOptions;
  content: ExecuteRequestContent;
  /** Sent with no other execution pending, and not yet sent again (see reply()). */
  resendIfAborted: boolean;
  reply: ExecuteReplyContent | null;
  idle: boolean;
  idleTimer: NodeJS.Timeout | undefined;
  resolve: (reply: ExecuteReplyContent) => void;
  reject: (error: Error) => void;
}

/** What Executions needs from the kernel around it. */
export interface ExecutionsHost {
  /** Sends `content` as a new execute_request; returns its msg_id. */
  send(content: ExecuteRequestContent): string;
  /** Reports an anomaly (the kernel's logger, with its context). */
  log(message: string, context: Record<string, unknown>): void;
}

/**
 * The execute_requests sent and not finished yet, by msg_id. An execution finishes when both its
 * execute_reply (shell) and its 'idle' status (IOPub) came, which travel on different sockets and
 * so in either order: then every output was delivered to its onIopub.
 */
export class Executions {
  private readonly pending = new Map<string, Execution>();

  constructor(private readonly host: ExecutionsHost) {}

  /** How many executions are unfinished. */
  get size(): number {
    return this.pending.size;
  }

  /** Sends `content`; resolves with its reply once finished, rejects by rejectAll(). */
  run(content: ExecuteRequestContent, options: ExecuteOptions): Promise<ExecuteReplyContent> {
    return new Promise((resolve, reject) => {
      const resendIfAborted = this.pending.size === 0;
      this.pending.set(this.host.send(content), {
        options,
        content,
        resendIfAborted,
        reply: null,
        idle: false,
        idleTimer: undefined,
        resolve,
        reject,
      });
    });
  }

  /** The options of the execution `msgId`, if it is unfinished. */
  options(msgId: string | null): ExecuteOptions | undefined {
    return msgId ? this.pending.get(msgId)?.options : undefined;
  }

  /** An IOPub message whose parent is `msgId`: delivered to its execution, if unfinished. */
  output(msgId: string | null, msg: JupyterMessage): void {
    const execution = msgId ? this.pending.get(msgId) : undefined;
    if (!execution) return;
    execution.options.onIopub?.(msg);
    execution.idleTimer?.refresh();
  }

  /** The kernel went idle after `msgId`. */
  idle(msgId: string | null): void {
    const execution = msgId ? this.pending.get(msgId) : undefined;
    if (!execution) return;
    execution.idle = true;
    this.settle(msgId!, execution);
  }

  /** The execute_reply of `msgId`; false if it is none of ours. */
  reply(msgId: string | null, reply: ExecuteReplyContent): boolean {
    const execution = msgId ? this.pending.get(msgId) : undefined;
    if (!execution) return false;
    if (reply.status === 'aborted' && execution.resendIfAborted) {
      this.resend(msgId!, execution);
      return true;
    }
    execution.reply = reply;
    this.settle(msgId!, execution);
    return true;
  }

  /** Rejects every unfinished execution with a 'kernel-dead' error saying `reason`. */
  rejectAll(reason: string): void {
    for (const [id, execution] of this.pending) {
      clearTimeout(execution.idleTimer);
      execution.reject(kernelError('kernel-dead', reason));
      this.pending.delete(id);
    }
  }

  /**
   * After a cell fails, ipykernel aborts every execute_request that reaches it before its queue
   * is flushed, meaning requests already waiting behind the failed one. One sent after we saw
   * that cell end, with nothing else pending, can still land in that window (a few ms; longer
   * while the cell's threads hold the GIL) and would do nothing. Sent again, it lands after the
   * flush.
   */
  private resend(abortedId: string, execution: Execution): void {
    this.pending.delete(abortedId);
    clearTimeout(execution.idleTimer);
    execution.idleTimer = undefined;
    execution.idle = false;
    execution.resendIfAborted = false;
    this.host.log(
      'the kernel aborted a request sent after the previous cell ended; sending it again',
      { msgId: abortedId },
    );
    this.pending.set(this.host.send(execution.content), execution);
  }

  private settle(msgId: string, execution: Execution): void {
    if (execution.reply && execution.idle) {
      clearTimeout(execution.idleTimer);
      this.pending.delete(msgId);
      execution.resolve(execution.reply);
      return;
    }
    // A lost idle, or a reply ipykernel never sends (an interrupt that lands before the user's
    // code runs is swallowed by its dispatcher), must not hang the caller.
    execution.idleTimer ??= setTimeout(() => {
      this.host.log(
        `no ${execution.reply ? 'idle status' : 'execute_reply'} for an execution; finishing it`,
        { msgId },
      );
      execution.idle = true;
      execution.reply ??= { status: 'aborted', execution_count: null };
      this.settle(msgId, execution);
    }, FINISH_GRACE_MS);
  }
}
