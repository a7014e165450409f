// Drag to reorder: a cell is dragged by its handle and dropped before or after another cell.
import { moveCell } from './cell-operations';
import type { CellView } from './cell-view';
import type { CommandTarget } from './command-target';

/** What dragging sees of the notebook (NotebookView). */
export interface DragTarget extends Pick<
  CommandTarget,
  'doc' | 'cellViews' | 'permissions' | 'select'
> {
  readonly element: HTMLElement;
  viewFor(element: Element | null): CellView | undefined;
}

/** The one cell marked as where the drop would land (not a class toggled on every cell). */
type DropMark = [HTMLElement, 'drop-before' | 'drop-after'] | null;

/** Lets this person reorder the notebook's cells by dragging their handles. */
export class CellDrag {
  private from: number | null = null;
  private dropMark: DropMark = null;

  constructor(private readonly notebook: DragTarget) {
    notebook.element.addEventListener('dragstart', this.onDragStart);
    notebook.element.addEventListener('dragover', this.onDragOver);
    notebook.element.addEventListener('drop', this.onDrop);
    notebook.element.addEventListener('dragend', this.onDragEnd);
  }

  /** Stops taking drag events. */
  destroy(): void {
    this.notebook.element.removeEventListener('dragstart', this.onDragStart);
    this.notebook.element.removeEventListener('dragover', this.onDragOver);
    this.notebook.element.removeEventListener('drop', this.onDrop);
    this.notebook.element.removeEventListener('dragend', this.onDragEnd);
  }

  private dropIndex(e: DragEvent): number {
    const target = (e.target as HTMLElement).closest('.cell');
    const view = this.notebook.viewFor(target);
    const index = view ? this.notebook.cellViews.indexOf(view) : -1;
    if (index < 0) return this.notebook.cellViews.length;
    const box = (target as HTMLElement).getBoundingClientRect();
    return e.clientY > box.top + box.height / 2 ? index + 1 : index;
  }

  private onDragStart = (e: DragEvent): void => {
    if (!this.notebook.permissions.edit) {
      e.preventDefault();
      return;
    }
    const handle = (e.target as HTMLElement).closest('.cell-drag-handle');
    const view = this.notebook.viewFor(handle?.closest('.cell') ?? null);
    if (!view) return;
    this.from = this.notebook.cellViews.indexOf(view);
    view.element.classList.add('dragging');
    e.dataTransfer?.setData('text/plain', view.id);
    if (e.dataTransfer) e.dataTransfer.effectAllowed = 'move';
    e.dataTransfer?.setDragImage(view.element, 20, 20);
  };

  private onDragOver = (e: DragEvent): void => {
    if (this.from === null) return;
    e.preventDefault();
    const to = this.dropIndex(e);
    const views = this.notebook.cellViews;
    const last = views.length - 1;
    const mark: DropMark =
      to <= last
        ? [(views[to] as CellView).element, 'drop-before']
        : last >= 0
          ? [(views[last] as CellView).element, 'drop-after']
          : null;
    if (mark?.[0] === this.dropMark?.[0] && mark?.[1] === this.dropMark?.[1]) return;
    this.dropMark?.[0].classList.remove('drop-before', 'drop-after');
    mark?.[0].classList.add(mark[1]);
    this.dropMark = mark;
  };

  private onDrop = (e: DragEvent): void => {
    if (this.from === null) return;
    e.preventDefault();
    const from = this.from;
    const to = this.dropIndex(e);
    this.onDragEnd();
    const target = to > from ? to - 1 : to;
    if (target === from) return;
    moveCell(this.notebook.doc, from, target, this.notebook.permissions.moveOutputs);
    this.notebook.select(target);
  };

  private onDragEnd = (): void => {
    this.from = null;
    this.dropMark?.[0].classList.remove('drop-before', 'drop-after');
    this.dropMark = null;
    this.notebook.element.querySelector('.cell.dragging')?.classList.remove('dragging');
  };
}
