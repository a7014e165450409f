// The session's handler for each kind of request (the router checks each against its rule in
// protocol/requests.ts first).
import type { Kernel } from '../../kernel-bridge';
import { PairbookError } from '../../protocol/errors';
import type { RequestResult } from '../../protocol/hub-messages';
import type { NotebookKernel } from './notebook-kernel';
import type { InputPrompts } from './input-prompts';
import { completeWith, inspectWith } from './kernel-queries';
import type { RequestHandlers, RequestSender } from './request-router';
import type { SessionTimeline } from './timeline';
import type { RequestOutcome } from './sync-client';

/** What the handlers need of a session. */
export interface RequestTarget {
  readonly name: string;
  readonly kernels: NotebookKernel;
  readonly prompts: InputPrompts;
  /** Every accepted change, who made it and when (timeline.ts). */
  readonly timeline: SessionTimeline | null;
  save(options: { force?: boolean }): Promise<void>;
  reload(): Promise<void>;
  /** Takes the kernels from the Jupyter server at `url` (null: this machine). */
  useKernelServer(url: string | null, token: string): Promise<void>;
  /** Tells the host's own windows that the file changed on disk, so they can choose. */
  askHostsAboutChangedFile(error: PairbookError): void;
}

/** The handlers of `session`'s requests. */
export function sessionRequests(session: RequestTarget): RequestHandlers {
  const ok = async (work: Promise<unknown>): Promise<RequestOutcome> => {
    await work;
    return { ok: true };
  };
  const withQueue = async (
    use: (queue: NonNullable<NotebookKernel['execution']>) => unknown,
  ): Promise<RequestOutcome> => {
    const queue = session.kernels.execution;
    if (!queue) return { ok: false, code: 'no-kernel', message: session.kernels.unavailable };
    await use(queue);
    return { ok: true };
  };
  return {
    run: (r, from) =>
      withQueue((q) =>
        q.enqueue(
          r.cellIds,
          r.digests,
          session.prompts.requester(from, () => session.kernels.execution?.runningCellId ?? ''),
        ),
      ),
    interrupt: () => withQueue((q) => q.interrupt()),
    restart: () => withQueue((q) => q.restart()),
    save: (r, from) => save(session, from, r.force ?? false),
    reload: () => ok(session.reload()),
    'change-kernel': (r) => ok(session.kernels.change(r.name)),
    'kernel-server': (r) => ok(session.useKernelServer(r.url, r.token)),
    'input-reply': async (r, from) => session.prompts.answer(r.inputId, r.value, from.transport),
    complete: (r) => withKernel(session, (k) => completeWith(k, r.code, r.cursor)),
    inspect: (r) => withKernel(session, (k) => inspectWith(k, r.code, r.cursor, r.detail)),
    'timeline-steps': (r, from) => timeline(session, r, from),
    'timeline-view': (r, from) => timeline(session, r, from),
    'timeline-diff': (r, from) => timeline(session, r, from),
    'timeline-blame': (r, from) => timeline(session, r, from),
    'timeline-restore': (r, from) => timeline(session, r, from),
    'timeline-clear': (r, from) => timeline(session, r, from),
  };
}

// A completion or inspection, from the notebook's kernel when there is one.
async function withKernel(
  session: RequestTarget,
  ask: (kernel: Kernel) => Promise<RequestResult>,
): Promise<RequestOutcome> {
  const queue = session.kernels.execution;
  if (!queue) return { ok: false, code: 'no-kernel', message: session.kernels.unavailable };
  return { ok: true, result: await ask(queue.kernel) };
}

// A timeline request; a restore or clear is by the sender as the session knows them.
async function timeline(
  session: RequestTarget,
  request: Parameters<SessionTimeline['answer']>[0],
  from: RequestSender,
): Promise<RequestOutcome> {
  const recorded = session.timeline;
  if (!recorded) {
    const message = 'this session keeps no timeline (the host did not turn it on)';
    return { ok: false, code: 'not-allowed', message };
  }
  const author = { name: from.name, peer: from.peer ?? 'host' };
  const busy = recorded.busy(request, author);
  if (busy) return { ok: false, code: 'rate-limited', message: busy };
  return { ok: true, result: recorded.answer(request, author) };
}

// A guest's save that finds the file changed gets told the host decides; the host is asked.
async function save(
  session: RequestTarget,
  from: RequestSender,
  force: boolean,
): Promise<RequestOutcome> {
  try {
    await session.save({ force });
    return { ok: true };
  } catch (e) {
    if (!(e instanceof PairbookError) || e.code !== 'file-changed') throw e;
    // The host's windows are asked once per version of the file: an autosave finding the same
    // change later asks no more.
    session.askHostsAboutChangedFile(e);
    if (from.role === 'host') throw e;
    return {
      ok: false,
      code: 'file-changed',
      message:
        `${session.name} changed on disk since the host opened it; your edits are kept — the ` +
        'host decides whether to overwrite the file or load it from disk',
    };
  }
}
