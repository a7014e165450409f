// The notebook's commands, in CodeMirror's style: a function of the notebook that does one thing
// and says whether it applied. keymap.ts binds them to keys; toolbar buttons run them by name.
import * as Y from 'yjs';
import { cellsOf } from '../../protocol/ydoc-nbformat';
import {
  type CellType,
  LOCAL_ORIGIN,
  changeCellType,
  deleteCells,
  emptyCell,
  insertCells,
  mergeCells,
  moveCell,
  splitCell,
} from './cell-operations';
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
function editing(command: Command): Command {
  return (notebook) => {
    if (notebook.permissions.edit) return command(notebook);
    notebook.actions.readOnlyRefused?.();
    return false;
  };
}

/** Runs the selected code cells and renders the selected markdown cells. */
function runSelected({ cellViews, selection, actions }: CommandTarget): void {
  const cells = cellViews.slice(selection.from, selection.to + 1);
  for (const cell of cells) if (cell.type === 'markdown') cell.leaveEdit();
  const code = cells.filter((cell) => cell.type === 'code').map((cell) => cell.id);
  if (code.length) actions.run(code);
}

function insertCodeCell(notebook: CommandTarget, at: number): boolean {
  insertCells(notebook.doc, at, [emptyCell('code')]);
  notebook.select(at);
  return true;
}

function insertAndEdit(notebook: CommandTarget, at: number): boolean {
  insertCodeCell(notebook, at);
  notebook.enterEditMode('start');
  return true;
}

/**
 * Runs the selection and selects the next cell, adding one after the last (unless this person
 * may not change the notebook: then the last cell stays selected).
 */
export const runAndAdvance: Command = (notebook) => {
  const next = notebook.selection.to + 1;
  runSelected(notebook);
  if (next === notebook.cellViews.length && notebook.permissions.edit) {
    return insertAndEdit(notebook, next);
  }
  notebook.select(Math.min(next, notebook.cellViews.length - 1));
  if (notebook.currentMode === 'edit') notebook.enterCommandMode();
  return true;
};

/** Runs the selection and stays on it, in command mode. */
export const runInPlace: Command = (notebook) => {
  runSelected(notebook);
  notebook.enterCommandMode();
  return true;
};

/** Runs the selection and adds a cell below it to type in. */
export const runAndInsert = editing((notebook) => {
  const below = notebook.selection.to + 1;
  runSelected(notebook);
  return insertAndEdit(notebook, below);
});

/** Edits the active cell, the cursor at its end. */
export const editCell: Command = (notebook) => {
  notebook.enterEditMode('end');
  return true;
};

/** Back to command mode, where keys act on cells. */
export const commandMode: Command = (notebook) => {
  notebook.enterCommandMode();
  return true;
};

export const insertAbove = editing((notebook) => insertCodeCell(notebook, notebook.selection.from));

export const insertBelow = editing((notebook) =>
  insertCodeCell(notebook, notebook.selection.to + 1),
);

/** Deletes the selected cells; a notebook left empty gets one empty cell. */
export const deleteSelected = editing((notebook) => {
  const { doc, selection } = notebook;
  const from = selection.from;
  deleteCells(doc, from, selection.to - from + 1);
  if (cellsOf(doc).length === 0) insertCells(doc, 0, [emptyCell('code')]);
  notebook.select(Math.min(from, notebook.cellViews.length - 1));
  return true;
});

function changeTypeTo(type: CellType): Command {
  return editing(({ doc, selection }) => {
    doc.transact(() => {
      for (let i = selection.from; i <= selection.to; i++) changeCellType(doc, i, type);
    }, LOCAL_ORIGIN);
    return true;
  });
}

export const toCode = changeTypeTo('code');
export const toMarkdown = changeTypeTo('markdown');
export const toRaw = changeTypeTo('raw');

/** What JupyterLab replaces to make a cell a heading: the leading `#`s and spaces. */
const HEADING_HEAD = /^#+\s*|^\s*/;

/**
 * The source made a markdown heading of `level` (1–6): its leading `#`s and spaces replaced, as
 * JupyterLab's setMarkdownHeader does.
 */
export function withHeading(source: string, level: number): string {
  return headingPrefix(level) + source.replace(HEADING_HEAD, '');
}

function headingPrefix(level: number): string {
  return `${'#'.repeat(Math.min(Math.max(level, 1), 6))} `;
}

/** Makes the selected cells markdown headings of `level`. */
function toHeading(level: number): Command {
  return editing(({ doc, selection }) => {
    doc.transact(() => {
      for (let i = selection.from; i <= selection.to; i++) {
        changeCellType(doc, i, 'markdown');
        const source = cellsOf(doc).get(i)?.get('source');
        if (!(source instanceof Y.Text)) continue;
        // Only the head changes: the rest of the text (and anyone's cursor in it) stays.
        const oldHead = HEADING_HEAD.exec(source.toString())?.[0] ?? '';
        const newHead = headingPrefix(level);
        if (oldHead === newHead) continue;
        source.delete(0, oldHead.length);
        source.insert(0, newHead);
      }
    }, LOCAL_ORIGIN);
    return true;
  });
}

