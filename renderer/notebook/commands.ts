// The notebook's commands, in CodeMirror's style: a function of the notebook that does one thing
// and says whether it applied (command-target.ts), in groups: cell-commands.ts (editing cells),
// selection-commands.ts (moving through them, and moving them), view-commands.ts (what cells
// show). This file names every one, in the table below; keymap.ts binds them to keys, and
// toolbar buttons run them by name.
import {
  commandMode,
  copySelected,
  cutSelected,
  deleteSelected,
  editCell,
  insertAbove,
  insertBelow,
  mergeSelected,
  pasteAbove,
  pasteBelow,
  redo,
  runAndAdvance,
  runAndInsert,
  runInPlace,
  splitAtCursor,
  toCode,
  toHeading1,
  toHeading2,
  toHeading3,
  toHeading4,
  toHeading5,
  toHeading6,
  toMarkdown,
  toRaw,
  undo,
} from './cell-commands';
import type { Command } from './command-target';
import {
  extendNext,
  extendPrevious,
  moveDown,
  moveUp,
  selectAll,
  selectNext,
  selectPrevious,
} from './selection-commands';
import {
  collapseAllHeadings,
  collapseOrHeadingAbove,
  expandAllHeadings,
  expandOrHeadingBelow,
  hideInput,
  hideOutputs,
  showInput,
  showOutputs,
  toggleInput,
  toggleLineNumbers,
  toggleOutputs,
} from './view-commands';

export type { Command, CommandTarget } from './command-target';
export { withHeading } from './cell-commands';

// Requests to the app around the notebook (NotebookActions).

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
