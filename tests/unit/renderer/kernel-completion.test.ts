import { CompletionContext } from '@codemirror/autocomplete';
import { EditorSelection, EditorState } from '@codemirror/state';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { RequestResult } from '../../../protocol/hub-messages';
import { commonPrefix, kernelCompletionSource } from '../../../renderer/editor/kernel-completion';
import {
  type KernelHelp,
  type KernelQuestion,
  askWithin,
  hasCodeBeforeCaret,
} from '../../../renderer/editor/kernel-help';

/** A state of `doc` with the caret at `|` (or a selection between two `|`). */
function stateOf(marked: string): EditorState {
  const at = marked.indexOf('|');
  const end = marked.indexOf('|', at + 1);
  const doc = marked.replace(/\|/g, '');
  const selection = end < 0 ? EditorSelection.cursor(at) : EditorSelection.range(at, end - 1);
  return EditorState.create({ doc, selection });
}

/** A KernelHelp that answers `answer` and records what it was asked. */
function helpAnswering(answer: RequestResult | null): KernelHelp & { asked: KernelQuestion[] } {
  const asked: KernelQuestion[] = [];
  return {
    asked,
    allowed: () => true,
    ask: (q) => {
      asked.push(q);
      return Promise.resolve(answer);
    },
  };
}

describe('hasCodeBeforeCaret (Tab completes, Shift-Tab inspects)', () => {
  it.each([
    ['import o|', true],
    ['x = 1\nprint(|)', true],
    ['|', false],
    ['if x:\n    |', false],
    ['if x:\n|    y', false],
    ['    |y', false],
    ['a\n\t |', false],
  ])('%j: %s', (marked, expected) => {
    expect(hasCodeBeforeCaret(stateOf(marked))).toBe(expected);
  });

  it('is false with text selected (Tab indents the selection) or several carets', () => {
    expect(hasCodeBeforeCaret(stateOf('|import| os'))).toBe(false);
    const two = EditorState.create({
      doc: 'ab\ncd',
      selection: EditorSelection.create([EditorSelection.cursor(2), EditorSelection.cursor(5)]),
      extensions: EditorState.allowMultipleSelections.of(true),
    });
    expect(hasCodeBeforeCaret(two)).toBe(false);
  });
});

describe('askWithin', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it('gives up after the wait (a busy kernel answers after its run) and shows nothing', async () => {
    vi.useFakeTimers();
    const help: KernelHelp = { allowed: () => true, ask: () => new Promise(() => {}) };
    const answer = askWithin(help, { type: 'complete', code: 'o', cursor: 1 }, 5000);
    await vi.advanceTimersByTimeAsync(5000);
    await expect(answer).resolves.toBeNull();
  });

  it('passes the answer on, and turns a failure into null', async () => {
    const found: RequestResult = { kind: 'inspection', found: true, text: 'Signature: f()' };
    await expect(
      askWithin(helpAnswering(found), { type: 'complete', code: '', cursor: 0 }),
    ).resolves.toBe(found);
    const failing: KernelHelp = { allowed: () => true, ask: () => Promise.reject(new Error('x')) };
    await expect(askWithin(failing, { type: 'complete', code: '', cursor: 0 })).resolves.toBeNull();
  });
});

describe('kernelCompletionSource', () => {
  const completions = (matches: string[], from: number, to: number): RequestResult => ({
    kind: 'completions',
    matches,
    from,
    to,
  });

  it('asks only when started explicitly (Tab), never as one types', async () => {
    const help = helpAnswering(completions(['os', 'operator'], 7, 8));
    const state = stateOf('import o|');
    await expect(
      kernelCompletionSource(help)(new CompletionContext(state, 8, false)),
    ).resolves.toBeNull();
    expect(help.asked).toEqual([]);
  });

  it('asks with the cell as this person sees it, and lists the matches over from..to', async () => {
    const help = helpAnswering(completions(['operator', 'os', 'os'], 7, 8));
    const state = stateOf('import o|\nx = 1');
    const result = await kernelCompletionSource(help)(new CompletionContext(state, 8, true));
    expect(help.asked).toEqual([{ type: 'complete', code: 'import o\nx = 1', cursor: 8 }]);
    expect(result).toMatchObject({
      from: 7,
      to: 8,
      options: [{ label: 'operator' }, { label: 'os' }],
    });
  });

  it('shows nothing for no matches, a refusal, an inspection, or positions outside the cell', async () => {
    const state = stateOf('import o|');
    for (const answer of [
      completions([], 7, 8),
      null,
      { kind: 'inspection', found: true, text: 'x' } as RequestResult,
      completions(['os', 'operator'], 9, 9),
      completions(['os', 'operator'], 7, 20),
    ]) {
      const source = kernelCompletionSource(helpAnswering(answer));
      await expect(source(new CompletionContext(state, 8, true))).resolves.toBeNull();
    }
  });
});

describe('commonPrefix (Tab in the list types what every match starts with)', () => {
  it.each([
    [['value_one', 'value_two'], 'value_'],
    [['array', 'arrays'], 'array'],
    [['os', 'operator'], 'o'],
    [['x', 'y'], ''],
    [['only'], 'only'],
    [[], ''],
  ])('%j: %j', (labels, prefix) => {
    expect(commonPrefix(labels)).toBe(prefix);
  });
});
