// The view commands on a stand-in notebook: which cells they hide or show, where ← and → go.
import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { cellFromMap, cellsOf, createCellMap } from '../../../protocol/ydoc-nbformat';
import type { Cell } from '../../../protocol/nbformat';
import { type CommandTarget, notebookCommands } from '../../../renderer/notebook/commands';
import type { CellView } from '../../../renderer/notebook/cell-view';
import { headingAbove, headingBelow } from '../../../renderer/notebook/headings';
import type { ViewPart } from '../../../renderer/notebook/view-state';

interface FakeCell {
  id: string;
  type: 'code' | 'markdown';
  headingLevel: number;
  hidden: Partial<Record<ViewPart, boolean>>;
}

function notebookOf(cells: FakeCell[], from: number, to = from) {
  const selected: number[] = [];
  const target = {
    cellViews: cells as unknown as CellView[],
    selection: { from, to, active: to, anchor: from },
    permissions: { edit: true, moveOutputs: true },
    actions: {},
    isHidden: (cell: CellView, part: ViewPart) =>
      (cell as unknown as FakeCell).hidden[part] ?? false,
    setHidden: (views: readonly CellView[], part: ViewPart, hidden: boolean) => {
      for (const v of views) (v as unknown as FakeCell).hidden[part] = hidden;
    },
    isCellHidden: () => false,
    headingAbove: (i: number) =>
      headingAbove(
        cells.map((c) => c.headingLevel),
        i,
      ),
    headingBelow: (i: number) =>
      headingBelow(
        cells.map((c) => c.headingLevel),
        i,
      ),
    select: (i: number) => selected.push(i),
    setSelection: () => undefined,
  };
  return { target: target as unknown as CommandTarget, selected };
}

const code = (id: string): FakeCell => ({ id, type: 'code', headingLevel: 0, hidden: {} });
const heading = (id: string, level: number): FakeCell => ({
  id,
  type: 'markdown',
  headingLevel: level,
  hidden: {},
});

describe('hiding inputs and outputs', () => {
  it('hides and shows the selected code cells only, as JupyterLab’s hide-cell-code does', () => {
    const cells = [code('a'), heading('h', 1), code('b'), code('c')];
    const { target } = notebookOf(cells, 0, 2);
    expect(notebookCommands['hide-input'](target)).toBe(true);
    expect(cells.map((c) => c.hidden.input ?? false)).toEqual([true, false, true, false]);
    notebookCommands['hide-outputs'](target);
    expect(cells.map((c) => c.hidden.outputs ?? false)).toEqual([true, false, true, false]);
    notebookCommands['show-input'](target);
    expect(cells.map((c) => c.hidden.input)).toEqual([false, undefined, false, undefined]);
  });

  it('toggles the selection as its active cell is', () => {
    const cells = [code('a'), code('b')];
    cells[1]!.hidden.outputs = true;
    const { target } = notebookOf(cells, 0, 1);
    notebookCommands['toggle-outputs'](target);
    expect(cells.map((c) => c.hidden.outputs)).toEqual([false, false]);
  });
});

describe('← and → on headings', () => {
  const make = () => [heading('a', 1), code('x'), heading('b', 2), code('y'), heading('c', 1)];

  it('← collapses an expanded heading, else goes to the heading above', () => {
    const cells = make();
    const first = notebookOf(cells, 2);
    notebookCommands['collapse-or-heading-above'](first.target);
    expect(cells[2]!.hidden.heading).toBe(true);
    expect(first.selected).toEqual([]);
    notebookCommands['collapse-or-heading-above'](first.target);
    expect(first.selected).toEqual([0]);
    const inside = notebookOf(cells, 3);
    notebookCommands['collapse-or-heading-above'](inside.target);
    expect(inside.selected).toEqual([2]);
  });

  it('→ expands a collapsed heading, else goes to the next heading', () => {
    const cells = make();
    cells[0]!.hidden.heading = true;
    const { target, selected } = notebookOf(cells, 0);
    notebookCommands['expand-or-heading-below'](target);
    expect(cells[0]!.hidden.heading).toBe(false);
    notebookCommands['expand-or-heading-below'](target);
    expect(selected).toEqual([2]);
  });

  it('Ctrl-Shift-← collapses every heading', () => {
    const cells = make();
    notebookCommands['collapse-all-headings'](notebookOf(cells, 1).target);
    expect(cells.map((c) => c.hidden.heading ?? false)).toEqual([true, false, true, false, true]);
  });
});

describe('1 to 6', () => {
  it('make the selected cells markdown headings, in one transaction', () => {
    const doc = new Y.Doc();
    const file = (cell_type: string, source: string) =>
      ({
        cell_type,
        metadata: {},
        source,
        ...(cell_type === 'code' ? { outputs: [], execution_count: null } : {}),
      }) as unknown as Cell;
    cellsOf(doc).insert(0, [
      createCellMap(file('code', 'Results'), 'a'),
      createCellMap(file('markdown', '## Old\ntext'), 'b'),
    ]);
    const { target } = notebookOf([code('a'), code('b')], 0, 1);
    let transactions = 0;
    doc.on('afterTransaction', () => transactions++);
    notebookCommands['to-heading-3']({ ...target, doc } as CommandTarget);
    expect(transactions).toBe(1);
    expect(cellsOf(doc).map((c) => [cellFromMap(c).cell_type, cellFromMap(c).source])).toEqual([
      ['markdown', '### Results'],
      ['markdown', '### Old\ntext'],
    ]);
  });
});
