import {
  type JupyterServerAddress,
  JupyterServerKernel,
  describeJupyterServer,
  kernelError,
  listServerKernelSpecs,
} from '../../kernel-bridge';
import { isKernelName } from '../../protocol/hub-messages';
import type { KernelChoice } from '../../protocol/runtime-state';
import type { KernelLauncher } from './notebook-kernel';

/**
 * Starts kernels on a Jupyter server (or a JupyterHub user server) instead of this machine: the
 * picker offers the server's kernelspecs, each marked with where it runs. The server owns the
 * processes and its own working folder; the notebook stays on the host.
 */
export function jupyterServerLauncher(address: JupyterServerAddress): KernelLauncher {
  const server = describeJupyterServer(address);
  // Only names a change-kernel request can carry (Jupyter's own rule) are offered.
  const list = async (): Promise<KernelChoice[]> =>
    (await listServerKernelSpecs(address))
      .filter((spec) => isKernelName(spec.name))
      .map((spec) => ({ ...spec, server }));
  return {
    list,
    async create(name) {
      const choices = await list();
      const spec = choices.find((c) => c.name === name);
      if (!spec) {
        throw kernelError(
          'kernelspec-not-found',
          `the Jupyter server at ${server} has no kernel named "${name}" (it has: ` +
            `${choices.map((c) => c.name).join(', ') || 'none'}) — pick another kernel`,
        );
      }
      return { kernel: new JupyterServerKernel({ ...address, kernelName: name }), spec };
    },
  };
}
