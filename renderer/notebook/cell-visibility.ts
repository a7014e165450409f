// What each cell shows: its input and outputs hidden or not, and the cells collapsed headings hide
// (headings.ts). Written to the cell metadata in JupyterLab's keys (view-state.ts), or, for a
// person who may not change the notebook, kept on this page only.
import type { CellView } from './cell-view';
import type { CommandTarget } from './command-target';
import { sectionVisibility } from './headings';
import { VIEW_ORIGIN, type ViewPart, isHidden, writeHidden } from './view-state';

/** What the cells' visibility sees of the notebook (NotebookView). */
export type VisibilityTarget = Pick<
  CommandTarget,
  'doc' | 'cellViews' | 'permissions' | 'currentMode' | 'selection' | 'setSelection'
>;

/** The notebook's hidden parts and collapsed sections, and this page's own choices of them. */
export class CellVisibility {
  /** What this page shows hidden or not against the metadata (a viewer's own choices). */
  private readonly localView = new Map<string, Partial<Record<ViewPart, boolean>>>();
  private queued = false;
  private destroyed = false;

  constructor(private readonly notebook: VisibilityTarget) {}

  /** Whether `part` of `cell` is hidden on this page: the metadata, or this page's own choice. */
  isHidden(cell: CellView, part: ViewPart): boolean {
    return this.localView.get(cell.id)?.[part] ?? isHidden(cell.map, part);
  }

  /**
   * Hides or shows `part` of `cells` for everyone (written to the cell metadata, in JupyterLab's
   * keys), or, for a person who may not change the notebook, on this page only.
   */
  setHidden(cells: readonly CellView[], part: ViewPart, hidden: boolean): void {
    const changing = cells.filter((c) => this.isHidden(c, part) !== hidden);
    if (!changing.length) return;
    if (this.notebook.permissions.edit) {
      this.notebook.doc.transact(() => {
        for (const cell of changing) writeHidden(cell.map, part, hidden);
      }, VIEW_ORIGIN);
      return;
    }
    for (const cell of changing) {
      this.localView.set(cell.id, { ...this.localView.get(cell.id), [part]: hidden });
      cell.paintViewState();
    }
    if (part === 'heading') this.update();
  }

  /** The heading levels of the cells (0: not a markdown heading). */
  headingLevels(): number[] {
    return this.notebook.cellViews.map((v) => v.headingLevel);
  }

  /** What `cell` hides may have changed: its metadata (`metadata` true) or its heading level. */
  cellChanged(cell: CellView, metadata: boolean): void {
    // Metadata written anew (by anyone) replaces this page's own choice for that cell.
    if (metadata && this.localView.delete(cell.id)) cell.paintViewState();
    this.queue();
  }

  /** Updates the sections once this task is done (many changes may come at once). */
  queue(): void {
    if (this.queued || this.destroyed) return;
    this.queued = true;
    queueMicrotask(() => {
      this.queued = false;
      if (!this.destroyed) this.update();
    });
  }

  /** Updates the sections now if an update is queued. */
  flush(): void {
    if (this.queued) this.update();
  }

  /**
   * Hides the cells under collapsed headings, and shows the others. The cell this person is
   * editing stays on screen until they leave it; a selected cell that gets hidden hands the
   * selection to the heading above it.
   */
  update(): void {
    const views = this.notebook.cellViews;
    const anyCollapsed = views.some(
      (v) => v.type === 'markdown' && this.isHidden(v, 'heading') && v.headingLevel > 0,
    );
    if (!anyCollapsed) {
      for (const v of views) v.setSection(false, 0);
      return;
    }
    const levels = this.headingLevels();
    const collapsed = views.map((v, i) => (levels[i] ?? 0) > 0 && this.isHidden(v, 'heading'));
    const { hidden, hiddenBelow } = sectionVisibility(levels, collapsed);
    const active = this.notebook.selection.active;
    const editing = this.notebook.currentMode === 'edit' ? active : -1;
    views.forEach((v, i) =>
      v.setSection(i !== editing && (hidden[i] ?? false), hiddenBelow[i] ?? 0),
    );
    if (active !== editing && hidden[active]) {
      let visible = active;
      while (visible > 0 && hidden[visible]) visible--;
      this.notebook.setSelection(visible, visible);
    }
  }

  /** Expands the collapsed headings that hide cell `index`. */
  expandAround(index: number): void {
    const views = this.notebook.cellViews;
    const levels = this.headingLevels();
    const collapsed = views.map((v, i) => (levels[i] ?? 0) > 0 && this.isHidden(v, 'heading'));
    const opening: CellView[] = [];
    // Each collapsed heading above whose section reaches the cell hides it.
    let reach = levels[index] && levels[index] > 0 ? levels[index] : 7;
    for (let i = index - 1; i >= 0; i--) {
      const level = levels[i] ?? 0;
      if (level > 0 && level < reach) {
        reach = level;
        const view = views[i];
        if (collapsed[i] && view) opening.push(view);
      }
    }
    this.setHidden(opening, 'heading', false);
    this.update();
  }

  /** Stops updating. */
  destroy(): void {
    this.destroyed = true;
  }
}
