import type { Awareness } from 'y-protocols/awareness';
import * as Y from 'yjs';
import { runtimeOf } from '../../protocol/runtime-state';
import { cellsOf } from '../../protocol/ydoc-nbformat';
import type { KernelHelp } from '../editor/kernel-help';
import { CellDrag } from './cell-drag';
import { CellFocus } from './cell-focus';
import { LOCAL_ORIGIN } from './cell-operations';
import { CellSelection } from './cell-selection';
import { CellView } from './cell-view';
import { CellVisibility } from './cell-visibility';
import { CellWindowing } from './cell-windowing';
import type { CommandTarget } from './command-target';
import { type NotebookCommand, notebookCommands } from './commands';
import { CopyPaste } from './copy-paste';
import { headingAbove, headingBelow } from './headings';
import { KernelLanguage } from './kernel-language';
import { NotebookInput } from './notebook-input';
import { RunStates } from './run-states';
import type { ViewPart } from './view-state';

/** What the notebook asks of the app around it (requests to the host, the find bar). */
export interface NotebookActions {
  run(cellIds: string[]): void;
  save(): void;
  interrupt(): void;
  restart(): void;
  find(): void;
  /** Something was rendered (outputs, markdown); for the test hook. */
  rendered(cellId: string): void;
  /** The active cell changed (for presence); optional. */
  activeCell?(cellId: string | null): void;
  /** This person tried to change the notebook while read-only; optional. */
  readOnlyRefused?(): void;
  /** Tells this person something (a toast), e.g. that the clipboard holds no cells; optional. */
  notify?(message: string, level: 'info' | 'warning' | 'error'): void;
  /** Completion and inspection from the kernel (Tab, Shift-Tab); none: Tab only indents. */
  kernelHelp?: KernelHelp;
}

/** What this person may do to the notebook, as their role allows. */
export interface NotebookPermissions {
  /** Change sources and the cell list. False for viewers. */
  edit: boolean;
  /**
   * Moved and pasted cells keep their outputs. False for guests: only the host's kernel writes
   * outputs (host/hub/role-guard.ts drops a guest's update that writes them).
   */
  moveOutputs: boolean;
}

/** Where this browser keeps Shift-L's choice (a view setting: never in the shared document). */
const LINE_NUMBERS_KEY = 'pairbook:line-numbers';

function storedLineNumbers(): boolean {
  try {
    return localStorage.getItem(LINE_NUMBERS_KEY) === 'true';
  } catch {
    return false;
  }
}

/**
 * The notebook: one CellView per cell of the shared Y.Array, kept in step with it. The rest is in
 * parts, as CodeMirror's EditorView has its own: windowing (cell-windowing.ts: cells are built
 * near the viewport only), the selection and Jupyter's command and edit modes (cell-focus.ts),
 * keys and clicks (notebook-input.ts), hidden parts and collapsed headings (cell-visibility.ts),
 * the kernel's language (kernel-language.ts), run states (run-states.ts), dragging
 * (cell-drag.ts) and the clipboard (copy-paste.ts). What keys do is in commands.ts, which keys
 * in keymap.ts.
 */
export class NotebookView implements CommandTarget {
  readonly element = document.createElement('div');
  /** This person's undo history: their typing and structural edits, nothing else. */
  readonly undoManager: Y.UndoManager;
  readonly selection = new CellSelection();
  readonly clipboard: CopyPaste;
  private readonly cells: Y.Array<Y.Map<unknown>>;
  private views: CellView[] = [];
  private readonly viewOf = new WeakMap<Element, CellView>();
  private readonly windowing: CellWindowing;
  private readonly visibility: CellVisibility;
  private readonly focus: CellFocus;
  private readonly input: NotebookInput;
  private readonly runStates: RunStates;
  private readonly language: KernelLanguage;
  private readonly drag: CellDrag;
  private destroyed = false;
  private currentPermissions: NotebookPermissions = { edit: true, moveOutputs: true };
  private showLineNumbers = storedLineNumbers();

