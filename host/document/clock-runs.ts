// Yjs numbers what each client writes by clock; items, deleted ranges and the like cover runs
// of clocks, kept per client sorted by their first. This finds the run holding a clock.

/**
 * The run of `runs` (sorted by first clock, not overlapping) that holds `clock`: the one whose
 * `first(run) <= clock < first(run) + length(run)`; undefined when none does.
 */
export function runHolding<R>(
  runs: readonly R[],
  clock: number,
  first: (run: R) => number,
  length: (run: R) => number,
): R | undefined {
  let lo = 0;
  let hi = runs.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    const run = runs[mid] as R;
    if (clock < first(run)) hi = mid - 1;
    else if (clock >= first(run) + length(run)) lo = mid + 1;
    else return run;
  }
  return undefined;
}
