import { closeBrackets, closeBracketsKeymap } from '@codemirror/autocomplete';
import { defaultKeymap, indentWithTab } from '@codemirror/commands';
import { markdown } from '@codemirror/lang-markdown';
import {
  type LanguageSupport,
  bracketMatching,
  indentOnInput,
  indentUnit,
  syntaxHighlighting,
} from '@codemirror/language';
import { highlightSelectionMatches } from '@codemirror/search';
import { Compartment, EditorState, type Extension, Prec } from '@codemirror/state';
import {
  EditorView,
  type KeyBinding,
  drawSelection,
  dropCursor,
  keymap,
  lineNumbers,
} from '@codemirror/view';
import { classHighlighter } from '@lezer/highlight';
import { yCollab, yUndoManagerKeymap } from 'y-codemirror.next';
import type { Awareness } from 'y-protocols/awareness';
import type * as Y from 'yjs';

/** What a cell editor edits and how it reports back. */
export interface CodeEditorOptions {
  parent: HTMLElement;
  /** The cell's source; the editor and the text stay in sync both ways. */
  ytext: Y.Text;
  awareness: Awareness;
  /** This person's UndoManager, shared by every cell. */
  undoManager: Y.UndoManager;
  /** Markdown (a markdown cell), plain wrapped text (raw), or a code language (null: plain text). */
  language: 'markdown' | 'none' | { code: LanguageSupport | null };
  /** Notebook keys (Shift-Enter, Escape, ...) that take precedence over editing keys. */
  keys: readonly KeyBinding[];
  onFocus: () => void;
  /** True for a viewer (or a guest whose session ended): the text cannot be changed. */
  readOnly?: boolean;
  /** Show line numbers (Shift-L); reconfigure with `lineNumbering`. */
  lineNumbers?: boolean;
  /** More of the editor (kernel completion), ahead of the notebook's keys. */
  extensions?: Extension;
}

/** The compartment holding an editor's read-only state; reconfigure it with `editability`. */
export const editabilityCompartment = new Compartment();

/** The extension making an editor read-only (`readOnly` true) or editable. */
export function editability(readOnly: boolean): Extension {
  return EditorState.readOnly.of(readOnly);
}

/** The compartment holding an editor's line numbers; reconfigure it with `lineNumbering`. */
export const lineNumbersCompartment = new Compartment();

/** The extension showing line numbers (`on` true) or none. */
export function lineNumbering(on: boolean): Extension {
  return on ? lineNumbers() : [];
}

/** The compartment holding an editor's language; reconfigure it with `languageExtension`. */
export const languageCompartment = new Compartment();

/** The extension of a cell's language. */
export function languageExtension(language: CodeEditorOptions['language']): Extension {
  if (language === 'markdown') return [markdown(), EditorView.lineWrapping];
  if (language === 'none') return EditorView.lineWrapping;
  return language.code ?? [];
}

/** A CodeMirror 6 view bound to a cell's Y.Text with y-codemirror.next. Destroy when done. */
export function createCodeEditor(o: CodeEditorOptions): EditorView {
  return new EditorView({
    parent: o.parent,
    doc: o.ytext.toString(),
    extensions: [
      o.extensions ?? [],
      Prec.highest(keymap.of([...o.keys])),
      drawSelection(),
      dropCursor(),
      // JupyterLab's and PEP 8's indent; CodeMirror's default is two spaces.
      indentUnit.of('    '),
      indentOnInput(),
      bracketMatching(),
      closeBrackets(),
      highlightSelectionMatches(),
      syntaxHighlighting(classHighlighter),
      EditorView.contentAttributes.of({ 'data-testid': 'cell-editor', spellcheck: 'false' }),
      keymap.of([...closeBracketsKeymap, ...yUndoManagerKeymap, indentWithTab, ...defaultKeymap]),
      languageCompartment.of(languageExtension(o.language)),
      yCollab(o.ytext, o.awareness, { undoManager: o.undoManager }),
      editabilityCompartment.of(editability(o.readOnly ?? false)),
      lineNumbersCompartment.of(lineNumbering(o.lineNumbers ?? false)),
      EditorView.domEventHandlers({
        focus: () => {
          o.onFocus();
          return false;
        },
      }),
    ],
  });
}
