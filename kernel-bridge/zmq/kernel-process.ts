import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import type { KernelSpec } from '../kernelspecs';

/**
 * `setpriv --pdeathsig KILL` (util-linux) makes Linux kill the kernel when the process that
 * spawned it dies, even by `kill -9`, whatever language the kernel is in. ipykernel's own
 * JPY_PARENT_PID poller only notices re-parenting to pid 1, which a subreaper (systemd --user, a
 * container's init) prevents, so it is a fallback only.
 */
const SETPRIV = ['/usr/bin/setpriv', '/bin/setpriv'].find((p) => existsSync(p)) ?? null;

/** Whether kernels are tied to this process's life by the kernel itself (Linux with setpriv). */
export const HAS_PARENT_DEATH_SIGNAL = process.platform === 'linux' && SETPRIV !== null;

const live = new Set<number>();
let exitHookInstalled = false;

/**
 * Starts the kernel of `spec` with `connectionFile`, in its own process group (so SIGINT reaches
 * its children, and a Ctrl-C in our terminal does not reach it). Every kernel started here is
 * killed when this process exits, even by a crash.
 */
export function launchKernelProcess(
  spec: KernelSpec,
  connectionFile: string,
  options: { cwd?: string; env?: NodeJS.ProcessEnv } = {},
): ChildProcess {
  const argv = spec.argv.map((a) =>
    a
      .replaceAll('{connection_file}', connectionFile)
      .replaceAll('{resource_dir}', spec.resourceDir),
  );
  const command = HAS_PARENT_DEATH_SIGNAL ? [SETPRIV!, '--pdeathsig', 'KILL', '--', ...argv] : argv;
  const child = spawn(command[0]!, command.slice(1), {
    cwd: options.cwd,
    env: {
      ...(options.env ?? process.env),
      ...spec.env,
      JPY_PARENT_PID: String(process.pid),
      PYDEVD_DISABLE_FILE_VALIDATION: '1',
    },
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const pid = child.pid;
  if (pid !== undefined) {
    live.add(pid);
    child.once('exit', () => live.delete(pid));
    installExitHook();
  }
  return child;
}

/** Sends `signal` to the kernel's process group (the kernel and what it started). */
export function signalKernel(child: ChildProcess, signal: NodeJS.Signals): void {
  if (child.pid === undefined) return;
  try {
    // Also reaches what an exited kernel left in its group: Linux keeps a pid that is still
    // some group's id from being reused.
    process.kill(-child.pid, signal);
  } catch {
    // The group is gone already, or was never formed: signal the process itself if it runs.
    if (child.exitCode === null && child.signalCode === null) child.kill(signal);
  }
}

function installExitHook(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  // 'exit' also fires after an uncaught exception; only synchronous work is possible here.
  process.once('exit', () => {
    for (const pid of live) {
      try {
        process.kill(-pid, 'SIGKILL');
      } catch {
        // already gone
      }
    }
  });
}
