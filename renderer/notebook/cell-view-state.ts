// What one cell shows hidden (in the metadata keys of view-state.ts): its input or outputs, the
// cells under its collapsed heading, or itself under a collapsed heading above (headings.ts). Its
// heading level is followed as its text is typed, its metadata wherever it is written.
import * as Y from 'yjs';
import type { CellContext } from './cell-context';
import { type CellParts, paintViewState } from './cell-parts';
import type { CellView } from './cell-view';
import { headingLevel } from './headings';

/** One cell's view state: its heading level, its section, and what it hides. */
export class CellViewState {
  private level: number | null = null;
  private sectionHidden = false;
  private hiddenBelow = 0;
  private levelCheckQueued = false;
  private observedMetadata: Y.Map<unknown> | null = null;
  private destroyed = false;

  constructor(
    private readonly cell: CellView,
    private readonly ctx: CellContext,
  ) {
    this.observeMetadata();
  }

  /** The level (1–6) of the markdown heading the cell is, or 0 (not markdown, or no heading). */
  get headingLevel(): number {
    if (this.cell.type !== 'markdown') return 0;
    this.level ??= headingLevel(this.cell.source.toString());
    return this.level;
  }

  /** True while a collapsed heading above hides the cell. */
  get isSectionHidden(): boolean {
    return this.sectionHidden;
  }

  /**
   * Hides the cell under a collapsed heading above it (`hidden`), or shows it; `hiddenBelow` is
   * how many cells its own collapsed heading hides. True when that changed (to paint).
   */
  setSection(hidden: boolean, hiddenBelow: number): boolean {
    if (hidden !== this.sectionHidden) {
      this.sectionHidden = hidden;
      this.cell.element.classList.toggle('section-hidden', hidden);
    }
    if (hiddenBelow === this.hiddenBelow) return false;
    this.hiddenBelow = hiddenBelow;
    return true;
  }

  /** Shows what is hidden of the cell as the notebook says now, in its `parts` if built. */
  paint(parts: CellParts | null, outputCount: number): void {
    const { cell, ctx } = this;
    const input = ctx.isHidden(cell, 'input');
    cell.element.classList.toggle('input-hidden', input);
    if (!parts) return;
    const level = this.headingLevel;
    paintViewState(parts, {
      inputHidden: input,
      outputsHidden: ctx.isHidden(cell, 'outputs'),
      headingLevel: level,
      headingCollapsed: level > 0 && ctx.isHidden(cell, 'heading'),
      hiddenCells: this.hiddenBelow,
      firstLine: input ? (cell.source.toString().split('\n', 1)[0] ?? '').slice(0, 200) : '',
      outputCount,
    });
  }

  /** The cell's type changed: its level is read again when asked for. */
  typeChanged(): void {
    this.level = null;
    this.ctx.onViewStateChange?.(this.cell, false);
  }

  /** The cell's `metadata` key was written: follows the new map, and shows what it hides. */
  metadataReplaced(): void {
    this.observeMetadata();
    this.onMetadataChange();
  }

  // A markdown cell's heading level follows its text, once a frame at most while typing.
  queueLevelCheck(): void {
    if (this.cell.type !== 'markdown' || this.levelCheckQueued) return;
    this.levelCheckQueued = true;
    requestAnimationFrame(() => {
      this.levelCheckQueued = false;
      if (this.destroyed) return;
      const before = this.level;
      this.level = null;
      if (this.headingLevel === before) return;
      this.cell.paintViewState();
      this.ctx.onViewStateChange?.(this.cell, false);
    });
  }

  /** Stops following the metadata. */
  destroy(): void {
    this.destroyed = true;
    this.observedMetadata?.unobserve(this.onMetadataChange);
  }

  private observeMetadata(): void {
    this.observedMetadata?.unobserve(this.onMetadataChange);
    const metadata = this.cell.map.get('metadata');
    this.observedMetadata = metadata instanceof Y.Map ? metadata : null;
    this.observedMetadata?.observe(this.onMetadataChange);
  }

  private onMetadataChange = (): void => {
    this.cell.paintViewState();
    this.ctx.onViewStateChange?.(this.cell, true);
  };
}
