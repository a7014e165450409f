// Commands that move through the cells (the selection, skipping cells under collapsed headings)
// and move the selected cells up or down.
import { moveCell } from './cell-operations';
import { type Command, type CommandTarget, editing } from './command-target';

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
