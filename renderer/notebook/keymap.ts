// Jupyter's keys as one table: which chord runs which command, in command mode, edit mode or both.
// Pure (no DOM), so it is table-tested. Tab and Shift-Tab are the cell editor's own: completion
// and inspection from the kernel, else indent and dedent (renderer/editor/kernel-completion.ts).
import type { NotebookCommand } from './commands';

/** A key of the notebook. */
export interface NotebookKeyBinding {
  /** The chord, in CodeMirror's key syntax ("Mod-Shift-z"); "d d" is D pressed twice. */
  readonly key: string;
  readonly command: NotebookCommand;
  /** Where the key works: command mode (the default), edit mode (typing in a cell), or both. */
  readonly scope?: 'command' | 'edit' | 'command edit';
}

/** Every key of the notebook. Mod is Ctrl, or Cmd on macOS. */
export const notebookKeymap: readonly NotebookKeyBinding[] = [
  { key: 'Shift-Enter', command: 'run-and-advance', scope: 'command edit' },
  { key: 'Mod-Enter', command: 'run-in-place', scope: 'command edit' },
  { key: 'Alt-Enter', command: 'run-and-insert', scope: 'command edit' },
  { key: 'Escape', command: 'command-mode', scope: 'command edit' },
  // JupyterLab's Ctrl-M in edit mode (Ctrl on macOS too; in command mode it is not bound).
  { key: 'Ctrl-m', command: 'command-mode', scope: 'edit' },
  { key: 'Mod-s', command: 'save', scope: 'command edit' },
  // Ctrl-Shift-minus, named by its key or by the "_" it types.
  { key: 'Mod-Shift--', command: 'split-cell', scope: 'edit' },
  { key: 'Mod-Shift-_', command: 'split-cell', scope: 'edit' },
  { key: 'Enter', command: 'edit' },
  { key: 'a', command: 'insert-above' },
  { key: 'b', command: 'insert-below' },
  { key: 'd d', command: 'delete-cells' },
  { key: 'y', command: 'to-code' },
  { key: 'm', command: 'to-markdown' },
  { key: 'r', command: 'to-raw' },
  { key: '1', command: 'to-heading-1' },
  { key: '2', command: 'to-heading-2' },
  { key: '3', command: 'to-heading-3' },
  { key: '4', command: 'to-heading-4' },
  { key: '5', command: 'to-heading-5' },
  { key: '6', command: 'to-heading-6' },
  { key: 'z', command: 'undo' },
  { key: 'Shift-z', command: 'redo' },
  { key: 'Mod-z', command: 'undo' },
  { key: 'Mod-Shift-z', command: 'redo' },
  { key: 'Mod-y', command: 'redo' },
  { key: 'ArrowUp', command: 'select-previous' },
  { key: 'k', command: 'select-previous' },
  { key: 'ArrowDown', command: 'select-next' },
  { key: 'j', command: 'select-next' },
  { key: 'Shift-ArrowUp', command: 'extend-previous' },
  { key: 'Shift-k', command: 'extend-previous' },
  { key: 'Shift-ArrowDown', command: 'extend-next' },
  { key: 'Shift-j', command: 'extend-next' },
  { key: 'Mod-a', command: 'select-all' },
  // Ctrl/Cmd-C, -X and -V are left to the browser on purpose: its copy, cut and paste events are
  // the only way to reach the system clipboard without a permission (see copy-paste.ts).
  { key: 'c', command: 'copy-cells' },
  { key: 'x', command: 'cut-cells' },
  { key: 'v', command: 'paste-below' },
  { key: 'Shift-v', command: 'paste-above' },
  { key: 'Shift-m', command: 'merge-cells' },
  { key: 'Shift-l', command: 'toggle-line-numbers' },
  { key: 'ArrowLeft', command: 'collapse-or-heading-above' },
  { key: 'ArrowRight', command: 'expand-or-heading-below' },
  { key: 'Mod-Shift-ArrowLeft', command: 'collapse-all-headings' },
  { key: 'Mod-Shift-ArrowRight', command: 'expand-all-headings' },
  { key: 'Mod-f', command: 'find' },
  { key: 'f', command: 'find' },
  { key: 'i i', command: 'interrupt' },
  { key: '0 0', command: 'restart' },
  { key: 'Mod-Shift-ArrowUp', command: 'move-up' },
  { key: 'Mod-Shift-ArrowDown', command: 'move-down' },
];

function keysIn(mode: 'command' | 'edit'): Readonly<Record<string, NotebookCommand>> {
  const bindings = notebookKeymap.filter((b) => (b.scope ?? 'command').split(' ').includes(mode));
  return Object.fromEntries(bindings.map((b) => [b.key, b.command]));
}

/** Command-mode chords. Two-key sequences ("d d") need the same key twice. */
export const COMMAND_MODE_KEYS = keysIn('command');

/** Edit-mode chords, for CodeMirror's keymap; everything else is typing. */
export const EDIT_MODE_KEYS = keysIn('edit');

/** The modifier and key state of a keyboard event (a KeyboardEvent fits). */
export interface KeyState {
  key: string;
  shiftKey: boolean;
  ctrlKey: boolean;
  metaKey: boolean;
  altKey: boolean;
}

/**
 * A chord as a string: modifiers in the order Mod, Alt, Shift, then the key, e.g. "Shift-Enter",
 * "Mod-s", "Mod-Shift--". Mod is Ctrl, or Cmd on macOS (`isMac`). Letters are lower case; Shift
 * is kept for letters ("Shift-m") and dropped for symbols it produces ("_" stays "_").
 */
export function keyChord(e: KeyState, isMac = false): string {
  const mod = isMac ? e.metaKey : e.ctrlKey;
  let key = e.key.length === 1 ? e.key.toLowerCase() : e.key;
  // Ctrl-Shift-minus reports "_" on most layouts; Jupyter binds it as minus.
  if (mod && e.shiftKey && key === '_') key = '-';
  const parts: string[] = [];
  if (mod) parts.push('Mod');
  if (e.altKey) parts.push('Alt');
  if (e.shiftKey && (e.key.length > 1 || /[a-z]/i.test(e.key) || key === '-')) parts.push('Shift');
  parts.push(key === ' ' ? 'Space' : key);
  return parts.join('-');
}

/** The state of a two-key sequence between key presses: the first key, or null. */
export type PendingKey = string | null;

/**
 * Resolves a command-mode chord, given the first key of a sequence pressed just before.
 * Returns the command (if any) and the pending key to remember for the next press.
 */
export function resolveCommandKey(
  chord: string,
  pending: PendingKey,
): { command: NotebookCommand | null; pending: PendingKey } {
  if (pending !== null) {
    const seq = COMMAND_MODE_KEYS[`${pending} ${chord}`];
    if (seq) return { command: seq, pending: null };
  }
  const direct = COMMAND_MODE_KEYS[chord];
  if (direct) return { command: direct, pending: null };
  const starts = Object.keys(COMMAND_MODE_KEYS).some((k) => k.startsWith(`${chord} `));
  return { command: null, pending: starts ? chord : null };
}
