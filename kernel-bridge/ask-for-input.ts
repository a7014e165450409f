import type { InputRequestHandler } from './kernel';
import type { InputRequestContent } from './messages';

/** What became of a prompt: the answer, or why there is none (the caller then interrupts). */
export type InputOutcome = { answered: true; value: string } | { answered: false; reason: string };

/**
 * Asks `handler` to answer `request` and never waits longer than `timeoutMs` or past `signal`.
 * The handler's own signal aborts when the wait ends without an answer, so a prompt UI can close.
 */
export async function askForInput(
  request: InputRequestContent,
  handler: InputRequestHandler | undefined,
  options: { timeoutMs: number; signal?: AbortSignal },
): Promise<InputOutcome> {
  if (!handler) return { answered: false, reason: 'nobody can answer input() here' };
  const stop = new AbortController();
  let timer: NodeJS.Timeout | undefined;
  const stopped = new Promise<InputOutcome>((resolve) => {
    const end = (reason: string) => {
      stop.abort(new Error(reason));
      resolve({ answered: false, reason });
    };
    timer = setTimeout(end, options.timeoutMs, `no answer within ${options.timeoutMs} ms`);
    if (options.signal?.aborted) end('the execution was aborted');
    options.signal?.addEventListener('abort', () => end('the execution was aborted'), {
      once: true,
      signal: stop.signal,
    });
  });
  const asked = Promise.resolve()
    .then(() => handler(request, stop.signal))
    .then(
      (value): InputOutcome => ({ answered: true, value: String(value) }),
      (e: unknown): InputOutcome => ({
        answered: false,
        reason: `the prompt failed: ${e instanceof Error ? e.message : String(e)}`,
      }),
    );
  try {
    return await Promise.race([asked, stopped]);
  } finally {
    clearTimeout(timer);
    if (!stop.signal.aborted) stop.abort(new Error('answered'));
  }
}
