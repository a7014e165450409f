import { KernelSpecAPI } from '@jupyterlab/services';
import { kernelError } from '../kernel-error';
import {
  type JupyterServerAddress,
  describeJupyterServer,
  jupyterServerSettings,
  serverProblem,
} from './jupyter-server-address';

/** A kernelspec a Jupyter server can start. */
export interface ServerKernelSpec {
  /** e.g. "python3": what JupyterServerKernelOptions.kernelName takes. */
  name: string;
  /** e.g. "Python 3 (ipykernel)". */
  displayName: string;
  /** e.g. "python"; empty when the kernelspec does not say. */
  language: string;
}

/**
 * The kernelspecs the server at `address` offers, sorted by name. Rejects with a PairbookError
 * (kernel-server-error) when the server cannot be reached or refuses the token.
 */
export async function listServerKernelSpecs(
  address: JupyterServerAddress,
): Promise<ServerKernelSpec[]> {
  let models: KernelSpecAPI.ISpecModels;
  try {
    models = await KernelSpecAPI.getSpecs(jupyterServerSettings(address));
  } catch (e) {
    throw kernelError(
      'kernel-server-error',
      `could not list the kernels of the Jupyter server at ${describeJupyterServer(address)} ` +
        `(${serverProblem(address, e)}) — check the URL, the token and that ` +
        'the server runs',
    );
  }
  return Object.values(models.kernelspecs)
    .filter((spec): spec is KernelSpecAPI.ISpecModel => spec !== undefined)
    .map((spec) => ({
      name: spec.name,
      displayName: spec.display_name || spec.name,
      language: spec.language ?? '',
    }))
    .sort((a, b) => a.name.localeCompare(b.name));
}
