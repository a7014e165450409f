import { dirname } from 'node:path';
import {
  type KernelSpec,
  type KernelSpecSearch,
  ZmqKernel,
  findKernelSpec,
  findKernelSpecs,
} from '../../kernel-bridge';
import { isKernelName } from '../../protocol/hub-messages';
import { isObject } from '../../protocol/nbformat';
import type { KernelChoice } from '../../protocol/runtime-state';
import { metaOf } from '../../protocol/ydoc-nbformat';
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
 * The kernelspec a notebook asks for in `metadata.kernelspec.name`, else one for its language,
 * else python3. Throws a PairbookError (kernelspec-not-found) that names what is installed.
 */
export async function chooseKernelSpec(session: NotebookSession): Promise<KernelSpec> {
  const wanted = wantedKernelSpec(session);
  const name = wanted?.name ?? 'python3';
  try {
    return await findKernelSpec(name);
  } catch (e) {
    const language = wanted?.language ?? 'python';
    const same = (await findKernelSpecs()).find((s) => s.language === language);
    if (same) return same;
    throw e;
  }
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
 * Offers this machine's kernelspecs to the notebook's kernel picker, without starting any
 * (`pairbook serve --no-kernel`): people choose one from the toolbar.
 */
export async function offerLocalKernels(session: NotebookSession): Promise<void> {
  await session.kernels.offer(localKernelLauncher(dirname(session.path)));
}

/**
 * Offers this machine's kernelspecs (see offerLocalKernels) and starts the notebook's kernel
 * (`spec`, else chooseKernelSpec) in the notebook's folder. When the notebook's kernelspec is not
 * installed, the picker says so and offers the others; the promise rejects with the reason.
 */
export async function startLocalKernel(session: NotebookSession, spec?: KernelSpec): Promise<void> {
  await offerLocalKernels(session);
  let chosen: KernelSpec;
  try {
    chosen = spec ?? (await chooseKernelSpec(session));
  } catch (e) {
    const wanted = wantedKernelSpec(session)?.name ?? 'python3';
    session.kernels.showNone(
      `this notebook asks for the kernel "${wanted}", which is not installed here — choose ` +
        'another kernel, or install it',
    );
    throw e;
  }
  const kernel = new ZmqKernel(chosen, { cwd: dirname(session.path) });
  const started = kernel.start();
  session.attachKernel(kernel, choiceOf(chosen));
  try {
    await started;
  } catch (e) {
    session.execution?.reportDead(
      `${chosen.displayName} did not start: ${(e as Error).message} — choose another kernel, ` +
        'or run a cell to try this one again',
    );
    throw e;
  }
}
