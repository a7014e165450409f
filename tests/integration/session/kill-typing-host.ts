// Runs the typing host of typing-child.ts in a child process and kill -9s it at a chosen moment.
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { expect } from 'vitest';

const CHILD = join(import.meta.dirname, 'typing-child.ts');

/** What a typing host said before it was killed. */
export interface ChildRun {
  /** The first cell's source after the last edit it reported accepted ('' if none). */
  last: string;
  /** Every line it printed. */
  lines: string[];
}

/**
 * Runs typing-child.ts on `path` (its further arguments `args`: EDITS, AUTOSAVE_MS, MAX_WAIT_MS)
 * and kill -9s it as soon as `killAt` says so of a line it printed.
 */
export async function runThenKill(
  path: string,
  dataDir: string,
  killAt: (line: string, accepted: number) => boolean,
  args: string[] = [],
): Promise<ChildRun> {
  const child = spawn(process.execPath, ['--import', 'tsx', CHILD, path, dataDir, ...args], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const run: ChildRun = { last: '', lines: [] };
  let accepted = 0;
  const exited = new Promise((r) => child.on('exit', r));
  for await (const line of createInterface({ input: child.stdout })) {
    run.lines.push(line);
    if (line.startsWith('accepted ')) {
      run.last = JSON.parse(line.slice('accepted '.length)) as string;
      accepted++;
    }
    if (killAt(line, accepted)) {
      child.kill('SIGKILL');
      break;
    }
  }
  await exited;
  expect(child.signalCode).toBe('SIGKILL');
  return run;
}