export const toHeading1 = toHeading(1);
export const toHeading2 = toHeading(2);
export const toHeading3 = toHeading(3);
export const toHeading4 = toHeading(4);
export const toHeading5 = toHeading(5);
export const toHeading6 = toHeading(6);

/** Undoes this person's last edit (never a collaborator's). */
export const undo = editing((notebook) => {
  notebook.undoManager.undo();
  notebook.select(Math.min(notebook.selection.active, notebook.cellViews.length - 1));
  return true;
});

/** Redoes what this person undid last. */
export const redo = editing((notebook) => {
  notebook.undoManager.redo();
  notebook.select(Math.min(notebook.selection.active, notebook.cellViews.length - 1));
  return true;
});

/** The nearest cell from `index` in direction `step` not hidden under a collapsed heading. */
function visibleFrom(notebook: CommandTarget, index: number, step: 1 | -1): number {
  const last = notebook.cellViews.length - 1;
  let i = index + step;
  while (i >= 0 && i <= last && notebook.isCellHidden(i)) i += step;
  return i < 0 || i > last ? index : i;
}

export const selectPrevious: Command = (notebook) => {
  notebook.select(visibleFrom(notebook, notebook.selection.active, -1));
  return true;
};

export const selectNext: Command = (notebook) => {
  notebook.select(visibleFrom(notebook, notebook.selection.active, 1));
  return true;
};

/** Moves the active end of the selection one cell up. */
export const extendPrevious: Command = (notebook) => {
  notebook.select(visibleFrom(notebook, notebook.selection.active, -1), true);
  return true;
};

/** Moves the active end of the selection one cell down. */
export const extendNext: Command = (notebook) => {
  notebook.select(visibleFrom(notebook, notebook.selection.active, 1), true);
  return true;
};

/** Selects every cell, without scrolling. */
export const selectAll: Command = (notebook) => {
  notebook.setSelection(0, notebook.cellViews.length - 1);
  return true;
};

/** Copies the selected cells to the clipboard. */
export const copySelected: Command = (notebook) => {
  notebook.clipboard.copySelection();
  return true;
};

/** Copies the selected cells to the clipboard and deletes them. */
export const cutSelected = editing((notebook) => {
  notebook.clipboard.copySelection();
  return deleteSelected(notebook);
});

/** Pastes the clipboard's cells below the selection. */
export const pasteBelow = editing(({ clipboard, cellViews, selection }) => {
  void clipboard.pasteFromSystem(cellViews[selection.to]?.id ?? null, true);
  return true;
});

/** Pastes the clipboard's cells above the selection. */
export const pasteAbove = editing(({ clipboard, cellViews, selection }) => {
  void clipboard.pasteFromSystem(cellViews[selection.from]?.id ?? null, false);
  return true;
});

/** Merges the selected cells, or the active cell with the next one. */
export const mergeSelected = editing((notebook) => {
  const { doc, selection } = notebook;
  const { from, to } = selection;
  if (to > from) mergeCells(doc, from, to - from + 1);
  else if (from + 1 < notebook.cellViews.length) mergeCells(doc, from, 2);
  notebook.select(from);
  return true;
});

/** Splits the active cell at the cursor and edits the second half. */
export const splitAtCursor = editing((notebook) => {
  const { active } = notebook.selection;
  const offset = notebook.cellViews[active]?.view?.state.selection.main.head ?? 0;
  if (!splitCell(notebook.doc, active, offset)) return false;
  notebook.select(active + 1);
  notebook.enterEditMode('start');
  return true;
});

/** Moves the selected cells up, past the cell above them. */
export const moveUp = editing((notebook) => {
  const { from, to, active } = notebook.selection;
  if (from === 0) return false;
  moveCell(notebook.doc, from - 1, to, notebook.permissions.moveOutputs);
  notebook.setSelection(from - 1, active - 1);
  return true;
});

/** Moves the selected cells down, past the cell below them. */
export const moveDown = editing((notebook) => {
  const { from, to, anchor, active } = notebook.selection;
  if (to === notebook.cellViews.length - 1) return false;
  moveCell(notebook.doc, to + 1, from, notebook.permissions.moveOutputs);
  notebook.setSelection(anchor + 1, active + 1);
  return true;
});

function selectedCells({ cellViews, selection }: CommandTarget): CellView[] {
  return cellViews.slice(selection.from, selection.to + 1);
}

/** Hides (`hidden`) or shows `part` of the selected code cells, as JupyterLab's commands do. */
function hideCodeCells(part: 'input' | 'outputs', hidden: boolean): Command {
  return (notebook) => {
    const cells = selectedCells(notebook).filter((c) => c.type === 'code');
    notebook.setHidden(cells, part, hidden);
    return cells.length > 0;
  };
}

