// Commands that change what cells show: hidden inputs and outputs, collapsed headings (and ← / →
// between headings), line numbers. What they hide is written where view-state.ts says.
import { type Command, selectedCells } from './command-target';

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
