import { describe, expect, it } from 'vitest';
import {
  COMMAND_MODE_KEYS,
  EDIT_MODE_KEYS,
  type KeyState,
  keyChord,
  notebookKeymap,
  resolveCommandKey,
} from '../../../renderer/notebook/keymap';
import { withHeading } from '../../../renderer/notebook/commands';

const key = (k: string, mods: Partial<KeyState> = {}): KeyState => ({
  key: k,
  shiftKey: false,
  ctrlKey: false,
  metaKey: false,
  altKey: false,
  ...mods,
});

describe('keyChord', () => {
  it.each([
    [key('a'), false, 'a'],
    [key('M', { shiftKey: true }), false, 'Shift-m'],
    [key('Enter', { shiftKey: true }), false, 'Shift-Enter'],
    [key('Enter', { ctrlKey: true }), false, 'Mod-Enter'],
    [key('Enter', { metaKey: true }), true, 'Mod-Enter'],
    [key('Enter', { ctrlKey: true }), true, 'Enter'],
    [key('Enter', { altKey: true }), false, 'Alt-Enter'],
    [key('s', { ctrlKey: true }), false, 'Mod-s'],
    [key('_', { ctrlKey: true, shiftKey: true }), false, 'Mod-Shift--'],
    [key('ArrowDown', { shiftKey: true }), false, 'Shift-ArrowDown'],
  ])('%j (mac: %s) is %s', (state, mac, chord) => {
    expect(keyChord(state, mac)).toBe(chord);
  });
});

describe("Jupyter's command mode", () => {
  it.each([
    ['Shift-Enter', 'run-and-advance'],
    ['Mod-Enter', 'run-in-place'],
    ['Alt-Enter', 'run-and-insert'],
    ['a', 'insert-above'],
    ['b', 'insert-below'],
    ['m', 'to-markdown'],
    ['y', 'to-code'],
    ['r', 'to-raw'],
    ['z', 'undo'],
    ['j', 'select-next'],
    ['k', 'select-previous'],
    ['ArrowUp', 'select-previous'],
    ['c', 'copy-cells'],
    ['x', 'cut-cells'],
    ['v', 'paste-below'],
    ['Shift-m', 'merge-cells'],
    ['Mod-s', 'save'],
    ['Enter', 'edit'],
    ['1', 'to-heading-1'],
    ['2', 'to-heading-2'],
    ['3', 'to-heading-3'],
    ['4', 'to-heading-4'],
    ['5', 'to-heading-5'],
    ['6', 'to-heading-6'],
    ['Shift-l', 'toggle-line-numbers'],
    ['ArrowLeft', 'collapse-or-heading-above'],
    ['ArrowRight', 'expand-or-heading-below'],
    ['Mod-Shift-ArrowLeft', 'collapse-all-headings'],
    ['Mod-Shift-ArrowRight', 'expand-all-headings'],
  ])('%s runs %s', (chord, command) => {
    expect(resolveCommandKey(chord, null)).toEqual({ command, pending: null });
  });

  it('deletes only on D pressed twice', () => {
    const first = resolveCommandKey('d', null);
    expect(first).toEqual({ command: null, pending: 'd' });
    expect(resolveCommandKey('d', first.pending)).toEqual({
      command: 'delete-cells',
      pending: null,
    });
    expect(resolveCommandKey('j', 'd')).toEqual({ command: 'select-next', pending: null });
  });

  it('interrupts on I, I and restarts on 0, 0', () => {
    expect(resolveCommandKey('i', resolveCommandKey('i', null).pending).command).toBe('interrupt');
    expect(resolveCommandKey('0', resolveCommandKey('0', null).pending).command).toBe('restart');
  });

  it('leaves Ctrl-C, Ctrl-X and Ctrl-V to the browser, whose clipboard events carry the cells', () => {
    for (const chord of ['Mod-c', 'Mod-x', 'Mod-v']) {
      expect(resolveCommandKey(chord, null)).toEqual({ command: null, pending: null });
    }
  });

  it('ignores keys it does not know', () => {
    expect(resolveCommandKey('q', null)).toEqual({ command: null, pending: null });
  });

  it('binds edit-mode run, escape, save and split', () => {
    expect(EDIT_MODE_KEYS['Shift-Enter']).toBe('run-and-advance');
    expect(EDIT_MODE_KEYS.Escape).toBe('command-mode');
    expect(EDIT_MODE_KEYS['Mod-Shift--']).toBe('split-cell');
    expect(Object.keys(COMMAND_MODE_KEYS)).not.toContain('Mod-Shift--');
  });

  it('leaves edit mode on Ctrl-M, as JupyterLab does (Ctrl on macOS too), and not in command mode', () => {
    expect(EDIT_MODE_KEYS['Ctrl-m']).toBe('command-mode');
    expect(resolveCommandKey('Mod-m', null).command).toBeNull();
  });

  it('keeps 0 0 (restart) apart from the heading keys 1 to 6', () => {
    expect(resolveCommandKey('1', '0')).toEqual({ command: 'to-heading-1', pending: null });
    expect(resolveCommandKey('7', null).command).toBeNull();
  });
});

describe('the keymap table', () => {
  const inMode = (mode: string) =>
    notebookKeymap.filter((b) => (b.scope ?? 'command').split(' ').includes(mode));

  it.each(['command', 'edit'])('binds each key once in %s mode', (mode) => {
    const keys = inMode(mode).map((b) => b.key);
    expect(keys.filter((k, i) => keys.indexOf(k) !== i)).toEqual([]);
  });

  it('binds no key alone that also starts a sequence, which it would cut short', () => {
    const keys = inMode('command').map((b) => b.key);
    const firsts = keys.filter((k) => k.includes(' ')).map((k) => k.split(' ')[0]);
    expect(keys.filter((k) => firsts.includes(k))).toEqual([]);
  });

  it('leaves every character to typing in edit mode', () => {
    const types = (key: string) => {
      const [, modifiers = '', name = ''] = /^((?:(?:Mod|Ctrl|Alt|Shift)-)*)(.+)$/.exec(key) ?? [];
      return !/Mod|Ctrl|Alt/.test(modifiers) && name.length === 1;
    };
    expect(inMode('edit').filter((b) => types(b.key))).toEqual([]);
  });
});

describe('withHeading', () => {
  it.each([
    ['Results', 1, '# Results'],
    ['## Results', 3, '### Results'],
    ['#Results\nmore', 2, '## Results\nmore'],
    ['   indented', 1, '# indented'],
    ['', 2, '## '],
    ['####### deep', 9, '###### deep'],
  ])('%j at level %i is %j', (source, level, heading) => {
    expect(withHeading(source, level)).toBe(heading);
  });
});
