// A client's request, to the handler of its kind: one table of handlers, beside protocol/requests'
// table of what each kind needs. The hub's guard refuses a guest first; the router checks again,
// for every client (the host's own windows included), so that a request kind cannot be routed
// without its rule, nor a rule exist without its handler (both tables are complete by type).
import type { ClientRequest } from '../../protocol/hub-messages';
import { type RequestKind, type RequestOf, refusal, requiredAction } from '../../protocol/requests';
import { type Role, can } from '../../protocol/roles';
import type { Asker } from './input-prompts';
import type { RequestOutcome } from './sync-client';

/** Who sent a request: as for a run's prompts (input-prompts.ts), and their role now. */
export interface RequestSender extends Asker {
  role: Role;
}

/** The handler of each request kind, given the request and its sender. */
export type RequestHandlers = {
  readonly [K in RequestKind]: (
    request: RequestOf<K>,
    from: RequestSender,
  ) => Promise<RequestOutcome>;
};

/** Checks `request` against its rule for `from.role`, then hands it to its handler. */
export function routeRequest(
  handlers: RequestHandlers,
  request: ClientRequest,
  from: RequestSender,
): Promise<RequestOutcome> {
  const needs = requiredAction(request);
  // The host may do anything: only a guest is refused.
  if (needs !== null && from.role !== 'host' && !can(from.role, needs)) {
    const message = refusal(request, from.role);
    return Promise.resolve({ ok: false, code: 'not-allowed', message });
  }
  const handle = handlers[request.type] as (
    r: ClientRequest,
    f: RequestSender,
  ) => Promise<RequestOutcome>;
  return handle(request, from);
}
