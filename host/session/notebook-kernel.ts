import * as Y from 'yjs';
import type { Kernel } from '../../kernel-bridge';
import { PairbookError } from '../../protocol/errors';
import {
  KERNEL_ORIGIN,
  type KernelChoice,
  type KernelInfo,
  RUNTIME,
  runtimeOf,
} from '../../protocol/runtime-state';
import { metaOf } from '../../protocol/ydoc-nbformat';
import { ExecutionQueue } from './execution-queue';
import { SourceChanges } from './source-changes';

/**
 * Starts kernels for one notebook: kernel-choice.ts has the local (ZeroMQ) one,
 * jupyter-server-launcher.ts the one for a Jupyter server's kernels.
 */
export interface KernelLauncher {
  /** The kernels it can start, sorted by name. */
  list(): Promise<KernelChoice[]>;
  /**
   * A new kernel of kernelspec `name`, not started yet, and what it is. Rejects with a
   * PairbookError (kernelspec-not-found) naming the kernels that exist.
   */
  create(name: string): Promise<{ kernel: Kernel; spec: KernelChoice }>;
}

/**
 * The kernel of one notebook: the queue running cells on it, the kernels the host offers (in the
 * runtime map, for the kernel picker) and changing from one to another as JupyterLab's "Change
 * kernel…" does. Every change to the runtime map has origin KERNEL_ORIGIN.
 */
export class NotebookKernel {
  private queue: ExecutionQueue | null = null;
  private launcher: KernelLauncher | null = null;
  private changes: Promise<void> = Promise.resolve();
  private changingTo: string | null = null;
  private destroyed = false;
  /** Who changed each cell's source since its last run (source-changes.ts). */
  private readonly sourceChanges: SourceChanges;

  constructor(private readonly doc: Y.Doc) {
    this.sourceChanges = new SourceChanges(doc);
  }

  /** Edits coming on `transport` are `who`'s: names the editor in a run record's `changed`. */
  know(transport: object, who: { name: string }): void {
    this.sourceChanges.know(transport, who);
  }

  /** The queue running cells on the kernel; null while none is attached. */
  get execution(): ExecutionQueue | null {
    return this.queue;
  }

  /** Why there is no queue to run on, in words for a reply. */
  get unavailable(): string {
    return this.changingTo
      ? `the kernel is being changed to ${this.changingTo}; run again once it is idle`
      : 'no kernel is attached to this notebook — choose one in the kernel menu';
  }

  /** Attaches `kernel` (started or starting): from now on runs use it. The previous one stops. */
  attach(kernel: Kernel, spec: KernelChoice): void {
    void this.queue?.destroy();
    this.queue = new ExecutionQueue(this.doc, kernel, spec);
  }

  /**
   * Offers the kernels `launcher` can start: publishes them for the picker and allows change().
   * Resolves with them.
   */
  async offer(launcher: KernelLauncher): Promise<KernelChoice[]> {
    this.launcher = launcher;
    return this.publishChoices();
  }

  /** Shows that no kernel runs, and why (e.g. the notebook's kernelspec is not installed here). */
  showNone(message: string): void {
    const info: KernelInfo = { status: 'none', name: null, displayName: null, message };
    this.doc.transact(() => runtimeOf(this.doc).set(RUNTIME.kernel, info), KERNEL_ORIGIN);
  }

  /**
   * Shuts the current kernel down and starts kernelspec `name` in its place: queued runs are
   * dropped, a running cell is ended with a note, and on success the notebook's
   * metadata.kernelspec and language_info name the new kernel, so the choice is saved with the
   * file. Changes run one after another. Rejects with a PairbookError: an unknown name leaves the
   * current kernel running; a kernel that fails to start is shown dead with what to do.
   */
  change(name: string): Promise<void> {
    const next = this.changes.catch(() => undefined).then(() => this.switchTo(name));
    this.changes = next;
    return next;
  }

  /** Stops the kernel; nothing more is written. Idempotent. */
  async destroy(): Promise<void> {
    this.destroyed = true;
    this.sourceChanges.destroy();
    const queue = this.queue;
    this.queue = null;
    this.launcher = null;
    await queue?.destroy();
  }

  private async switchTo(name: string): Promise<void> {
    const launcher = this.launcher;
    if (!launcher) {
      throw new PairbookError(
        'kernelspec-not-found',
        'this host was started without kernels, so none can be chosen — ask the host to ' +
          'open the notebook with a kernel',
      );
    }
    const { kernel, spec } = await launcher.create(name);
    const old = this.queue;
    this.queue = null;
    this.changingTo = spec.displayName;
    try {
      const stopping = old?.destroy(`the kernel was changed to ${spec.displayName}`);
      const starting: KernelInfo = {
        status: 'starting',
        name: spec.name,
        displayName: spec.displayName,
      };
      this.doc.transact(() => runtimeOf(this.doc).set(RUNTIME.kernel, starting), KERNEL_ORIGIN);
      await stopping;
      if (this.destroyed) throw new PairbookError('kernel-dead', 'the notebook was closed');
      // start() sets 'starting' synchronously, so the queue never shows the new kernel 'dead'.
      const started = kernel.start();
      const queue = new ExecutionQueue(this.doc, kernel, spec);
      this.queue = queue;
      try {
        await started;
      } catch (e) {
        queue.reportDead(
          `${spec.displayName} did not start: ${(e as Error).message} — choose another kernel, ` +
            'or run a cell to try this one again',
        );
        throw e;
      }
      // Closed while it started: this kernel is nobody's, stop it.
      if (this.destroyed) return void (await queue.destroy());
      this.recordInNotebook(spec, kernel.info?.language_info);
    } finally {
      this.changingTo = null;
      if (!this.destroyed)
        await this.publishChoices().catch((e: unknown) =>
          console.warn('pairbook: cannot list the kernels again', e),
        );
    }
  }

  // As JupyterLab does: kernelspec {display_name, language, name}, and the kernel's language_info.
  private recordInNotebook(spec: KernelChoice, languageInfo: object | undefined): void {
    const meta = metaOf(this.doc);
    this.doc.transact(() => {
      let metadata = meta.get('metadata');
      if (!(metadata instanceof Y.Map)) {
        metadata = new Y.Map<unknown>();
        meta.set('metadata', metadata);
      }
      const m = metadata as Y.Map<unknown>;
      const kernelspec: Record<string, string> = {
        display_name: spec.displayName,
        name: spec.name,
      };
      if (spec.language) kernelspec.language = spec.language;
      if (!sameJson(m.get('kernelspec'), kernelspec)) m.set('kernelspec', kernelspec);
      if (languageInfo && !sameJson(m.get('language_info'), languageInfo)) {
        m.set('language_info', { ...languageInfo });
      }
    }, KERNEL_ORIGIN);
  }

  private async publishChoices(): Promise<KernelChoice[]> {
    if (!this.launcher) return [];
    const choices = await this.launcher.list();
    const runtime = runtimeOf(this.doc);
    if (!sameJson(runtime.get(RUNTIME.kernels), choices))
      this.doc.transact(() => runtime.set(RUNTIME.kernels, choices), KERNEL_ORIGIN);
    return choices;
  }
}

/** True when two JSON values are equal, whatever the order of their keys. */
function sameJson(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  const ka = Object.keys(a);
  const kb = Object.keys(b);
  if (ka.length !== kb.length) return false;
  return ka.every((k) =>
    sameJson((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k]),
  );
}
