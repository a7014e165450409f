// Windowing: cells are built near the viewport only, and keep a live editor only there; far from
// it they drop back to empty boxes of their height (docs/renderer.md). CellGroups says which
// cells are near; a second observer, over built cells only, says which are far.
import { CellGroups } from './cell-groups';
import type { CellView } from './cell-view';

/** Distance beyond the viewport within which cells are built and keep a live editor. */
const NEAR_MARGIN_PX = 600;
/** Distance beyond the viewport past which built cells are dropped back to empty boxes. */
const FAR_MARGIN_PX = 2400;
/** Main-thread time spent mounting editors before yielding to input and paint, ms. */
const MOUNT_BUDGET_MS = 8;

/** Which of the notebook's cells are built, as they come near the viewport or go far from it. */
export class CellWindowing {
  private readonly groups: CellGroups;
  private readonly farObserver: IntersectionObserver;
  private mountQueued = false;
  private destroyed = false;

  constructor(
    container: HTMLElement,
    scroller: HTMLElement,
    /** The cell views in document order. */
    private readonly views: () => readonly CellView[],
    /** The view whose element is `element`, if any. */
    private readonly viewFor: (element: Element) => CellView | undefined,
  ) {
    this.groups = new CellGroups(container, scroller, NEAR_MARGIN_PX, this.onNear);
    this.farObserver = new IntersectionObserver(this.onFar, {
      root: scroller,
      rootMargin: `${FAR_MARGIN_PX}px 0px`,
    });
  }

  /**
   * Builds the cells the first screen of `height` px will show, before anything is painted, so
   * the first frame has content; the rest follow the viewport. Editors mount right after.
   */
  showFirstScreen(height: number): void {
    const views = this.views();
    let top = 0;
    for (const v of views) {
      if (top > height) break;
      // The first cell, active on opening, is editable from the first frame.
      v.setNearViewport(true, v === views[0]);
      top += v.element.getBoundingClientRect().height;
    }
    this.queueEditorMounts();
  }

  /** Puts the elements of `views` before `before`'s, or at the end when `before` is undefined. */
  insert(views: readonly CellView[], before: CellView | undefined): void {
    this.groups.insert(
      views.map((v) => v.element),
      before?.element ?? null,
    );
  }

  /**
   * Watches `cell` for going far while it is built. Only built cells can be dropped, so only they
   * are watched (an observer over all 1000 boxes cost ~0.7 ms a frame while typing;
   * docs/renderer.md).
   */
  built(cell: CellView, built: boolean): void {
    if (built) this.farObserver.observe(cell.element);
    else this.farObserver.unobserve(cell.element);
  }

  /** Stops watching a cell that left the notebook. */
  forget(view: CellView): void {
    this.groups.forget(view.element);
    this.farObserver.unobserve(view.element);
  }

  /** Removes groups left empty by deletions. */
  prune(): void {
    this.groups.prune();
  }

  /** Stops observing. Idempotent. */
  destroy(): void {
    this.destroyed = true;
    this.groups.destroy();
    this.farObserver.disconnect();
  }

  private onNear = (changes: readonly (readonly [Element, boolean])[]): void => {
    for (const [element, near] of changes) this.viewFor(element)?.setNearViewport(near, false);
    this.queueEditorMounts();
  };

  private onFar = (entries: IntersectionObserverEntry[]): void => {
    for (const e of entries) {
      this.viewFor(e.target)?.setFar(!e.isIntersecting, e.boundingClientRect.height);
    }
  };

  // Editors mount a few at a time between frames, so scrolling and typing never wait for a
  // screenful of CodeMirror views to be built at once.
  private queueEditorMounts(): void {
    if (this.mountQueued || this.destroyed) return;
    this.mountQueued = true;
    setTimeout(() => {
      this.mountQueued = false;
      if (this.destroyed) return;
      const until = performance.now() + MOUNT_BUDGET_MS;
      for (const v of this.views()) {
        if (!v.wantsEditor) continue;
        if (performance.now() > until) return this.queueEditorMounts();
        v.mountEditor();
      }
    }, 0);
  }
}
