// Jupyter's keyboard model as data: which key chord does what, in command mode and in edit mode.
// Pure (no DOM), so it is table-tested.

/** What a key can ask the notebook to do. */
export type NotebookCommand =
  | 'run-and-advance'
  | 'run-in-place'
  | 'run-and-insert'
  | 'insert-above'
  | 'insert-below'
  | 'delete-cells'
  | 'to-code'
  | 'to-markdown'
  | 'to-raw'
  | 'undo'
  | 'redo'
  | 'select-previous'
  | 'select-next'
  | 'extend-previous'
  | 'extend-next'
  | 'select-all'
  | 'copy-cells'
  | 'cut-cells'
  | 'paste-below'
  | 'paste-above'
  | 'merge-cells'
  | 'split-cell'
  | 'save'
  | 'edit'
  | 'command-mode'
  | 'find'
  | 'interrupt'
  | 'restart'
  | 'move-up'
  | 'move-down';

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

/** Command-mode chords. Two-key sequences ("d d") need the same key twice. */
export const COMMAND_MODE_KEYS: Readonly<Record<string, NotebookCommand>> = {
  'Shift-Enter': 'run-and-advance',
  'Mod-Enter': 'run-in-place',
  'Alt-Enter': 'run-and-insert',
  Enter: 'edit',
  a: 'insert-above',
  b: 'insert-below',
  'd d': 'delete-cells',
  y: 'to-code',
  m: 'to-markdown',
  r: 'to-raw',
  z: 'undo',
  'Shift-z': 'redo',
  'Mod-z': 'undo',
  'Mod-Shift-z': 'redo',
  'Mod-y': 'redo',
  ArrowUp: 'select-previous',
  k: 'select-previous',
  ArrowDown: 'select-next',
  j: 'select-next',
  'Shift-ArrowUp': 'extend-previous',
  'Shift-k': 'extend-previous',
  'Shift-ArrowDown': 'extend-next',
  'Shift-j': 'extend-next',
  'Mod-a': 'select-all',
  // Ctrl/Cmd-C, -X and -V are left to the browser on purpose: its copy, cut and paste events are
  // the only way to reach the system clipboard without a permission (NotebookView takes them).
  c: 'copy-cells',
  x: 'cut-cells',
  v: 'paste-below',
  'Shift-v': 'paste-above',
  'Shift-m': 'merge-cells',
  'Mod-s': 'save',
  'Mod-f': 'find',
  f: 'find',
  'i i': 'interrupt',
  '0 0': 'restart',
  'Mod-Shift-ArrowUp': 'move-up',
  'Mod-Shift-ArrowDown': 'move-down',
  Escape: 'command-mode',
};

/** Edit-mode chords, in CodeMirror's key syntax; everything else is typing. */
export const EDIT_MODE_KEYS: Readonly<Record<string, NotebookCommand>> = {
  'Shift-Enter': 'run-and-advance',
  'Mod-Enter': 'run-in-place',
  'Alt-Enter': 'run-and-insert',
  Escape: 'command-mode',
  'Mod-s': 'save',
  'Mod-Shift--': 'split-cell',
  'Mod-Shift-_': 'split-cell',
};

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
