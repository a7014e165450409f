// The real-world notebook corpus lives beside the repo on this workplace's machines only.
import { existsSync, readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';

/** `../shared/fixtures/notebooks`, or `$PAIRBOOK_FIXTURES`; null when absent. */
export const FIXTURES: string | null = (() => {
  const dir =
    process.env.PAIRBOOK_FIXTURES ?? resolve(import.meta.dirname, '../../../shared/fixtures');
  const notebooks = join(dir, 'notebooks');
  return existsSync(notebooks) ? notebooks : null;
})();

/** Paths of the corpus notebooks in `sub` (e.g. "real"), sorted; [] when the corpus is absent. */
export function fixtureNotebooks(sub: string): string[] {
  if (!FIXTURES) return [];
  const dir = join(FIXTURES, sub);
  return readdirSync(dir)
    .filter((f) => f.endsWith('.ipynb'))
    .sort()
    .map((f) => join(dir, f));
}
