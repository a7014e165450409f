// Work too large to do at once on the host's event loop (reading the save hint, filling the cell
// cache, hashing a save, encoding the journal's base) runs in slices of a few milliseconds,
// yielding between them. Each job awaits nextSlice() between its slices, and the jobs take turns:
// one slice of all of them per turn of the event loop. Each job yielding by itself with
// setImmediate ran a slice of every job in the same turn: right after a first edit, the save
// hint, two fillings of the cell cache and the save's hashing held the loop 8-16 ms at a time, as
// long as two to four slices, before any garbage collection on top.

/** Longest one slice of background work runs before it lets the event loop serve others. */
export const SLICE_MS = 4;

const waiting: Array<() => void> = [];
let scheduled = false;

/**
 * Resolves when the caller may run its next slice: in a later turn of the event loop (its check
 * phase, as setImmediate), after every job that was waiting before it had one slice, one job a turn.
 */
export function nextSlice(): Promise<void> {
  return new Promise((resolve) => {
    waiting.push(resolve);
    if (!scheduled) {
      scheduled = true;
      setImmediate(runOne);
    }
  });
}

// Lets the first waiting job run its slice (in the microtasks right after this callback), and
// the next one in the next turn: an immediate set during the check phase runs in the next turn.
function runOne(): void {
  const next = waiting.shift();
  scheduled = waiting.length > 0;
  if (scheduled) setImmediate(runOne);
  next?.();
}
