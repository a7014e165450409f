// Live state every client sees that is not part of the notebook file: kernel status, the run
// queue, who ran what. It lives in the shared Y.Doc under doc.getMap('runtime'); only the host
// writes it, and it is never saved to the .ipynb.
import type * as Y from 'yjs';

/** Kernel status as clients see it. */
export type KernelStatus = 'none' | 'starting' | 'idle' | 'busy' | 'restarting' | 'dead';

/** The kernel attached to the notebook. */
export interface KernelInfo {
  status: KernelStatus;
  /** Kernelspec name, e.g. "python3"; null before one is chosen. */
  name: string | null;
  displayName: string | null;
  /** Where it runs when not on the host's machine: a Jupyter server's host and path. */
  server?: string;
  /** Why the kernel is dead or could not start, in words a user can act on. */
  message?: string;
}

/** A kernel the host can start for this notebook (one of its kernelspecs). */
export interface KernelChoice {
  /** Kernelspec name, e.g. "python3": what a change-kernel request names. */
  name: string;
  /** e.g. "Python 3 (ipykernel)". */
  displayName: string;
  /** e.g. "python"; empty when the kernelspec does not say. */
  language: string;
  /** Where it runs when not on the host's machine: a Jupyter server's host and path. */
  server?: string;
}

/** One run of a cell: who asked, when (ms since epoch), and when it ended (null while queued or running). */
export interface CellRun {
  cellId: string;
  /** The display name of who asked. */
  by: string;
  /** The hub's peer id of the guest who asked; absent when the host's own window asked. */
  peer?: string;
  requestedAt: number;
  startedAt: number | null;
  endedAt: number | null;
  /**
   * sourceDigest() of the code this run runs: the cell's source when the run was asked for. A
   * queued or running cell whose source no longer has this digest runs an earlier version.
   */
  digest?: string;
  /**
   * The generation of the kernel process it ran on (KernelStart.generation): a run of an earlier
   * generation produced its outputs in a kernel that has since restarted or been replaced.
   */
  kernel?: number;
  /**
   * When this cell's code as run last changed in this kernel (ms since epoch): the start of the
   * first of its runs with this `digest` on this kernel generation. A cell below whose run
   * started before it ran before this code did.
   */
  codeSince?: number;
  /**
   * Set by the host once the cell's source no longer has `digest` after the run ended: who edited
   * it (display names, first to last, at most SOURCE_CHANGE_NAMES) and when it first differed (ms
   * since epoch, the host's clock). Absent when the source is the one that ran, or for a change
   * the host cannot attribute (an edit of unknown origin leaves `by` empty).
   */
  changed?: SourceChange;
}

/** Who changed a cell's source since its last run, and since when (CellRun.changed). */
export interface SourceChange {
  by: string[];
  at: number;
}

/** Most names a SourceChange lists. */
export const SOURCE_CHANGE_NAMES = 3;

/** The kernel process running now: its generation (1, 2, … per start or restart) and start time. */
export interface KernelStart {
  generation: number;
  /** When the host started or restarted it, ms since epoch (the host's clock). */
  at: number;
}

/** Keys of the runtime map. */
export const RUNTIME = {
  /** KernelInfo */
  kernel: 'kernel',
  /** CellRun[]: queued runs in order, the running one first. */
  queue: 'queue',
  /** Y.Map<CellRun>: the last run of each cell, by cell id. */
  lastRuns: 'lastRuns',
  /** KernelChoice[]: the kernels the host can start, by name; absent when it cannot start any. */
  kernels: 'kernels',
  /** KernelStart: the kernel process runs now go to; absent before the first kernel. */
  kernelStart: 'kernelStart',
} as const;

/** The runtime map of a notebook document. */
export const runtimeOf = (doc: Y.Doc): Y.Map<unknown> => doc.getMap('runtime');

/** Transaction origin of everything the host writes from its kernel (outputs, counts, runtime). */
export const KERNEL_ORIGIN = 'pairbook:kernel';
