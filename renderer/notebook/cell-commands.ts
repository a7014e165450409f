// Commands that edit cells: run, add, delete, change type or heading, undo and redo, copy, cut
// and paste, merge and split; and the two modes. Each is a function of the notebook, in
// CodeMirror's style, that does one thing and says whether it applied (command-target.ts).
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
  splitCell,
} from './cell-operations';
import { type Command, type CommandTarget, editing } from './command-target';

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