  constructor(
    readonly doc: Y.Doc,
    private readonly awareness: Awareness,
    scroller: HTMLElement,
    readonly actions: NotebookActions,
  ) {
    this.cells = cellsOf(doc);
    this.undoManager = new Y.UndoManager(this.cells, {
      trackedOrigins: new Set([LOCAL_ORIGIN]),
      captureTimeout: 500,
    });
    this.element.className = 'notebook';
    this.element.dataset.testid = 'notebook';
    this.element.tabIndex = 0;
    this.element.setAttribute('role', 'list');
    this.element.dataset.lineNumbers = String(this.showLineNumbers);
    this.windowing = new CellWindowing(
      this.element,
      scroller,
      () => this.views,
      (element) => this.viewOf.get(element),
    );
    this.visibility = new CellVisibility(this);
    this.focus = new CellFocus(this, this.visibility);
    this.input = new NotebookInput(this, this.focus);
    this.clipboard = new CopyPaste(this);
    this.drag = new CellDrag(this);
    this.cells.observe(this.onCellsChange);
    this.runStates = new RunStates(runtimeOf(doc), () => this.views);
    this.language = new KernelLanguage(doc, this.element, () => this.views);
    this.rebuild();
  }

  /**
   * Builds the cells the first screen of `height` px will show, before anything is painted, so
   * the first frame has content; the rest follow the viewport. Editors mount right after.
   */
  showFirstScreen(height: number): void {
    this.windowing.showFirstScreen(height);
  }

  /** The views in document order. */
  get cellViews(): readonly CellView[] {
    return this.views;
  }

  /** The index of the active cell. */
  get activeIndex(): number {
    return this.selection.active;
  }

  /** 'command' or 'edit'. */
  get currentMode(): 'command' | 'edit' {
    return this.focus.mode;
  }

  /** What this person may do now. */
  get permissions(): Readonly<NotebookPermissions> {
    return this.currentPermissions;
  }

  /** Applies what this person may do, at once (a role changed). */
  setPermissions(permissions: NotebookPermissions): void {
    const wasReadOnly = !this.currentPermissions.edit;
    this.currentPermissions = { ...permissions };
    this.element.dataset.readOnly = String(!permissions.edit);
    if (wasReadOnly !== !permissions.edit) {
      for (const v of this.views) v.setReadOnly(!permissions.edit);
    }
  }

  /** True when cell editors show line numbers. */
  get lineNumbers(): boolean {
    return this.showLineNumbers;
  }

  /** Shows or hides line numbers in every cell, on this page only; the browser remembers it. */
  setLineNumbers(on: boolean): void {
    this.showLineNumbers = on;
    this.element.dataset.lineNumbers = String(on);
    try {
      localStorage.setItem(LINE_NUMBERS_KEY, String(on));
    } catch {
      // A browser that keeps nothing forgets it on reload; the page still shows it.
    }
    for (const v of this.views) v.setLineNumbers(on);
  }

  /** Whether `part` of `cell` is hidden on this page: the metadata, or this page's own choice. */
  isHidden(cell: CellView, part: ViewPart): boolean {
    return this.visibility.isHidden(cell, part);
  }

  /**
   * Hides or shows `part` of `cells` for everyone (written to the cell metadata, in JupyterLab's
   * keys), or, for a person who may not change the notebook, on this page only.
   */
  setHidden(cells: readonly CellView[], part: ViewPart, hidden: boolean): void {
    this.visibility.setHidden(cells, part, hidden);
  }

  /** True when cell `index` is hidden under a collapsed heading. */
  isCellHidden(index: number): boolean {
    return this.views[index]?.isSectionHidden ?? false;
  }

  /** The heading levels of the cells (0: not a markdown heading). */
  headingLevels(): number[] {
    return this.visibility.headingLevels();
  }

  /** The nearest heading above `index` to move to with ←, or -1 (headings.ts). */
  headingAbove(index: number): number {
    return headingAbove(this.headingLevels(), index);
  }

  /** The next heading below `index` to move to with →, or -1. */
  headingBelow(index: number): number {
    return headingBelow(this.headingLevels(), index);
  }

