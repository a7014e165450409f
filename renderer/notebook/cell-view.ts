import type { LanguageSupport } from '@codemirror/language';
import type { EditorView, KeyBinding } from '@codemirror/view';
import type { Awareness } from 'y-protocols/awareness';
import * as Y from 'yjs';
import {
  createCodeEditor,
  editability,
  editabilityCompartment,
  languageCompartment,
  languageExtension,
  lineNumbering,
  lineNumbersCompartment,
} from '../editor/code-editor';
import { renderHighlighted } from '../editor/static-highlight';
import { type Attachments, renderMarkdown } from '../outputs/markdown';
import { estimateCellHeight } from './cell-height';
import type { CellType } from './cell-operations';
import {
  type CellParts,
  buildCellParts,
  el,
  inputLine,
  paintViewState,
  showOutputs,
} from './cell-parts';
import { headingLevel } from './headings';
import type { ViewPart } from './view-state';
import { type CellRunState, CellRunView } from './run-states';

/** What every cell view shares, given by the notebook view. */
export interface CellContext {
  awareness: Awareness;
  undoManager: Y.UndoManager;
  /** The language of code cells now (the kernel's; null: plain text). */
  codeLanguage(): LanguageSupport | null;
  /** The notebook's keys while editing `cell`. */
  editKeys(cell: CellView): readonly KeyBinding[];
  /** The person clicked or focused into the cell. */
  onActivate(cell: CellView, mode: 'command' | 'edit'): void;
  /** Outputs or markdown were rendered (for the test hook and find). */
  onRendered(cell: CellView): void;
  /** True when this person may not change the notebook (a viewer). */
  readOnly(): boolean;
  /** True when editors show line numbers (Shift-L, this page only). */
  lineNumbers(): boolean;
  /** Whether `part` of `cell` is hidden now (its metadata, or this page's own choice). */
  isHidden(cell: CellView, part: ViewPart): boolean;
  /** The cell's metadata (`metadata` true) or heading level changed: what it hides may have. */
  onViewStateChange?(cell: CellView, metadata: boolean): void;
  /** The cell's parts were built (`true`) or dropped back to a box (`false`). */
  onBuilt?(cell: CellView, built: boolean): void;
}

/**
 * One cell of the notebook. Far from the viewport it is an empty box of its last measured (or
 * estimated) height; near it, its parts are built: the input (a live CodeMirror view, or
 * highlighted text until one is mounted; rendered HTML for markdown until edited), prompt, outputs
 * and last-run line. Follows its Y.Map either way; writes go through CodeMirror (bound with
 * y-codemirror.next) or the notebook.
 */
export class CellView {
  readonly element = el('div', 'cell', 'cell');
  readonly id: string;
  readonly source: Y.Text;
  private parts: CellParts | null = null;
  private editor: EditorView | null = null;
  private nearViewport = false;
  private far = true;
  private active = false;
  private editingMarkdown = false;
  private inputPending = false;
  private observedOutputs: Y.Array<unknown> | null = null;
  private observedMetadata: Y.Map<unknown> | null = null;
  private level: number | null = null;
  private sectionHidden = false;
  private hiddenBelow = 0;
  private viewStateQueued = false;
  private renderQueued = { input: false, outputs: false };
  private destroyed = false;
  private readonly runView: CellRunView;

  constructor(
    readonly map: Y.Map<unknown>,
    private readonly ctx: CellContext,
  ) {
    this.id = String(map.get('id'));
    this.source = map.get('source') as Y.Text;
    this.runView = new CellRunView(this.element, this.source);
    this.element.dataset.cellId = this.id;
    this.paintType();
    this.element.style.height = `${estimateCellHeight(map)}px`;
    map.observe(this.onMapChange);
    this.source.observe(this.onSourceChange);
    this.observeOutputs();
    this.observeMetadata();
  }

  /** The level (1–6) of the markdown heading this cell is, or 0 (not markdown, or no heading). */
  get headingLevel(): number {
    if (this.type !== 'markdown') return 0;
    this.level ??= headingLevel(this.source.toString());
    return this.level;
  }

  /** True while a collapsed heading above hides this cell. */
  get isSectionHidden(): boolean {
    return this.sectionHidden;
  }

  /**
   * Hides the cell under a collapsed heading above it (`hidden`), or shows it; `hiddenBelow` is
   * how many cells this cell's own collapsed heading hides.
   */
  setSection(hidden: boolean, hiddenBelow: number): void {
    if (hidden !== this.sectionHidden) {
      this.sectionHidden = hidden;
      this.element.classList.toggle('section-hidden', hidden);
    }
    if (hiddenBelow !== this.hiddenBelow) {
      this.hiddenBelow = hiddenBelow;
      this.paintViewState();
    }
  }

