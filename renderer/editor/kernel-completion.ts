// Tab completion from the host's kernel, as in JupyterLab: Tab with something before the caret
// asks the kernel (never on every keystroke: the host rate-limits guests); one match is inserted
// at once, several open CodeMirror's completion list, where Tab types what the matches share and
// moves on (Shift-Tab and the arrows move too), Enter inserts and Escape closes. Elsewhere Shift-Tab shows the kernel's inspection
// (kernel-tooltip.ts).
// Where there is only whitespace before the caret, or this person may not ask the kernel, Tab and
// Shift-Tab indent and dedent as before and nothing is sent.
import {
  type Completion,
  type CompletionContext,
  type CompletionResult,
  type CompletionSource,
  autocompletion,
  completionStatus,
  currentCompletions,
  insertCompletionText,
  moveCompletionSelection,
  startCompletion,
  acceptCompletion,
} from '@codemirror/autocomplete';
import { type Extension, Prec } from '@codemirror/state';
import { type Command, EditorView, keymap } from '@codemirror/view';
import { type KernelHelp, askWithin, hasCodeBeforeCaret } from './kernel-help';
import { closeInspection, inspectAtCaret, inspectionTooltip } from './kernel-tooltip';

/** Matches typed after the list opened keep filtering it, without asking the kernel again. */
const WORD = /^[\w$]*$/;

/**
 * The completion source: asks the kernel only when started explicitly (Tab). A reply that comes
 * after the text changed is dropped; a single match is inserted without a list.
 */
export function kernelCompletionSource(help: KernelHelp): CompletionSource {
  return async (context: CompletionContext): Promise<CompletionResult | null> => {
    if (!context.explicit) return null;
    const { state, pos, view } = context;
    const result = await askWithin(help, {
      type: 'complete',
      code: state.doc.toString(),
      cursor: pos,
    });
    if (result?.kind !== 'completions' || context.aborted) return null;
    if (view && view.state.doc !== state.doc) return null;
    const { matches, from, to } = result;
    if (!(from >= 0 && from <= pos && to >= pos && to <= state.doc.length)) return null;
    const options = [...new Set(matches)].map((label) => ({ label }));
    if (options.length === 0) return null;
    if (options.length === 1 && view) {
      view.dispatch(insertCompletionText(view.state, options[0]!.label, from, to));
      return null;
    }
    return { from, to, options, validFor: WORD };
  };
}

/** The longest start all of `labels` share. */
export function commonPrefix(labels: readonly string[]): string {
  let prefix = labels[0] ?? '';
  for (const label of labels) {
    while (!label.startsWith(prefix)) prefix = prefix.slice(0, -1);
  }
  return prefix;
}

/** Types the rest of what every listed match starts with, if longer than the word typed. */
function typeCommonPrefix(view: EditorView, options: readonly Completion[]): void {
  const { state } = view;
  const head = state.selection.main.head;
  const line = state.doc.lineAt(head);
  const typed = /[\w$]*$/.exec(line.text.slice(0, head - line.from))?.[0] ?? '';
  const prefix = commonPrefix(options.map((o) => o.label));
  if (prefix.length <= typed.length || !prefix.startsWith(typed)) return;
  const insert = prefix.slice(typed.length);
  view.dispatch({
    changes: { from: head, insert },
    selection: { anchor: head + insert.length },
    userEvent: 'input.type',
  });
}

/**
 * Tab: in the open list, as JupyterLab 4: the only match is inserted; else what all the matches
 * share is typed and the next match selected. Without a list, asks the kernel.
 */
function tab(help: KernelHelp, enabled: () => boolean): Command {
  return (view) => {
    const status = completionStatus(view.state);
    if (status === 'active') {
      const options = currentCompletions(view.state);
      if (options.length === 1) return acceptCompletion(view);
      typeCommonPrefix(view, options);
      return moveCompletionSelection(true)(view);
    }
    // A second Tab while the kernel is still answering must not indent under the answer.
    if (status === 'pending') return true;
    if (!enabled() || !help.allowed() || !hasCodeBeforeCaret(view.state)) return false;
    return startCompletion(view);
  };
}

/** Shift-Tab: in the open list, the previous match; else the kernel's inspection at the caret. */
function shiftTab(help: KernelHelp, enabled: () => boolean): Command {
  const inspect = inspectAtCaret(help);
  return (view) => {
    if (completionStatus(view.state) === 'active') return moveCompletionSelection(false)(view);
    if (!enabled() || !help.allowed() || !hasCodeBeforeCaret(view.state)) return false;
    return inspect(view);
  };
}

const theme = EditorView.baseTheme({
  '.cm-tooltip.cm-tooltip-autocomplete': {
    background: 'var(--surface, #fff)',
    color: 'var(--text, #1c2330)',
    border: '1px solid var(--border-strong, #cdd2da)',
    borderRadius: '6px',
    boxShadow: '0 4px 16px rgba(16, 24, 40, 0.16)',
    padding: '2px 0',
  },
  '.cm-tooltip.cm-tooltip-autocomplete > ul': {
    fontFamily: 'var(--font-code, monospace)',
    fontSize: '13px',
    maxHeight: '14em',
  },
  '.cm-tooltip.cm-tooltip-autocomplete > ul > li': { padding: '1px 10px' },
  '.cm-tooltip-autocomplete ul li[aria-selected]': {
    background: 'var(--accent, #2f6feb)',
    color: '#fff',
  },
});

/**
 * Completion and inspection from the kernel for one editor. `enabled` says whether the editor's
 * cell asks the kernel at all (a code cell). Put it before the notebook's keys: while the list or
 * the tooltip is open, Escape closes it rather than leaving edit mode.
 */
export function kernelAssist(help: KernelHelp, enabled: () => boolean): Extension {
  return [
    // First: CodeMirror gives style modules earlier in the configuration precedence.
    theme,
    Prec.highest(
      keymap.of([
        { key: 'Tab', run: tab(help, enabled), shift: shiftTab(help, enabled) },
        { key: 'Escape', run: closeInspection },
      ]),
    ),
    autocompletion({
      override: [kernelCompletionSource(help)],
      activateOnTyping: false,
      icons: false,
      closeOnBlur: true,
    }),
    inspectionTooltip,
  ];
}
