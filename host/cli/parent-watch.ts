import { readFileSync } from 'node:fs';

/** How often the processes that started this one are looked at. */
export const PARENT_CHECK_INTERVAL_MS = 1000;

/** A process that started this one (directly or not), as first seen. */
interface Ancestor {
  pid: number;
  /** Its start time in clock ticks since boot (Linux), so a reused pid is not taken for it. */
  startTime: string | null;
}

/** Linux's /proc/PID/stat of `pid`: its state, parent and start time; null when it is gone. */
function procStat(pid: number): { state: string; ppid: number; startTime: string } | null {
  let text: string;
  try {
    text = readFileSync(`/proc/${pid}/stat`, 'utf8');
  } catch {
    return null;
  }
  // The command name (field 2) is in parentheses and may itself hold spaces or parentheses.
  const fields = text.slice(text.lastIndexOf(')') + 2).split(' ');
  return { state: fields[0] ?? '', ppid: Number(fields[1]), startTime: fields[19] ?? '' };
}

const HAS_PROC = process.platform === 'linux' && procStat(process.pid) !== null;

/**
 * The chain of processes above this one, nearest first, up to (not including) pid 1 or a process
 * that adopts orphans. `npx pairbook` runs as npm → sh → node: the shell stays alive when npm is
 * killed, so the whole chain is watched, not only the parent.
 */
function ancestors(): Ancestor[] {
  if (!HAS_PROC) return process.ppid > 1 ? [{ pid: process.ppid, startTime: null }] : [];
  const chain: Ancestor[] = [];
  let pid = process.ppid;
  while (pid > 1 && chain.length < 64) {
    const stat = procStat(pid);
    if (!stat) break;
    chain.push({ pid, startTime: stat.startTime });
    pid = stat.ppid;
  }
  return chain;
}

function gone(a: Ancestor): boolean {
  if (!HAS_PROC) return process.ppid !== a.pid;
  const stat = procStat(a.pid);
  // A zombie has exited; only its parent has not collected its status yet.
  return stat === null || stat.startTime !== a.startTime || stat.state === 'Z';
}

/**
 * Calls `onGone` once when a process that started this one ends (a killed `npx` wrapper, a closed
 * terminal's shell), checking every PARENT_CHECK_INTERVAL_MS. Stdin is not used for this: scripts
 * run `serve` without one. Returns the function that stops watching.
 */
export function watchParents(onGone: (pid: number) => void): () => void {
  const chain = ancestors();
  if (chain.length === 0) return () => undefined;
  const timer = setInterval(() => {
    const dead = chain.find(gone);
    if (!dead) return;
    clearInterval(timer);
    onGone(dead.pid);
  }, PARENT_CHECK_INTERVAL_MS);
  timer.unref();
  return () => clearInterval(timer);
}

/**
 * Once the parent is gone, stdout and stderr may lead nowhere (a closed pipe or terminal): what
 * is still said on the way out must not crash the save.
 */
export function ignoreClosedOutput(): void {
  process.stdout.on('error', () => undefined);
  process.stderr.on('error', () => undefined);
}

/**
 * Calls `stop` once with why: Ctrl-C, SIGTERM, or the end of whatever started this process (then
 * with closed output ignored), as `serve` and `host` stop in all three cases.
 */
export function stopWhenAsked(stop: (why: string) => void): void {
  process.once('SIGINT', () => stop('interrupted'));
  process.once('SIGTERM', () => stop('terminated'));
  watchParents((pid) => {
    ignoreClosedOutput();
    stop(`the process that started it (${pid}) ended`);
  });
}

/**
 * Resolves with the exit code once asked to stop (as stopWhenAsked): `announce` says so, `stop`
 * ends the work and saves (0; when it fails, 1 and why on stderr), then `after` runs.
 */
export function exitCodeWhenAsked(
  stop: () => Promise<void>,
  announce: (why: string) => void,
  after?: (why: string) => void,
): Promise<number> {
  return new Promise<number>((resolve) => {
    let stopping = false;
    stopWhenAsked(async (why) => {
      if (stopping) return;
      stopping = true;
      announce(why);
      let code = 0;
      try {
        await stop();
      } catch (e) {
        process.stderr.write(`pairbook: saving failed: ${(e as Error).message}\n`);
        code = 1;
      }
      after?.(why);
      resolve(code);
    });
  });
}
