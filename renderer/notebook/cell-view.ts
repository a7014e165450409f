import type { EditorView } from '@codemirror/view';
import * as Y from 'yjs';
import { renderHighlighted } from '../editor/static-highlight';
import type { Attachments } from '../outputs/markdown';
import type { CellContext } from './cell-context';
import { CellEditor } from './cell-editor';
import { estimateCellHeight } from './cell-height';
import type { CellType } from './cell-operations';
import { CellOutputs } from './cell-outputs';
import { type CellParts, buildCellParts, el, showMarkdown } from './cell-parts';
import { CellViewState } from './cell-view-state';
import { type CellRunState, CellRunView } from './run-states';
import { StaleMarker } from './stale-marker';

/**
 * One cell of the notebook. Far from the viewport it is an empty box of its last measured (or
 * estimated) height; near it, its parts are built: the input (a live CodeMirror view, or
 * highlighted text until one is mounted; rendered HTML for markdown until edited), prompt, outputs
 * and last-run line. Follows its Y.Map either way; writes go through CodeMirror (bound with
 * y-codemirror.next) or the notebook. Its editor is in cell-editor.ts, its outputs in
 * cell-outputs.ts, what it hides and its heading in cell-view-state.ts, its elements in
 * cell-parts.ts, its prompt and last-run line in run-states.ts.
 */
export class CellView {
  readonly element = el('div', 'cell', 'cell');
  readonly id: string;
  readonly source: Y.Text;
  private parts: CellParts | null = null;
  private readonly editor: CellEditor;
  private readonly outputs: CellOutputs;
  private readonly viewState: CellViewState;
  private nearViewport = false;
  private far = true;
  private active = false;
  private editingMarkdown = false;
  private inputPending = false;
  private renderQueued = { input: false, outputs: false };
  private destroyed = false;
  private readonly runView: CellRunView;
  private readonly stale: StaleMarker;

  constructor(
    readonly map: Y.Map<unknown>,
    private readonly ctx: CellContext,
  ) {
    this.id = String(map.get('id'));
    this.source = map.get('source') as Y.Text;
    this.editor = new CellEditor(this, ctx);
    this.runView = new CellRunView(this.element, this.source);
    this.stale = new StaleMarker(this.element, this.source, () => this.paintStale());
    this.element.dataset.cellId = this.id;
    this.paintType();
    this.element.style.height = `${estimateCellHeight(map)}px`;
    map.observe(this.onMapChange);
    this.source.observe(this.onSourceChange);
    this.outputs = new CellOutputs(map, () => this.schedule('outputs'));
    this.viewState = new CellViewState(this, ctx);
  }

  /** The level (1–6) of the markdown heading this cell is, or 0 (not markdown, or no heading). */
  get headingLevel(): number {
    return this.viewState.headingLevel;
  }

  /** True while a collapsed heading above hides this cell. */
  get isSectionHidden(): boolean {
    return this.viewState.isSectionHidden;
  }

  /**
   * Hides the cell under a collapsed heading above it (`hidden`), or shows it; `hiddenBelow` is
   * how many cells this cell's own collapsed heading hides.
   */
  setSection(hidden: boolean, hiddenBelow: number): void {
    if (this.viewState.setSection(hidden, hiddenBelow)) this.paintViewState();
  }

  /** Shows what is hidden of the cell as the notebook says now. */
  paintViewState(): void {
    this.viewState.paint(this.parts, this.outputs.count(this.type === 'code'));
  }

  /** The cell's type as the document says now. */
  get type(): CellType {
    return (this.map.get('cell_type') as CellType) ?? 'code';
  }

  /** The live editor, when mounted. */
  get view(): EditorView | null {
    return this.editor.view;
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
    return this.nearViewport && !this.editor.view && this.type !== 'markdown' && !this.destroyed;
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
    this.editor.focusAt(pos);
  }

  /** Leaves edit mode; markdown cells render again. */
  leaveEdit(): void {
    this.element.classList.remove('editing');
    this.editor.blur();
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
    this.editor.selectRange(from, to);
  }

