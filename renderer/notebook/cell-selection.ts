import type { CellView } from './cell-view';

/** A range of cells by index, from an anchor to the active cell, as text runs from anchor to head. */
export interface CellRange {
  readonly anchor: number;
  readonly active: number;
  /** The first selected index. */
  readonly from: number;
  /** The last selected index. */
  readonly to: number;
}

/** The notebook's active cell and selected range, and which cells show it. */
export class CellSelection implements CellRange {
  private anchorIndex = 0;
  private activeIndex = 0;
  private readonly painted = new Set<CellView>();

  get anchor(): number {
    return this.anchorIndex;
  }

  get active(): number {
    return this.activeIndex;
  }

  get from(): number {
    return Math.min(this.anchorIndex, this.activeIndex);
  }

  get to(): number {
    return Math.max(this.anchorIndex, this.activeIndex);
  }

  /** Sets the range; `paint()` shows it. */
  set(anchor: number, active: number): void {
    this.anchorIndex = anchor;
    this.activeIndex = active;
  }

  /**
   * Follows the active cell to `index` after others inserted or deleted cells above it, moving the
   * anchor as far.
   */
  shiftTo(index: number): void {
    this.anchorIndex = Math.max(0, this.anchorIndex + index - this.activeIndex);
    this.activeIndex = index;
  }

  /** Keeps both ends inside a notebook of `length` cells. */
  clamp(length: number): void {
    const last = Math.max(0, length - 1);
    this.activeIndex = Math.min(this.activeIndex, last);
    this.anchorIndex = Math.min(this.anchorIndex, last);
  }

  /**
   * Marks the active and selected cells among `views`, touching only the cells whose selection
   * changed: O(selection), not O(notebook).
   */
  paint(views: readonly CellView[]): void {
    const now = new Set(views.slice(this.from, this.to + 1));
    for (const v of this.painted) if (!now.has(v)) v.setSelection(false, false);
    this.painted.clear();
    for (const v of now) {
      v.setSelection(v === views[this.activeIndex], true);
      this.painted.add(v);
    }
  }

  /** Forgets a view that left the notebook. */
  forget(view: CellView): void {
    this.painted.delete(view);
  }
}