  /** Shows what is hidden of the cell as the notebook says now. */
  paintViewState(): void {
    const input = this.ctx.isHidden(this, 'input');
    this.element.classList.toggle('input-hidden', input);
    if (!this.parts) return;
    const outputs = this.map.get('outputs');
    const level = this.headingLevel;
    paintViewState(this.parts, {
      inputHidden: input,
      outputsHidden: this.ctx.isHidden(this, 'outputs'),
      headingLevel: level,
      headingCollapsed: level > 0 && this.ctx.isHidden(this, 'heading'),
      hiddenCells: this.hiddenBelow,
      firstLine: input ? (this.source.toString().split('\n', 1)[0] ?? '').slice(0, 200) : '',
      outputCount: this.type === 'code' && outputs instanceof Y.Array ? outputs.length : 0,
    });
  }

  /** The cell's type as the document says now. */
  get type(): CellType {
    return (this.map.get('cell_type') as CellType) ?? 'code';
  }

  /** The live editor, when mounted. */
  get view(): EditorView | null {
    return this.editor;
  }

  /** True when the markdown cell shows its editor instead of its rendering. */
  get isEditingMarkdown(): boolean {
    return this.editingMarkdown;
  }

  /** True while the cell's parts are built (it is near the viewport, active or being edited). */
  get isMaterialized(): boolean {
    return this.parts !== null;
  }

  /**
   * Tells the cell whether it is in or near the viewport: only then does it keep a live editor.
   * `mountEditor` false builds the cell's parts but leaves the editor for `mountEditor()` later.
   */
  setNearViewport(near: boolean, mountEditor = true): void {
    this.nearViewport = near;
    if (near) this.materialize();
    if (near && !mountEditor) return;
    this.syncEditor();
  }

  /** True when the cell is near the viewport and a code or raw cell without a live editor yet. */
  get wantsEditor(): boolean {
    return this.nearViewport && !this.editor && this.type !== 'markdown' && !this.destroyed;
  }

  /** Mounts the live editor if the cell still wants one. */
  mountEditor(): void {
    if (this.wantsEditor) this.syncEditor();
  }

  /**
   * Tells the cell whether it is far from the viewport (`height`: its box's height then, in px):
   * a far cell drops its parts and keeps only a box of that height, unless it is active, being
   * edited or asking for input.
   */
  setFar(far: boolean, height: number): void {
    this.far = far;
    if (far) this.release(height);
  }

  /** Builds the cell's parts (idempotent): prompt, input, outputs, footer. */
  materialize(): void {
    if (this.parts || this.destroyed) return;
    const parts = buildCellParts(this.element);
    parts.placeholder.addEventListener('mousedown', (e) => {
      e.preventDefault();
      this.ctx.onActivate(this, 'edit');
    });
    parts.rendered.addEventListener('dblclick', () => this.ctx.onActivate(this, 'edit'));
    this.element.addEventListener('mousedown', this.onMouseDown);
    this.parts = parts;
    this.element.style.height = '';
    this.element.classList.add('materialized');
    this.renderInput();
    this.renderOutputs();
    this.renderPrompt();
    this.paintViewState();
    // Built cells are usually on screen (built because near, or selected and scrolled to): never
    // drop one before the notebook's far observer has said where it is.
    this.far = false;
    this.ctx.onBuilt?.(this, true);
  }

  /** Marks the cell as the active one and/or part of the selection. */
  setSelection(active: boolean, selected: boolean): void {
    const wasActive = this.active;
    this.active = active;
    this.element.classList.toggle('active', active);
    this.element.classList.toggle('selected', selected);
    this.element.dataset.active = String(active);
    if (wasActive && !active) this.releaseIfFar();
  }

  /** Enters edit mode: mounts the editor (markdown: shows it) and focuses it at `pos`. */
  edit(pos: 'start' | 'end' | number | null = null): void {
    this.materialize();
    if (this.type === 'markdown') this.editingMarkdown = true;
    this.syncEditor(true);
    this.element.classList.add('editing');
    const view = this.editor;
    if (!view) return;
    if (pos !== null) {
      const at = pos === 'start' ? 0 : pos === 'end' ? view.state.doc.length : pos;
      view.dispatch({ selection: { anchor: Math.min(at, view.state.doc.length) } });
    }
    view.focus();
  }

  /** Leaves edit mode; markdown cells render again. */
  leaveEdit(): void {
    this.element.classList.remove('editing');
    if (this.editor?.hasFocus) this.editor.contentDOM.blur();
    if (this.type === 'markdown' && this.editingMarkdown) {
      this.editingMarkdown = false;
      this.syncEditor();
      this.renderInput();
    }
    this.releaseIfFar();
  }

