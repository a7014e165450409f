import { dirname } from 'node:path';
import { type JupyterServerAddress, parseJupyterServerAddress } from '../../kernel-bridge';
import { PairbookError } from '../../protocol/errors';
import { jupyterServerLauncher } from '../session/jupyter-server-launcher';
import { localKernelLauncher, startKernel } from '../session/kernel-choice';
import type { KernelLauncher } from '../session/notebook-kernel';
import type { NotebookSession } from '../session/notebook-session';

export { KERNEL_OPTIONS, KERNEL_USAGE } from './options';

/** What the kernel options ask for. */
export interface KernelPlan {
  /** Start the notebook's kernel now; otherwise only offer the kernels in the picker. */
  start: boolean;
  /** The kernels' launcher for a session's notebook. */
  launcherFor(session: NotebookSession): KernelLauncher;
}

/**
 * Reads --no-kernel and --jupyter-server (a Jupyter server's link as it prints it, or its base
 * URL with the token in $JUPYTER_TOKEN). When the address is not one, says so on stderr as
 * `pairbook COMMAND: …` and returns null (the command exits 2).
 */
export function kernelPlan(
  command: string,
  values: { 'no-kernel'?: boolean; 'jupyter-server'?: string },
): KernelPlan | null {
  const server = values['jupyter-server'];
  let address: JupyterServerAddress | null = null;
  try {
    address =
      server === undefined ? null : parseJupyterServerAddress(server, process.env.JUPYTER_TOKEN);
  } catch (e) {
    if (!(e instanceof PairbookError)) throw e;
    process.stderr.write(`pairbook ${command}: ${e.message}\n`);
    return null;
  }
  return {
    start: !values['no-kernel'],
    launcherFor: (session) =>
      address ? jupyterServerLauncher(address) : localKernelLauncher(dirname(session.path)),
  };
}

/**
 * Offers the plan's kernels to the session's picker and starts its kernel if asked. Runs in the
 * background: the page is usable meanwhile, and a failure is printed, not thrown.
 */
export function startKernels(session: NotebookSession, plan: KernelPlan): void {
  const launcher = plan.launcherFor(session);
  const done = plan.start ? startKernel(session, launcher) : session.kernels.offer(launcher);
  done.catch((e: unknown) =>
    process.stderr.write(`pairbook: no kernel: ${(e as Error).message}\n`),
  );
}
