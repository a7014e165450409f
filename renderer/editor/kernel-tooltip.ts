// Shift-Tab's inspection, as JupyterLab's tooltip: what the kernel knows of the name before the
// caret (signature and docstring, text/plain with ANSI colours rendered as outputs render them),
// in a CodeMirror tooltip at the caret. Typing, moving the caret, Escape or leaving the cell close
// it; a reply that comes after the text or the caret moved is dropped.
import { type EditorState, StateEffect, StateField, Transaction } from '@codemirror/state';
import { type Command, EditorView, type Tooltip, showTooltip } from '@codemirror/view';
import { ansiToHtml } from '../outputs/ansi';
import { type KernelHelp, askWithin } from './kernel-help';

/** What a tooltip shows: the kernel's text at document position `pos`. */
interface Inspection {
  pos: number;
  text: string;
}

/** Shows an inspection (or, with null, closes it). */
const setInspection = StateEffect.define<Inspection | null>();

function tooltipOf({ pos, text }: Inspection): Tooltip {
  return {
    pos,
    above: false,
    create: () => {
      const dom = document.createElement('div');
      dom.className = 'kernel-inspection';
      dom.dataset.testid = 'inspection-tooltip';
      const pre = document.createElement('pre');
      // Escaped text with colour spans only (outputs/ansi.ts): never the kernel's text as HTML.
      pre.innerHTML = ansiToHtml(text.trimEnd());
      dom.append(pre);
      // Clicking it (its scrollbar, to read on) must not take the focus from the editor: that
      // closes it.
      dom.addEventListener('mousedown', (e) => e.preventDefault());
      return { dom };
    },
  };
}

/** The open inspection tooltip, if any. */
const inspectionField = StateField.define<Tooltip | null>({
  create: () => null,
  update(tooltip, tr) {
    for (const e of tr.effects) if (e.is(setInspection)) return e.value && tooltipOf(e.value);
    if (!tooltip) return null;
    // This person typing or moving the caret closes it; another person's edit elsewhere in the
    // cell (a remote change, no user event) only moves it.
    if (tr.selection || (tr.docChanged && tr.annotation(Transaction.userEvent) !== undefined)) {
      return null;
    }
    return tr.docChanged ? { ...tooltip, pos: tr.changes.mapPos(tooltip.pos) } : tooltip;
  },
  provide: (field) => showTooltip.from(field),
});

/** True when an inspection tooltip is open. */
export function inspectionShown(state: EditorState): boolean {
  return state.field(inspectionField, false) != null;
}

/** Closes the inspection tooltip; false when none is open (Escape then does what it did). */
export const closeInspection: Command = (view) => {
  if (!inspectionShown(view.state)) return false;
  view.dispatch({ effects: setInspection.of(null) });
  return true;
};

/**
 * Asks the kernel about the name at the caret and shows what it found. Nothing shows when the
 * kernel finds nothing, is busy past the wait, or refuses; nor when the text or the caret moved
 * before the reply.
 */
export function inspectAtCaret(help: KernelHelp): Command {
  return (view) => {
    const { state } = view;
    const pos = state.selection.main.head;
    const question = {
      type: 'inspect',
      code: state.doc.toString(),
      cursor: pos,
      detail: 0,
    } as const;
    void askWithin(help, question).then((result) => {
      if (result?.kind !== 'inspection' || !result.found || !result.text.trim()) return;
      if (!view.dom.isConnected || view.state.doc !== state.doc) return;
      if (view.state.selection.main.head !== pos) return;
      view.dispatch({ effects: setInspection.of({ pos, text: result.text }) });
    });
    return true;
  };
}

const theme = EditorView.baseTheme({
  '.cm-tooltip.kernel-inspection': {
    maxWidth: 'min(720px, 80vw)',
    maxHeight: '320px',
    overflow: 'auto',
    padding: '6px 10px',
    background: 'var(--surface, #fff)',
    color: 'var(--text, #1c2330)',
    border: '1px solid var(--border-strong, #cdd2da)',
    borderRadius: '6px',
    boxShadow: '0 4px 16px rgba(16, 24, 40, 0.16)',
  },
  '.kernel-inspection pre': {
    margin: '0',
    fontFamily: 'var(--font-code, monospace)',
    fontSize: '12.5px',
    lineHeight: '1.45',
    whiteSpace: 'pre-wrap',
    wordBreak: 'break-word',
  },
});

/** The inspection tooltip's state, style, and closing when the editor loses the focus. */
export const inspectionTooltip = [
  inspectionField,
  theme,
  EditorView.focusChangeEffect.of((state, focusing) =>
    !focusing && inspectionShown(state) ? setInspection.of(null) : null,
  ),
];