  /** Selects characters `from`..`to` of the source in the editor (mounting it), for find. */
  select(from: number, to: number): void {
    this.materialize();
    if (this.type === 'markdown') this.editingMarkdown = true;
    this.syncEditor(true);
    this.editor?.dispatch({ selection: { anchor: from, head: to }, scrollIntoView: true });
  }

  /** Makes the live editor read-only or editable again (a role changed). */
  setReadOnly(readOnly: boolean): void {
    this.editor?.dispatch({ effects: editabilityCompartment.reconfigure(editability(readOnly)) });
  }

  /** Highlights a code cell in the notebook's language as it is now (the kernel changed). */
  updateCodeLanguage(): void {
    if (this.type !== 'code') return;
    const code = this.ctx.codeLanguage();
    this.editor?.dispatch({
      effects: languageCompartment.reconfigure(languageExtension({ code })),
    });
    this.renderInput();
  }

  /** Shows or hides the live editor's line numbers (new editors ask `ctx.lineNumbers()`). */
  setLineNumbers(on: boolean): void {
    this.editor?.dispatch({ effects: lineNumbersCompartment.reconfigure(lineNumbering(on)) });
  }

  /** Updates the prompt and last-run line from the runtime map. */
  setRunState(state: CellRunState): void {
    if (this.runView.set(state)) this.renderPrompt();
  }

  /** Updates the elapsed time of a running cell. */
  tick(now: number): void {
    if (this.parts) this.runView.tick(this.parts.footer, now);
  }

  /**
   * Asks the person for a line of input below the outputs (the kernel's `input()` or `getpass()`).
   * Resolves to what they typed when they press Enter.
   */
  askInput(prompt: string, password: boolean): Promise<string> {
    this.materialize();
    this.inputPending = true;
    return new Promise((resolve) => {
      const { row, field } = inputLine(prompt, password, (value) => {
        this.inputPending = false;
        resolve(value);
        this.releaseIfFar();
      });
      this.parts?.outputs.after(row);
      this.element.scrollIntoView({ block: 'nearest' });
      field.focus();
    });
  }

  /** Stops following the document and destroys the editor. Idempotent. */
  destroy(): void {
    if (this.destroyed) return;
    this.destroyed = true;
    this.map.unobserve(this.onMapChange);
    this.source.unobserve(this.onSourceChange);
    this.observedOutputs?.unobserveDeep(this.onOutputsChange);
    this.observedMetadata?.unobserve(this.onMetadataChange);
    this.editor?.destroy();
    this.editor = null;
    this.element.remove();
  }

  private syncEditor(force = false): void {
    const wantsEditor =
      this.type === 'markdown'
        ? this.editingMarkdown
        : force || this.nearViewport || this.editor?.hasFocus === true;
    if (wantsEditor && !this.editor && this.parts) {
      const language =
        this.type === 'code'
          ? { code: this.ctx.codeLanguage() }
          : this.type === 'markdown'
            ? 'markdown'
            : 'none';
      this.editor = createCodeEditor({
        parent: this.parts.editorHost,
        ytext: this.source,
        awareness: this.ctx.awareness,
        undoManager: this.ctx.undoManager,
        language,
        keys: this.ctx.editKeys(this),
        onFocus: () => this.ctx.onActivate(this, 'edit'),
        readOnly: this.ctx.readOnly(),
        lineNumbers: this.ctx.lineNumbers(),
      });
    } else if (!wantsEditor && this.editor) {
      this.editor.destroy();
      this.editor = null;
    }
    this.element.classList.toggle('has-editor', this.editor !== null);
    if (!this.editor) this.renderInput();
  }

  private get pinned(): boolean {
    return (
      this.active || this.editingMarkdown || this.inputPending || this.editor?.hasFocus === true
    );
  }

  private releaseIfFar(): void {
    if (this.far && this.parts && !this.nearViewport) this.release(this.element.offsetHeight);
  }

  // Drops the parts (and the editor) of a far cell, keeping a box of `height` px in their place.
  private release(height: number): void {
    if (!this.parts || this.pinned || this.destroyed) return;
    this.editor?.destroy();
    this.editor = null;
    this.parts = null;
    this.element.removeEventListener('mousedown', this.onMouseDown);
    this.element.classList.remove('materialized', 'has-editor');
    this.element.textContent = '';
    // A cell hidden under a collapsed heading measures 0: keep an estimate for when it shows.
    const box = height > 0 ? height : estimateCellHeight(this.map);
    this.element.style.height = `${Math.max(1, Math.round(box))}px`;
    this.ctx.onBuilt?.(this, false);
  }

