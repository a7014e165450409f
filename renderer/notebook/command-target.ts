// What a notebook command is, and what it sees of the notebook: the commands themselves are in
// cell-commands.ts, selection-commands.ts and view-commands.ts, named in one table in commands.ts.
import type * as Y from 'yjs';
import type { CellRange } from './cell-selection';
import type { CellView } from './cell-view';
import type { CopyPaste } from './copy-paste';
import type { NotebookActions, NotebookPermissions } from './notebook-view';
import type { ViewPart } from './view-state';

/** What a command sees of the notebook (NotebookView). */
export interface CommandTarget {
  readonly doc: Y.Doc;
  readonly cellViews: readonly CellView[];
  readonly selection: CellRange;
  readonly currentMode: 'command' | 'edit';
  readonly permissions: Readonly<NotebookPermissions>;
  readonly actions: NotebookActions;
  readonly undoManager: Y.UndoManager;
  readonly clipboard: CopyPaste;
  /** True when cell editors show line numbers (a view setting of this page). */
  readonly lineNumbers: boolean;
  setLineNumbers(on: boolean): void;
  /** Makes cell `index` active (extending the selection when `extend`) and scrolls to it. */
  select(index: number, extend?: boolean): void;
  /** Selects cells `anchor`..`active` where they are, without scrolling. */
  setSelection(anchor: number, active: number): void;
  enterEditMode(pos?: 'start' | 'end' | number | null): void;
  enterCommandMode(): void;
  /** Whether `part` of `cell` is hidden on this page (view-state.ts). */
  isHidden(cell: CellView, part: ViewPart): boolean;
  /** Hides or shows `part` of `cells`: for everyone, or on this page only for a viewer. */
  setHidden(cells: readonly CellView[], part: ViewPart, hidden: boolean): void;
  /** True when cell `index` is hidden under a collapsed heading. */
  isCellHidden(index: number): boolean;
  /** The heading ← moves to from cell `index`, or -1. */
  headingAbove(index: number): number;
  /** The heading → moves to from cell `index`, or -1. */
  headingBelow(index: number): number;
}

/** A notebook command: true when it applied. */
export type Command = (notebook: CommandTarget) => boolean;

/** A command that changes the notebook: refused, with a word to the person, while read-only. */
export function editing(command: Command): Command {
  return (notebook) => {
    if (notebook.permissions.edit) return command(notebook);
    notebook.actions.readOnlyRefused?.();
    return false;
  };
}

/** The selected cells' views, in order. */
export function selectedCells({ cellViews, selection }: CommandTarget): CellView[] {
  return cellViews.slice(selection.from, selection.to + 1);
}
