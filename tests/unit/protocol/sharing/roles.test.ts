import { describe, expect, it } from 'vitest';
import { type Action, type Role, can } from '../../../../protocol/roles';

const table: [Role, Record<Action, boolean>][] = [
  ['viewer', { view: true, edit: false, save: false, run: false, manage: false }],
  ['editor', { view: true, edit: true, save: true, run: false, manage: false }],
  ['runner', { view: true, edit: true, save: true, run: true, manage: false }],
  ['host', { view: true, edit: true, save: true, run: true, manage: true }],
];

describe('roles', () => {
  for (const [role, actions] of table) {
    for (const [action, allowed] of Object.entries(actions)) {
      it(`${allowed ? 'lets' : 'does not let'} a ${role} ${action}`, () => {
        expect(can(role, action as Action)).toBe(allowed);
      });
    }
  }
});
