// Completion and inspection (Tab, Shift-Tab) through the host, for this person's editors: only
// when their role may run code (the host and runners; REQUEST_RULES says the same at the host)
// and there is a kernel to answer. Otherwise Tab indents and sends nothing.
import { type KernelInfo, RUNTIME, runtimeOf } from '../../protocol/runtime-state';
import { can } from '../../protocol/roles';
import type { HubClient } from '../connection/hub-client';
import type { KernelHelp } from '../editor/kernel-help';
import { testEvent } from '../test-hook';
import type { Permissions } from './permissions';

/** True when the notebook's kernel is up (busy too: the request waits in its queue). */
function kernelUp(client: Pick<HubClient, 'doc'>): boolean {
  const kernel = runtimeOf(client.doc).get(RUNTIME.kernel) as KernelInfo | undefined;
  return kernel?.status === 'idle' || kernel?.status === 'busy';
}

/** Asks the host's kernel for this page, while its role allows it. */
export function kernelHelp(
  client: Pick<HubClient, 'request' | 'doc'>,
  permissions: Pick<Permissions, 'role'>,
): KernelHelp {
  return {
    allowed: () => can(permissions.role, 'run') && kernelUp(client),
    ask: async (question) => {
      if (!can(permissions.role, 'run')) return null;
      const { ok, code = null, message = null, result } = await client.request(question);
      testEvent({ type: 'reply', request: question.type, ok, code, message });
      return ok ? (result ?? null) : null;
    },
  };
}
