// How the app tells this person something, and asks the host for something: a refused request
// is said in a toast with the host's reason.
import type { Toasts } from '../chrome/toasts';
import type { HubClient, RequestBody } from '../connection/hub-client';
import { testEvent } from '../test-hook';

/** Toasts, and requests whose refusal is a toast. */
export class Feedback {
  constructor(
    readonly toasts: Toasts,
    private readonly client: Pick<HubClient, 'request'>,
  ) {}

  /** A toast, recorded for the end-to-end tests. */
  say = (message: string, level: 'info' | 'warning' | 'error' = 'info'): void => {
    this.toasts.show(message, level);
    testEvent({ type: 'toast', message, level });
  };

  /** Sends `body`; if refused, says "`what`: the host's reason". True when done. */
  request = async (what: string, body: RequestBody): Promise<boolean> => {
    const reply = await this.client.request(body);
    testEvent({ type: 'reply', request: body.type, ok: reply.ok, message: reply.message ?? null });
    if (!reply.ok)
      this.toasts.show(`${what}: ${reply.message ?? 'refused by the host'}`, 'warning');
    return reply.ok;
  };
}