  /** Runs one notebook command (from a key, a button or a menu); false when it did not apply. */
  execute(command: NotebookCommand): boolean {
    // Each command is its own undo step, never merged with typing or another edit.
    if (command !== 'undo' && command !== 'redo') this.undoManager.stopCapturing();
    return notebookCommands[command](this);
  }

  /** The view of cell `id`, if it is in the notebook. */
  cellById(id: string): CellView | undefined {
    return this.views.find((v) => v.id === id);
  }

  /** The view whose element is `element`, if any. */
  viewFor(element: Element | null): CellView | undefined {
    return element ? this.viewOf.get(element) : undefined;
  }

  /** Makes cell `index` active (extending the selection when `extend`) and scrolls to it. */
  select(index: number, extend = false): void {
    this.focus.select(index, extend);
  }

  /** Selects cells `anchor`..`active` where they are, without scrolling. */
  setSelection(anchor: number, active: number): void {
    this.focus.setSelection(anchor, active);
  }

  /** Enters edit mode in the active cell (showing its input, if hidden, as JupyterLab does). */
  enterEditMode(pos: 'start' | 'end' | number | null = null): void {
    this.focus.enterEditMode(pos);
  }

  /** Leaves edit mode; keys act on cells again. */
  enterCommandMode(): void {
    this.focus.enterCommandMode();
  }

  /** Stops following the document. Idempotent. */
  destroy(): void {
    if (this.destroyed) return;
    this.destroyed = true;
    this.cells.unobserve(this.onCellsChange);
    this.language.destroy();
    this.visibility.destroy();
    this.runStates.destroy();
    this.clipboard.destroy();
    this.drag.destroy();
    this.windowing.destroy();
    this.views.forEach((v) => v.destroy());
    this.undoManager.destroy();
  }

  private makeView(map: Y.Map<unknown>): CellView {
    const view = new CellView(map, {
      awareness: this.awareness,
      undoManager: this.undoManager,
      codeLanguage: () => this.language.support,
      editKeys: (cell) => this.input.editKeys(cell),
      onActivate: (cell, mode) => this.focus.activate(cell, mode),
      onRendered: (cell) => this.actions.rendered(cell.id),
      readOnly: () => !this.currentPermissions.edit,
      lineNumbers: () => this.showLineNumbers,
      kernelHelp: this.actions.kernelHelp ?? null,
      isHidden: (cell, part) => this.visibility.isHidden(cell, part),
      onViewStateChange: (cell, metadata) => this.visibility.cellChanged(cell, metadata),
      onBuilt: (cell, built) => this.windowing.built(cell, built),
    });
    this.viewOf.set(view.element, view);
    return view;
  }

  private forget(view: CellView): void {
    this.windowing.forget(view);
    this.selection.forget(view);
    view.destroy();
  }

  private rebuild(): void {
    this.views.forEach((v) => this.forget(v));
    this.windowing.prune();
    this.views = this.cells.toArray().map((m) => this.makeView(m));
    this.windowing.insert(this.views, undefined);
    this.runStates.update();
    this.focus.paint();
    this.visibility.update();
  }

  private onCellsChange = (event: Y.YArrayEvent<Y.Map<unknown>>): void => {
    const activeId = this.views[this.selection.active]?.id;
    let index = 0;
    for (const d of event.changes.delta) {
      if (d.retain) index += d.retain;
      if (d.delete) {
        this.views.splice(index, d.delete).forEach((v) => this.forget(v));
      }
      if (d.insert) {
        const added = (d.insert as Y.Map<unknown>[]).map((m) => this.makeView(m));
        this.windowing.insert(added, this.views[index]);
        this.views.splice(index, 0, ...added);
        index += added.length;
      }
    }
    if (event.changes.deleted.size) this.windowing.prune();
    this.visibility.queue();
    // Keep the same cell active when others insert or delete cells above it.
    const kept = this.views.findIndex((v) => v.id === activeId);
    if (kept >= 0 && event.transaction.origin !== LOCAL_ORIGIN) this.selection.shiftTo(kept);
    this.selection.clamp(this.views.length);
    this.runStates.update();
    this.focus.paint();
  };
}
