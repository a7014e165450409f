// Who may do what in a shared session (docs/architecture.md). Enforced by the host's hub on every
// message it receives; the UI only mirrors it.

/** A participant's role. `host` is the person sharing; guests hold one of the other three. */
export type Role = 'viewer' | 'editor' | 'runner' | 'host';

/** Roles an invite or a guest can have. */
export const GUEST_ROLES = ['viewer', 'editor', 'runner'] as const;
/** A guest's role. */
export type GuestRole = (typeof GUEST_ROLES)[number];

/** Something a participant may try. `run` covers run, interrupt and restart. */
export type Action = 'view' | 'edit' | 'save' | 'run' | 'manage';

const TABLE: Record<Role, ReadonlySet<Action>> = {
  viewer: new Set(['view']),
  editor: new Set(['view', 'edit', 'save']),
  runner: new Set(['view', 'edit', 'save', 'run']),
  host: new Set(['view', 'edit', 'save', 'run', 'manage']),
};

/** True when `role` allows `action`. */
export function can(role: Role, action: Action): boolean {
  return TABLE[role].has(action);
}

/** True when `value` names a guest role. */
export function isGuestRole(value: unknown): value is GuestRole {
  return typeof value === 'string' && (GUEST_ROLES as readonly string[]).includes(value);
}

/** What a role allows, in words for notices ("view", "view and edit", ...). */
export function describeRole(role: Role): string {
  switch (role) {
    case 'viewer':
      return 'a viewer: you can read the notebook but not change or run it';
    case 'editor':
      return 'an editor: you can edit the notebook but not run cells';
    case 'runner':
      return 'a runner: you can edit the notebook and run cells on the host';
    case 'host':
      return 'the host';
  }
}
