// A cell's live CodeMirror view (editor/code-editor.ts), while the cell has one: bound to the
// cell's source with y-codemirror.next, set up with the notebook's keys and this page's settings,
// and reconfigured in place when the kernel's language, the role or line numbers change.
import { closeCompletion } from '@codemirror/autocomplete';
import type { EditorView } from '@codemirror/view';
import {
  createCodeEditor,
  editability,
  editabilityCompartment,
  languageCompartment,
  languageExtension,
  lineNumbering,
  lineNumbersCompartment,
} from '../editor/code-editor';
import { kernelAssist } from '../editor/kernel-completion';
import type { CellContext } from './cell-context';
import type { CellView } from './cell-view';

/** The editor of one cell: none until mounted, none again once destroyed. */
export class CellEditor {
  private editor: EditorView | null = null;

  constructor(
    private readonly cell: CellView,
    private readonly ctx: CellContext,
  ) {}

  /** The live editor, when mounted. */
  get view(): EditorView | null {
    return this.editor;
  }

  /** True when the live editor has the keyboard focus. */
  get hasFocus(): boolean {
    return this.editor?.hasFocus === true;
  }

  /** Mounts the editor into `parent`, in the language of the cell's type, if there is none. */
  mount(parent: HTMLElement): void {
    if (this.editor) return;
    const { cell, ctx } = this;
    const language =
      cell.type === 'code'
        ? { code: ctx.codeLanguage() }
        : cell.type === 'markdown'
          ? 'markdown'
          : 'none';
    this.editor = createCodeEditor({
      parent,
      ytext: cell.source,
      awareness: ctx.awareness,
      undoManager: ctx.undoManager,
      language,
      keys: ctx.editKeys(cell),
      onFocus: () => ctx.onActivate(cell, 'edit'),
      readOnly: ctx.readOnly(),
      lineNumbers: ctx.lineNumbers(),
      // Every cell's editor has it: a cell changed to code completes without a new editor.
      extensions: ctx.kernelHelp ? kernelAssist(ctx.kernelHelp, () => cell.type === 'code') : [],
    });
  }

  /** Destroys the editor, if mounted. */
  destroy(): void {
    this.editor?.destroy();
    this.editor = null;
  }

  /** Puts the cursor at `pos` (null: where it is) and focuses the editor. */
  focusAt(pos: 'start' | 'end' | number | null): void {
    const view = this.editor;
    if (!view) return;
    if (pos !== null) {
      const at = pos === 'start' ? 0 : pos === 'end' ? view.state.doc.length : pos;
      view.dispatch({ selection: { anchor: Math.min(at, view.state.doc.length) } });
    }
    view.focus();
  }

  /** Takes the focus away from the editor, if it has it. */
  blur(): void {
    if (this.editor?.hasFocus) this.editor.contentDOM.blur();
  }

  /** Selects characters `from`..`to` and scrolls them into view. */
  selectRange(from: number, to: number): void {
    this.editor?.dispatch({ selection: { anchor: from, head: to }, scrollIntoView: true });
  }

  /** Makes the editor read-only or editable again (a role changed). */
  setReadOnly(readOnly: boolean): void {
    if (!this.editor) return;
    // A completion list opened before would still insert on Enter.
    if (readOnly) closeCompletion(this.editor);
    this.editor.dispatch({ effects: editabilityCompartment.reconfigure(editability(readOnly)) });
  }

  /** Highlights code in the notebook's language as it is now (the kernel changed). */
  updateCodeLanguage(): void {
    const code = this.ctx.codeLanguage();
    this.editor?.dispatch({
      effects: languageCompartment.reconfigure(languageExtension({ code })),
    });
  }

  /** Shows or hides line numbers. */
  setLineNumbers(on: boolean): void {
    this.editor?.dispatch({ effects: lineNumbersCompartment.reconfigure(lineNumbering(on)) });
  }
}
