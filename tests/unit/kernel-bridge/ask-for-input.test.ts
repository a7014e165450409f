import { describe, expect, it } from 'vitest';
import { askForInput } from '../../../kernel-bridge/ask-for-input';

const request = { prompt: 'name? ', password: false };

describe('askForInput', () => {
  it('returns the answer of the handler', async () => {
    const outcome = await askForInput(request, async (r) => `bob (${r.prompt})`, {
      timeoutMs: 1000,
    });
    expect(outcome).toEqual({ answered: true, value: 'bob (name? )' });
  });

  it('gives up when the handler rejects', async () => {
    const outcome = await askForInput(request, () => Promise.reject(new Error('closed')), {
      timeoutMs: 1000,
    });
    expect(outcome).toEqual({ answered: false, reason: 'the prompt failed: closed' });
  });

  it('gives up after the timeout and aborts the signal it gave the handler', async () => {
    let handlerSignal: AbortSignal | undefined;
    const outcome = await askForInput(
      request,
      (_r, signal) => ((handlerSignal = signal), new Promise(() => undefined)),
      { timeoutMs: 20 },
    );
    expect(outcome).toEqual({ answered: false, reason: 'no answer within 20 ms' });
    expect(handlerSignal?.aborted).toBe(true);
  });

  it('gives up when the execution is aborted', async () => {
    const abort = new AbortController();
    const pending = askForInput(request, () => new Promise(() => undefined), {
      timeoutMs: 60_000,
      signal: abort.signal,
    });
    abort.abort();
    expect(await pending).toEqual({ answered: false, reason: 'the execution was aborted' });
  });

  it('gives up at once without a handler', async () => {
    expect((await askForInput(request, undefined, { timeoutMs: 1000 })).answered).toBe(false);
  });
});
