import { dirname } from 'node:path';
import {
  type KernelSpec,
  type KernelSpecSearch,
  ZmqKernel,
  findKernelSpec,
  findKernelSpecs,
  kernelError,
  parseJupyterServerAddress,
} from '../../kernel-bridge';
import { isKernelName } from '../../protocol/hub-messages';
import { isObject } from '../../protocol/nbformat';
import type { KernelChoice } from '../../protocol/runtime-state';
import { metaOf } from '../../protocol/ydoc-nbformat';
import { jupyterServerLauncher } from './jupyter-server-launcher';
import type { KernelLauncher } from './notebook-kernel';
import type { NotebookSession } from './notebook-session';

/** The kernelspec a notebook asks for in metadata.kernelspec, or null when it names none. */
function wantedKernelSpec(session: NotebookSession): { name: string; language?: string } | null {
  const metadata = metaOf(session.doc).get('metadata');
  const wanted =
    metadata && typeof metadata === 'object' && 'get' in metadata
      ? (metadata as { get(k: string): unknown }).get('kernelspec')
      : undefined;
  if (!isObject(wanted) || typeof wanted.name !== 'string') return null;
  return typeof wanted.language === 'string'
    ? { name: wanted.name, language: wanted.language }
    : { name: wanted.name };
}

/**
 * The kernel to start for a notebook, among `choices`: the one its `metadata.kernelspec.name`
 * names, else one for its language, else python3 (as Jupyter does). When none fits, the name the
 * notebook asks for, so that the launcher refuses it naming what there is.
 */
export function chooseKernel(session: NotebookSession, choices: KernelChoice[]): string {
  const wanted = wantedKernelSpec(session);
  const name = wanted?.name ?? 'python3';
  if (choices.some((c) => c.name === name)) return name;
  const language = wanted?.language ?? 'python';
  return choices.find((c) => c.language === language)?.name ?? name;
}

/** What the kernel picker shows of a kernelspec. */
export const choiceOf = (spec: KernelSpec): KernelChoice => ({
  name: spec.name,
  displayName: spec.displayName,
  language: spec.language,
});

/**
 * Starts kernelspecs on this machine over ZeroMQ, in `cwd` (the notebook's folder). Specs whose
 * folder name is not a valid kernelspec name (which Jupyter skips too) are not offered.
 */
export function localKernelLauncher(cwd: string, search: KernelSpecSearch = {}): KernelLauncher {
  return {
    async list() {
      return (await findKernelSpecs(search)).filter((s) => isKernelName(s.name)).map(choiceOf);
    },
    async create(name) {
      const spec = await findKernelSpec(name, search);
      return { kernel: new ZmqKernel(spec, { cwd }), spec: choiceOf(spec) };
    },
  };
}

/**
 * Offers the kernels `launcher` can start to the notebook's kernel picker and starts the
 * notebook's own (see chooseKernel). When they cannot be listed, or it cannot be created, the
 * toolbar says why (and the picker offers the others); when it cannot start, it shows dead with
 * what to do. Either way the promise rejects with the reason.
 */
export async function startKernel(
  session: NotebookSession,
  launcher: KernelLauncher,
): Promise<void> {
  let choices: KernelChoice[];
  try {
    choices = await session.kernels.offer(launcher);
  } catch (e) {
    session.kernels.showNone((e as Error).message); // e.g. a Jupyter server that cannot be reached
    throw e;
  }
  const name = chooseKernel(session, choices);
  let created;
  try {
    created = await launcher.create(name);
  } catch (e) {
    session.kernels.showNone(
      `this notebook asks for the kernel "${name}", which is not installed here — choose ` +
        'another kernel, or install it',
    );
    throw e;
  }
  const { kernel, spec } = created;
  const started = kernel.start();
  session.attachKernel(kernel, spec);
  try {
    await started;
  } catch (e) {
    session.execution?.reportDead(
      `${spec.displayName} did not start: ${(e as Error).message} — choose another kernel, ` +
        'or run a cell to try this one again',
    );
    throw e;
  }
}

/**
 * Offers this machine's kernelspecs to the notebook's kernel picker, without starting any
 * (`pairbook serve --no-kernel`): people choose one from the toolbar.
 */
export async function offerLocalKernels(session: NotebookSession): Promise<void> {
  await session.kernels.offer(localKernelLauncher(dirname(session.path)));
}

/** Starts the notebook's kernel on this machine, in the notebook's folder (see startKernel). */
export function startLocalKernel(session: NotebookSession): Promise<void> {
  return startKernel(session, localKernelLauncher(dirname(session.path)));
}

/**
 * Takes the notebook's kernels from the Jupyter server at `url` (the link it prints; the token in
 * it, else `token`), or from this machine when `url` is null, and starts the notebook's kernel
 * there in place of the current one (see NotebookKernel.change). Rejects with a PairbookError,
 * leaving the current kernel and the picker as they were, when the server cannot be reached or
 * has no kernel for this notebook.
 */
export async function useKernelsFrom(
  session: NotebookSession,
  url: string | null,
  token: string,
): Promise<void> {
  const launcher =
    url === null
      ? localKernelLauncher(dirname(session.path))
      : jupyterServerLauncher(parseJupyterServerAddress(url, token));
  const choices = await launcher.list();
  const name = chooseKernel(session, choices);
  if (!choices.some((c) => c.name === name)) {
    throw kernelError(
      'kernelspec-not-found',
      `there is no kernel for this notebook there (it asks for "${name}"; there are: ` +
        `${choices.map((c) => c.name).join(', ') || 'none'}) — install one, or stay where you are`,
    );
  }
  await session.kernels.offer(launcher);
  await session.kernels.change(name);
}
