// Cell elements in groups of CELL_GROUP_SIZE inside the notebook element, and which cells are
// near the viewport. Measured on 1000 cells (docs/renderer.md): a keystroke's layout walked every
// sibling of the typed cell (1.2–1.6 ms a layout, two or three layouts a keystroke); in groups it
// walks one group and the list of groups (0.3 ms, as with 40 cells). Likewise, the near observer
// watches the groups, and the cells of near groups only, instead of every cell every frame.

/** Cells per group; a group that grows past twice this (a big paste) is split. */
export const CELL_GROUP_SIZE = 32;

/** Called with the cell elements whose nearness changed, and whether each is near now. */
export type NearListener = (changes: readonly (readonly [Element, boolean])[]) => void;

/**
 * The notebook's cell elements, grouped, with one IntersectionObserver over the groups (margin
 * `marginPx` around the scroller's viewport) and one over the cells of the groups it reports near.
 * A cell is within its group's box, so a group out of range has no cell in range.
 */
export class CellGroups {
  private readonly groupObserver: IntersectionObserver;
  private readonly cellObserver: IntersectionObserver;
  private readonly nearGroups = new Set<Element>();
  private destroyed = false;

  constructor(
    private readonly container: HTMLElement,
    scroller: HTMLElement,
    marginPx: number,
    private readonly onNear: NearListener,
  ) {
    const options = { root: scroller, rootMargin: `${marginPx}px 0px` };
    this.groupObserver = new IntersectionObserver(this.onGroups, options);
    this.cellObserver = new IntersectionObserver(
      (entries) => this.onNear(entries.map((e) => [e.target, e.isIntersecting] as const)),
      options,
    );
  }

  /** Puts `elements` before `before` (in its group), or at the end when `before` is null. */
  insert(elements: readonly HTMLElement[], before: HTMLElement | null): void {
    if (!elements.length || this.destroyed) return;
    let group = before?.parentElement ?? (this.container.lastElementChild as HTMLElement | null);
    if (!group) {
      group = this.newGroup();
      this.container.append(group);
    }
    for (const e of elements) group.insertBefore(e, before);
    if (this.nearGroups.has(group)) for (const e of elements) this.cellObserver.observe(e);
    if (group.childElementCount > 2 * CELL_GROUP_SIZE) this.split(group);
  }

  /** Stops watching a cell element that left the notebook (the cell view removes it). */
  forget(element: Element): void {
    this.cellObserver.unobserve(element);
  }

  /** Removes groups left empty by deletions. */
  prune(): void {
    for (const group of [...this.container.children]) {
      if (group.firstElementChild) continue;
      this.groupObserver.unobserve(group);
      this.nearGroups.delete(group);
      group.remove();
    }
  }

  /** Stops observing. Idempotent. */
  destroy(): void {
    this.destroyed = true;
    this.groupObserver.disconnect();
    this.cellObserver.disconnect();
  }

  private newGroup(): HTMLElement {
    const group = document.createElement('div');
    group.className = 'cell-group';
    group.setAttribute('role', 'none');
    this.groupObserver.observe(group);
    return group;
  }

  private split(group: HTMLElement): void {
    const cells = [...group.children];
    let after: Element = group;
    for (let i = CELL_GROUP_SIZE; i < cells.length; i += CELL_GROUP_SIZE) {
      const next = this.newGroup();
      next.append(...cells.slice(i, i + CELL_GROUP_SIZE));
      after.after(next);
      after = next;
    }
    // The new groups report their nearness soon; until then their cells stay watched.
  }

  private onGroups = (entries: IntersectionObserverEntry[]): void => {
    const left: [Element, boolean][] = [];
    for (const e of entries) {
      if (e.isIntersecting) {
        this.nearGroups.add(e.target);
        for (const cell of e.target.children) this.cellObserver.observe(cell);
      } else {
        this.nearGroups.delete(e.target);
        for (const cell of e.target.children) {
          this.cellObserver.unobserve(cell);
          left.push([cell, false]);
        }
      }
    }
    if (left.length) this.onNear(left);
  };
}
