// A notebook just loaded into a Y.Doc is, for its last several megabytes, in V8's young
// generation: a scavenge copies every object there that is still alive, and a new document's are
// all alive, so the first two scavenges after opening (the second promotes them) took 10-40 ms
// each on the host's event loop, at whatever moment the first edits happened to allocate enough to
// start one: the longest blocks between opening a 5 MB or 20 MB notebook and its first save
// (BENCHMARKS.md, document). Opening holds the loop anyway (reading, parsing and building the
// document, 0.2-1 s); promoteYoungObjects() pays for those two scavenges there instead.
import { getHeapSpaceStatistics, setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

type Collect = (options?: { type?: 'major' | 'minor'; execution?: 'sync' | 'async' }) => void;

let collector: Collect | null | undefined;

// V8's gc(): the process's own when it was started with --expose-gc, else one taken from a new
// context with the flag set for that moment only (the way test runners' leak detectors get it).
function collect(): Collect | null {
  if (collector !== undefined) return collector;
  const own = (globalThis as { gc?: Collect }).gc;
  if (typeof own === 'function') return (collector = own);
  try {
    setFlagsFromString('--expose-gc');
    const taken: unknown = runInNewContext('gc');
    collector = typeof taken === 'function' ? (taken as Collect) : null;
  } catch {
    collector = null;
  } finally {
    setFlagsFromString('--no-expose-gc');
  }
  return collector;
}

/** Bytes of live and not yet collected objects in the young generation. */
export function youngGenerationBytes(): number {
  return getHeapSpaceStatistics()
    .filter((s) => s.space_name === 'new_space' || s.space_name === 'new_large_object_space')
    .reduce((n, s) => n + s.space_used_size, 0);
}

/** Below this, what the young generation holds is scavenged in about a millisecond anyway. */
const PROMOTE_FROM_BYTES = 1024 * 1024;

/**
 * Moves what survives in the young generation to the old one now: two scavenges (an object is
 * promoted at its second). For right after building a large document, while opening holds the
 * event loop anyway. Does nothing when the young generation holds little, or when V8's gc()
 * cannot be had.
 */
export function promoteYoungObjects(): void {
  if (youngGenerationBytes() < PROMOTE_FROM_BYTES) return;
  const gc = collect();
  if (!gc) return;
  gc({ type: 'minor' });
  gc({ type: 'minor' });
}