  /** Makes the live editor read-only or editable again (a role changed). */
  setReadOnly(readOnly: boolean): void {
    this.editor.setReadOnly(readOnly);
  }

  /** Highlights a code cell in the notebook's language as it is now (the kernel changed). */
  updateCodeLanguage(): void {
    if (this.type !== 'code') return;
    this.editor.updateCodeLanguage();
    this.renderInput();
  }

  /** Shows or hides the live editor's line numbers (new editors ask `ctx.lineNumbers()`). */
  setLineNumbers(on: boolean): void {
    this.editor.setLineNumbers(on);
  }

  /** Updates the prompt and last-run line from the runtime map. */
  setRunState(state: CellRunState): void {
    const shown = this.runView.set(state);
    if (this.stale.setRun(state) || shown) this.renderPrompt();
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
      const field = this.outputs.ask(this.parts?.outputs, prompt, password, (value) => {
        this.inputPending = false;
        resolve(value);
        this.releaseIfFar();
      });
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
    this.outputs.destroy();
    this.stale.destroy();
    this.viewState.destroy();
    this.editor.destroy();
    this.element.remove();
  }

  private syncEditor(force = false): void {
    const wantsEditor =
      this.type === 'markdown'
        ? this.editingMarkdown
        : force || this.nearViewport || this.editor.hasFocus;
    if (wantsEditor && this.parts) this.editor.mount(this.parts.editorHost);
    else if (!wantsEditor) this.editor.destroy();
    this.element.classList.toggle('has-editor', this.editor.view !== null);
    if (!this.editor.view) this.renderInput();
  }

  private get pinned(): boolean {
    return this.active || this.editingMarkdown || this.inputPending || this.editor.hasFocus;
  }

  private releaseIfFar(): void {
    if (this.far && this.parts && !this.nearViewport) this.release(this.element.offsetHeight);
  }

  // Drops the parts (and the editor) of a far cell, keeping a box of `height` px in their place.
  private release(height: number): void {
    if (!this.parts || this.pinned || this.destroyed) return;
    this.editor.destroy();
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
    if (this.editor.view || !this.parts) return;
    const text = this.source.toString();
    if (this.type === 'markdown') {
      showMarkdown(
        this.parts.rendered,
        text,
        this.map.get('attachments') as Attachments | undefined,
      );
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
    const count = this.outputs.render(this.parts.outputs, this.type === 'code');
    this.paintViewState();
    this.paintStale();
    if (count) this.ctx.onRendered(this);
  }

  private renderPrompt(): void {
    this.runView.paint(this.parts, this.type === 'code', this.map.get('execution_count'));
    this.paintStale();
  }

  // Dims outputs that came from an earlier source or kernel, with the line saying which.
  private paintStale(): void {
    const count = this.map.get('execution_count');
    const results = this.outputs.count(this.type === 'code') > 0 || typeof count === 'number';
    this.stale.paint(this.parts?.staleNote ?? null, results);
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
      this.viewState.metadataReplaced();
    }
    if (event.keysChanged.has('cell_type')) {
      this.viewState.typeChanged();
      if (this.type !== 'markdown') this.editingMarkdown = false;
      this.editor.destroy();
      this.renderAll();
      this.syncEditor();
    }
    if (event.keysChanged.has('outputs')) {
      this.outputs.follow();
      this.schedule('outputs');
    }
    if (event.keysChanged.has('execution_count')) this.renderPrompt();
    if (event.keysChanged.has('attachments')) this.schedule('input');
  };

  private onMouseDown = (e: MouseEvent): void => {
    if (!this.element.contains(document.activeElement) || !this.editor.hasFocus) {
      if ((e.target as HTMLElement).closest('.cm-editor, a, summary, button')) return;
      this.ctx.onActivate(this, 'command');
    }
  };

  private onSourceChange = (): void => {
    if (!this.editor.view) this.schedule('input');
    this.viewState.queueLevelCheck();
    this.stale.sourceChanged();
    if (this.runView.followsSource) this.renderPrompt();
  };
}
