// What each kind of request needs of its sender's role: one table, read by the host's hub (the
// role guard refuses a guest first) and by the session's request router (the second line, which
// also serves the host's own windows). A request kind added to ClientRequest must be added here,
// and to the router's table, or the project does not type-check.
import type { ClientRequest } from './hub-messages';
import { type Action, type GuestRole, describeRole } from './roles';

/** The kinds of request a client may send. */
export type RequestKind = ClientRequest['type'];

/** The request of kind `K`. */
export type RequestOf<K extends RequestKind> = Extract<ClientRequest, { type: K }>;

interface Rule<K extends RequestKind> {
  /** What the sender's role must allow; null: anyone may send it. */
  needs: Action | null | ((request: RequestOf<K>) => Action | null);
  /** Whom to ask, or what only the host may do, when a role lacks `needs`. */
  refused: string;
}

const RUNNER = 'ask the host for the runner role';

/**
 * Running, interrupting, restarting and changing the kernel need 'run'; overwriting a file that
 * changed on disk, reloading it and choosing where kernels run need 'manage' (the host's file,
 * the host's decision where code runs).
 */
export const REQUEST_RULES: { readonly [K in RequestKind]: Rule<K> } = {
  run: { needs: 'run', refused: RUNNER },
  interrupt: { needs: 'run', refused: RUNNER },
  restart: { needs: 'run', refused: RUNNER },
  'change-kernel': { needs: 'run', refused: `${RUNNER} to change the kernel` },
  save: {
    needs: (r) => (r.force ? 'manage' : 'save'),
    refused: 'only the host can overwrite the file on disk',
  },
  reload: { needs: 'manage', refused: 'only the host can load the file from disk' },
  'kernel-server': { needs: 'manage', refused: 'only the host chooses where the kernel runs' },
  'input-reply': { needs: null, refused: '' },
  // The kernel evaluates code to complete or inspect it: as much the run permission as a run.
  complete: { needs: 'run', refused: `${RUNNER} to complete from the kernel` },
  inspect: { needs: 'run', refused: `${RUNNER} to look names up in the kernel` },
  // Anyone in the session may browse the timeline; a restore is an edit; clearing is the host's.
  'timeline-steps': { needs: 'view', refused: '' },
  'timeline-view': { needs: 'view', refused: '' },
  'timeline-diff': { needs: 'view', refused: '' },
  'timeline-blame': { needs: 'view', refused: '' },
  'timeline-restore': { needs: 'edit', refused: 'ask the host for the editor role' },
  'timeline-clear': { needs: 'manage', refused: 'only the host can clear the timeline' },
};

/** What a role must allow for `request`, or null when anyone may send it. */
export function requiredAction(request: ClientRequest): Action | null {
  const rule = REQUEST_RULES[request.type] as Rule<typeof request.type>;
  return typeof rule.needs === 'function' ? rule.needs(request as never) : rule.needs;
}

/** Why `role` may not send `request`, in words that say whom to ask. */
export function refusal(request: ClientRequest, role: GuestRole): string {
  const you = `You are ${describeRole(role)}`;
  const needs = requiredAction(request);
  if (needs === 'save' || needs === 'edit') return `${you}; ask the host for the editor role`;
  return `${you}; ${REQUEST_RULES[request.type].refused}`;
}