  private paintType(): void {
    this.element.dataset.cellType = this.type;
    this.element.classList.remove('cell-code', 'cell-markdown', 'cell-raw');
    this.element.classList.add(`cell-${this.type}`);
  }

  private renderAll(): void {
    this.paintType();
    this.renderInput();
    this.renderOutputs();
    this.renderPrompt();
    this.paintViewState();
  }

  private renderInput(): void {
    if (this.editor || !this.parts) return;
    const text = this.source.toString();
    if (this.type === 'markdown') {
      const attachments = this.map.get('attachments') as Attachments | undefined;
      this.parts.rendered.innerHTML = text.trim()
        ? renderMarkdown(text, attachments ?? null)
        : '<p class="empty-markdown">Empty markdown cell — double-click to edit</p>';
      this.ctx.onRendered(this);
    } else {
      renderHighlighted(
        this.parts.placeholder,
        text,
        this.type === 'code' ? (this.ctx.codeLanguage()?.language ?? null) : null,
      );
    }
  }

  private renderOutputs(): void {
    if (!this.parts) return;
    const outputs = this.map.get('outputs');
    const list =
      this.type === 'code' && outputs instanceof Y.Array
        ? outputs.toArray().map((o) => (o instanceof Y.Map ? o.toJSON() : {}))
        : [];
    showOutputs(this.parts.outputs, list);
    this.paintViewState();
    if (list.length) this.ctx.onRendered(this);
  }

  private renderPrompt(): void {
    this.runView.paint(this.parts, this.type === 'code', this.map.get('execution_count'));
  }

  private observeOutputs(): void {
    this.observedOutputs?.unobserveDeep(this.onOutputsChange);
    const outputs = this.map.get('outputs');
    this.observedOutputs = outputs instanceof Y.Array ? outputs : null;
    this.observedOutputs?.observeDeep(this.onOutputsChange);
  }

  private observeMetadata(): void {
    this.observedMetadata?.unobserve(this.onMetadataChange);
    const metadata = this.map.get('metadata');
    this.observedMetadata = metadata instanceof Y.Map ? metadata : null;
    this.observedMetadata?.observe(this.onMetadataChange);
  }

  private onMetadataChange = (): void => {
    this.paintViewState();
    this.ctx.onViewStateChange?.(this, true);
  };

  // A markdown cell's heading level follows its text, once a frame at most while typing.
  private queueHeadingCheck(): void {
    if (this.type !== 'markdown' || this.viewStateQueued) return;
    this.viewStateQueued = true;
    requestAnimationFrame(() => {
      this.viewStateQueued = false;
      if (this.destroyed) return;
      const before = this.level;
      this.level = null;
      if (this.headingLevel === before) return;
      this.paintViewState();
      this.ctx.onViewStateChange?.(this, false);
    });
  }

  private schedule(part: 'input' | 'outputs'): void {
    // A cell without parts renders everything afresh when it gets them.
    if (!this.parts || this.renderQueued[part]) return;
    this.renderQueued[part] = true;
    requestAnimationFrame(() => {
      this.renderQueued[part] = false;
      if (this.destroyed) return;
      if (part === 'input') this.renderInput();
      else this.renderOutputs();
    });
  }

  private onMapChange = (event: Y.YMapEvent<unknown>): void => {
    if (event.keysChanged.has('metadata')) {
      this.observeMetadata();
      this.onMetadataChange();
    }
    if (event.keysChanged.has('cell_type')) {
      this.level = null;
      this.ctx.onViewStateChange?.(this, false);
      if (this.type !== 'markdown') this.editingMarkdown = false;
      this.editor?.destroy();
      this.editor = null;
      this.renderAll();
      this.syncEditor();
    }
    if (event.keysChanged.has('outputs')) {
      this.observeOutputs();
      this.schedule('outputs');
    }
    if (event.keysChanged.has('execution_count')) this.renderPrompt();
    if (event.keysChanged.has('attachments')) this.schedule('input');
  };

  private onMouseDown = (e: MouseEvent): void => {
    if (!this.element.contains(document.activeElement) || !this.editor?.hasFocus) {
      if ((e.target as HTMLElement).closest('.cm-editor, a, summary, button')) return;
      this.ctx.onActivate(this, 'command');
    }
  };

  private onSourceChange = (): void => {
    if (!this.editor) this.schedule('input');
    this.queueHeadingCheck();
    if (this.runView.followsSource) this.renderPrompt();
  };

  private onOutputsChange = (): void => this.schedule('outputs');
}
