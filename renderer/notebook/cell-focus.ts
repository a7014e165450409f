// The active cell, the selected cells and Jupyter's two modes: command mode, where keys act on
// cells, and edit mode, where they type into the active cell's editor.
import type { CellSelection } from './cell-selection';
import type { CellView } from './cell-view';
import type { CellVisibility } from './cell-visibility';
import type { NotebookActions } from './notebook-view';

/** What the focus sees of the notebook (NotebookView). */
export interface FocusTarget {
  readonly element: HTMLElement;
  readonly cellViews: readonly CellView[];
  readonly selection: CellSelection;
  readonly actions: NotebookActions;
}

/** Where this person is in the notebook: which cells, and which mode. */
export class CellFocus {
  private currentMode: 'command' | 'edit' = 'command';
  private reportedActive: string | null = null;

  constructor(
    private readonly notebook: FocusTarget,
    private readonly visibility: CellVisibility,
  ) {}

  /** 'command' or 'edit'. */
  get mode(): 'command' | 'edit' {
    return this.currentMode;
  }

  /** Makes cell `index` active (extending the selection when `extend`) and scrolls to it. */
  select(index: number, extend = false): void {
    const { cellViews: views, selection, element } = this.notebook;
    if (views.length === 0) return;
    const i = Math.max(0, Math.min(index, views.length - 1));
    // A cell under a collapsed heading (a cell just added below one too) is shown by expanding
    // the headings that hide it.
    this.visibility.flush();
    if (views[i]?.isSectionHidden) this.visibility.expandAround(i);
    if (this.currentMode === 'edit' && i !== selection.active) {
      views[selection.active]?.leaveEdit();
    }
    selection.set(extend ? selection.anchor : i, i);
    this.paint();
    // Build the cell before scrolling to it, so it is scrolled to at its real height.
    views[i]?.materialize();
    views[i]?.element.scrollIntoView({ block: 'nearest' });
    // A deleted cell takes focus with it; command keys must keep working.
    if (this.currentMode === 'command' && !element.contains(document.activeElement)) {
      element.focus({ preventScroll: true });
    }
  }

  /** Selects cells `anchor`..`active` where they are, without scrolling. */
  setSelection(anchor: number, active: number): void {
    this.notebook.selection.set(anchor, active);
    this.paint();
  }

  /** Enters edit mode in the active cell (showing its input, if hidden, as JupyterLab does). */
  enterEditMode(pos: 'start' | 'end' | number | null = null): void {
    const { selection } = this.notebook;
    const cell = this.notebook.cellViews[selection.active];
    if (!cell) return;
    if (this.visibility.isHidden(cell, 'input')) this.visibility.setHidden([cell], 'input', false);
    this.currentMode = 'edit';
    selection.set(selection.active, selection.active);
    this.paint();
    cell.edit(pos);
  }

  /** Leaves edit mode; keys act on cells again. */
  enterCommandMode(): void {
    this.currentMode = 'command';
    this.notebook.cellViews[this.notebook.selection.active]?.leaveEdit();
    this.paint();
    this.notebook.element.focus({ preventScroll: true });
    // A cell kept on screen while it was edited under a heading someone collapsed now hides.
    this.visibility.queue();
  }

  /** The person clicked or focused into `cell`: it becomes the active cell, in `mode`. */
  activate(cell: CellView, mode: 'command' | 'edit'): void {
    const { cellViews: views, selection } = this.notebook;
    const index = views.indexOf(cell);
    if (index < 0) return;
    if (index !== selection.active && this.currentMode === 'edit') {
      views[selection.active]?.leaveEdit();
    }
    selection.set(index, index);
    this.currentMode = mode;
    this.paint();
    if (mode === 'edit') {
      if (!cell.view?.hasFocus) cell.edit(null);
    } else {
      this.notebook.element.focus({ preventScroll: true });
    }
  }

  /** Shows the selection and mode, and tells the app when the active cell changed. */
  paint(): void {
    const { cellViews: views, selection, element } = this.notebook;
    selection.paint(views);
    element.dataset.mode = this.currentMode;
    const activeId = views[selection.active]?.id ?? null;
    if (activeId !== this.reportedActive) {
      this.reportedActive = activeId;
      this.notebook.actions.activeCell?.(activeId);
    }
  }
}
