// What the notebook view gives each of its cell views (CellView): what they share, and where
// they report back.
import type { LanguageSupport } from '@codemirror/language';
import type { KeyBinding } from '@codemirror/view';
import type { Awareness } from 'y-protocols/awareness';
import type { KernelHelp } from '../editor/kernel-help';
import type * as Y from 'yjs';
import type { CellView } from './cell-view';
import type { ViewPart } from './view-state';

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
  /** Completion and inspection from the kernel (Tab, Shift-Tab) in code cells; none: indent. */
  kernelHelp?: KernelHelp | null;
  /** True when editors show line numbers (Shift-L, this page only). */
  lineNumbers(): boolean;
  /** Whether `part` of `cell` is hidden now (its metadata, or this page's own choice). */
  isHidden(cell: CellView, part: ViewPart): boolean;
  /** The cell's metadata (`metadata` true) or heading level changed: what it hides may have. */
  onViewStateChange?(cell: CellView, metadata: boolean): void;
  /** The cell's parts were built (`true`) or dropped back to a box (`false`). */
  onBuilt?(cell: CellView, built: boolean): void;
}