/** Hides or shows `part` of the selected cells, as the active cell's is now. */
function togglePart(part: 'input' | 'outputs'): Command {
  return (notebook) => {
    const active = notebook.cellViews[notebook.selection.active];
    if (!active) return false;
    notebook.setHidden(selectedCells(notebook), part, !notebook.isHidden(active, part));
    return true;
  };
}

export const hideInput = hideCodeCells('input', true);
export const showInput = hideCodeCells('input', false);
export const hideOutputs = hideCodeCells('outputs', true);
export const showOutputs = hideCodeCells('outputs', false);
export const toggleInput = togglePart('input');
export const toggleOutputs = togglePart('outputs');

/**
 * ←: collapses the active heading's section; on a collapsed heading or a cell that is not one,
 * selects the heading above (JupyterLab's move-cursor-heading-above-or-collapse).
 */
export const collapseOrHeadingAbove: Command = (notebook) => {
  const index = notebook.selection.active;
  const cell = notebook.cellViews[index];
  if (!cell) return false;
  if (cell.headingLevel > 0 && !notebook.isHidden(cell, 'heading')) {
    notebook.setHidden([cell], 'heading', true);
    notebook.setSelection(index, index);
    return true;
  }
  const above = notebook.headingAbove(index);
  if (above >= 0) notebook.select(above);
  return true;
};

/**
 * →: expands the active collapsed heading; elsewhere selects the next heading below
 * (JupyterLab's move-cursor-heading-below-or-expand).
 */
export const expandOrHeadingBelow: Command = (notebook) => {
  const index = notebook.selection.active;
  const cell = notebook.cellViews[index];
  if (!cell) return false;
  if (cell.headingLevel > 0 && notebook.isHidden(cell, 'heading')) {
    notebook.setHidden([cell], 'heading', false);
    notebook.setSelection(index, index);
    return true;
  }
  const below = notebook.headingBelow(index);
  if (below >= 0) notebook.select(below);
  return true;
};

function allHeadings(collapsed: boolean): Command {
  return (notebook) => {
    const headings = notebook.cellViews.filter((c) => c.headingLevel > 0);
    // A selected cell that gets hidden hands the selection to the heading above it.
    notebook.setHidden(headings, 'heading', collapsed);
    return true;
  };
}

export const collapseAllHeadings = allHeadings(true);
export const expandAllHeadings = allHeadings(false);

/** Shows or hides line numbers in every cell, on this page only (a view setting). */
export const toggleLineNumbers: Command = (notebook) => {
  notebook.setLineNumbers(!notebook.lineNumbers);
  return true;
};

export const save: Command = (notebook) => {
  notebook.actions.save();
  return true;
};

export const find: Command = (notebook) => {
  notebook.actions.find();
  return true;
};

export const interrupt: Command = (notebook) => {
  notebook.actions.interrupt();
  return true;
};

export const restart: Command = (notebook) => {
  notebook.actions.restart();
  return true;
};

/** Every command, by the name keys and buttons use. */
export const notebookCommands = {
  'run-and-advance': runAndAdvance,
  'run-in-place': runInPlace,
  'run-and-insert': runAndInsert,
  edit: editCell,
  'command-mode': commandMode,
  'insert-above': insertAbove,
  'insert-below': insertBelow,
  'delete-cells': deleteSelected,
  'to-code': toCode,
  'to-markdown': toMarkdown,
  'to-raw': toRaw,
  'to-heading-1': toHeading1,
  'to-heading-2': toHeading2,
  'to-heading-3': toHeading3,
  'to-heading-4': toHeading4,
  'to-heading-5': toHeading5,
  'to-heading-6': toHeading6,
  undo,
  redo,
  'select-previous': selectPrevious,
  'select-next': selectNext,
  'extend-previous': extendPrevious,
  'extend-next': extendNext,
  'select-all': selectAll,
  'copy-cells': copySelected,
  'cut-cells': cutSelected,
  'paste-below': pasteBelow,
  'paste-above': pasteAbove,
  'merge-cells': mergeSelected,
  'split-cell': splitAtCursor,
  'move-up': moveUp,
  'move-down': moveDown,
  'toggle-line-numbers': toggleLineNumbers,
  'hide-input': hideInput,
  'show-input': showInput,
  'toggle-input': toggleInput,
  'hide-outputs': hideOutputs,
  'show-outputs': showOutputs,
  'toggle-outputs': toggleOutputs,
  'collapse-or-heading-above': collapseOrHeadingAbove,
  'expand-or-heading-below': expandOrHeadingBelow,
  'collapse-all-headings': collapseAllHeadings,
  'expand-all-headings': expandAllHeadings,
  save,
  find,
  interrupt,
  restart,
} satisfies Record<string, Command>;

/** A command's name. */
export type NotebookCommand = keyof typeof notebookCommands;
