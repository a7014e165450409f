// What an editor may ask of the host's kernel (completion, inspection), and when Tab and Shift-Tab
// ask rather than indent: as in JupyterLab, where there is something other than whitespace before
// the caret on its line, with no text selected.
import type { EditorState } from '@codemirror/state';
import type { RequestResult } from '../../protocol/hub-messages';

/** A question for the kernel about `code` (the cell as this person sees it) at `cursor`. */
export type KernelQuestion =
  | { type: 'complete'; code: string; cursor: number }
  | { type: 'inspect'; code: string; cursor: number; detail: 0 | 1 };

/** How an editor reaches the kernel: given by the app, which knows the role and the host. */
export interface KernelHelp {
  /**
   * True when this person may ask the kernel now: the run permission (the host and runners).
   * When false, Tab and Shift-Tab indent and dedent and nothing is sent to the host.
   */
  allowed(): boolean;
  /** The kernel's answer, or null when refused or failed. */
  ask(question: KernelQuestion): Promise<RequestResult | null>;
}

/**
 * How long an answer is waited for. A busy kernel answers after the running cell (Jupyter's shell
 * queue): rather than show a stale answer long after, show nothing.
 */
export const KERNEL_WAIT_MS = 5000;

/** Asks `help`; null when refused, failed, or not answered within `ms`. */
export function askWithin(
  help: KernelHelp,
  question: KernelQuestion,
  ms = KERNEL_WAIT_MS,
): Promise<RequestResult | null> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const late = new Promise<null>((resolve) => (timer = setTimeout(() => resolve(null), ms)));
  const answer = help.ask(question).catch(() => null);
  return Promise.race([answer, late]).finally(() => clearTimeout(timer));
}

/**
 * True when Tab should complete and Shift-Tab inspect: one caret, nothing selected, and something
 * other than whitespace before it on its line.
 */
export function hasCodeBeforeCaret(state: EditorState): boolean {
  const { ranges, main } = state.selection;
  if (ranges.length !== 1 || !main.empty) return false;
  const line = state.doc.lineAt(main.head);
  return /\S/.test(line.text.slice(0, main.head - line.from));
}
