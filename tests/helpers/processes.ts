// Processes as Linux shows them, for tests that check what a killed parent leaves behind.
import { readFileSync, readdirSync } from 'node:fs';

/**
 * A script for `node -e` that starts `node ARGS...` and then idles, as `npm exec` does: kill it
 * with -9 to stand in for a killed `npx`.
 */
export const WRAPPER = `
const { spawn } = require('node:child_process');
spawn(process.execPath, process.argv.slice(1), { stdio: 'inherit' });
setInterval(() => {}, 1 << 30);
`;

/** A process's parent and command line; null once it is gone or a zombie. */
export function proc(pid: number): { ppid: number; cmdline: string } | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    if (fields[0] === 'Z') return null;
    const cmdline = readFileSync(`/proc/${pid}/cmdline`, 'utf8').replaceAll('\0', ' ');
    return { ppid: Number(fields[1]), cmdline };
  } catch {
    return null;
  }
}

/** The live children of `pid`. */
export function childrenOf(pid: number): number[] {
  return readdirSync('/proc')
    .filter((n) => /^\d+$/.test(n))
    .map(Number)
    .filter((p) => proc(p)?.ppid === pid);
}
