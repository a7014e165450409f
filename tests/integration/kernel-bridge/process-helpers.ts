import { readFileSync, readdirSync } from 'node:fs';

/** Whether a process with this pid exists (a zombie counts as gone). */
export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  try {
    // A zombie still answers kill(0); its state in /proc says Z.
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2)[0] !== 'Z';
  } catch {
    return false;
  }
}

/** Polls `condition` every 50 ms until it holds; throws naming `what` after `timeoutMs`. */
export async function waitFor(
  condition: () => boolean,
  what: string,
  timeoutMs = 10_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline)
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

const SIGINT_BIT = 1n << 1n; // signal 2, in /proc's hex masks

/**
 * Resolves once the main thread of `pid` is blocked in a sleep syscall (the cell's `time.sleep`),
 * or after 300 ms where /proc cannot say. Tests interrupt a sleep that has begun, as a person
 * would: CI twice saw a SIGINT sent the instant a cell printed not stop its sleep, and CPython
 * runs a handler for a signal that lands just before the syscall only after the sleep ends.
 */
export async function waitUntilAsleep(pid: number): Promise<void> {
  const wchan = () => readable(`/proc/${pid}/wchan`);
  if (wchan() === '' || wchan() === '0') return new Promise((r) => setTimeout(r, 300));
  await waitFor(() => wchan().includes('nanosleep'), `process ${pid} to sleep`);
}

/** Each thread of `pid`: where it waits, and whether SIGINT is caught, ignored, blocked or pending. */
export function describeThreads(pid: number): string {
  let tasks: string[];
  try {
    tasks = readdirSync(`/proc/${pid}/task`);
  } catch {
    return `process ${pid} is gone`;
  }
  const proc = statusFields(`/proc/${pid}/status`);
  const lines = [
    `SIGINT caught ${hasSigint(proc, 'SigCgt')}, ignored ${hasSigint(proc, 'SigIgn')}, ` +
      `pending ${hasSigint(proc, 'ShdPnd')}`,
  ];
  for (const task of tasks) {
    const dir = `/proc/${pid}/task/${task}`;
    const thread = statusFields(`${dir}/status`);
    lines.push(
      `thread ${task} ${thread.get('Name')} in ${readable(`${dir}/wchan`) || '-'}` +
        (hasSigint(thread, 'SigBlk') ? ', blocks SIGINT' : '') +
        (hasSigint(thread, 'SigPnd') ? ', SIGINT pending' : ''),
    );
  }
  return lines.join('\n');
}

function statusFields(path: string): Map<string, string> {
  return new Map(
    readable(path)
      .split('\n')
      .map((line) => [line.slice(0, line.indexOf(':')), line.slice(line.indexOf(':') + 1).trim()]),
  );
}

function hasSigint(fields: Map<string, string>, mask: string): boolean {
  return (BigInt(`0x${fields.get(mask) ?? '0'}`) & SIGINT_BIT) !== 0n;
}

function readable(path: string): string {
  try {
    return readFileSync(path, 'utf8').trim();
  } catch {
    return '';
  }
}
