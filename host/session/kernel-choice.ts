import { dirname } from 'node:path';
import { type KernelSpec, ZmqKernel, findKernelSpec, findKernelSpecs } from '../../kernel-bridge';
import { isObject } from '../../protocol/nbformat';
import { metaOf } from '../../protocol/ydoc-nbformat';
import type { NotebookSession } from './notebook-session';

/**
 * The kernelspec a notebook asks for in `metadata.kernelspec.name`, else one for its language,
 * else python3. Throws a PairbookError (kernelspec-not-found) that names what is installed.
 */
export async function chooseKernelSpec(session: NotebookSession): Promise<KernelSpec> {
  const metadata = metaOf(session.doc).get('metadata');
  const wanted =
    metadata && typeof metadata === 'object' && 'get' in metadata
      ? (metadata as { get(k: string): unknown }).get('kernelspec')
      : undefined;
  const name = isObject(wanted) && typeof wanted.name === 'string' ? wanted.name : 'python3';
  try {
    return await findKernelSpec(name);
  } catch (e) {
    const language =
      isObject(wanted) && typeof wanted.language === 'string' ? wanted.language : 'python';
    const same = (await findKernelSpecs()).find((s) => s.language === language);
    if (same) return same;
    throw e;
  }
}

/** Starts the notebook's kernel locally (ZeroMQ) in the notebook's folder and attaches it. */
export async function startLocalKernel(session: NotebookSession, spec?: KernelSpec): Promise<void> {
  const chosen = spec ?? (await chooseKernelSpec(session));
  const kernel = new ZmqKernel(chosen, { cwd: dirname(session.path) });
  session.attachKernel(kernel, { name: chosen.name, displayName: chosen.displayName });
  await kernel.start();
}
