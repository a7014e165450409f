import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { cellFromMap, cellsOf, createCellMap } from '../../../protocol/ydoc-nbformat';
import type { Cell } from '../../../protocol/nbformat';
import { isHidden, writeHidden } from '../../../renderer/notebook/view-state';

function cellWith(metadata: Record<string, unknown>): Y.Map<unknown> {
  const doc = new Y.Doc();
  const file = { cell_type: 'code', execution_count: null, metadata, outputs: [], source: 'x' };
  cellsOf(doc).insert(0, [createCellMap(file as unknown as Cell, 'a')]);
  return cellsOf(doc).get(0);
}

describe('view state in JupyterLab 4’s metadata keys', () => {
  it('reads hidden inputs, outputs and collapsed headings', () => {
    expect(isHidden(cellWith({ jupyter: { source_hidden: true } }), 'input')).toBe(true);
    expect(isHidden(cellWith({ collapsed: true }), 'outputs')).toBe(true);
    expect(isHidden(cellWith({ jupyter: { outputs_hidden: true } }), 'outputs')).toBe(true);
    // `collapsed` wins when the two disagree, as in JupyterLab.
    expect(
      isHidden(cellWith({ collapsed: false, jupyter: { outputs_hidden: true } }), 'outputs'),
    ).toBe(false);
    expect(isHidden(cellWith({ 'jp-MarkdownHeadingCollapsed': true }), 'heading')).toBe(true);
    expect(isHidden(cellWith({}), 'input')).toBe(false);
    expect(isHidden(cellWith({ jupyter: 'odd' }), 'input')).toBe(false);
  });

  it('writes them as JupyterLab does, and removes what it added when shown again', () => {
    const cell = cellWith({ jupyter: { other: 1 }, tags: ['t'] });
    writeHidden(cell, 'input', true);
    writeHidden(cell, 'outputs', true);
    writeHidden(cell, 'heading', true);
    expect(cellFromMap(cell).metadata).toEqual({
      collapsed: true,
      jupyter: { other: 1, outputs_hidden: true, source_hidden: true },
      'jp-MarkdownHeadingCollapsed': true,
      tags: ['t'],
    });
    writeHidden(cell, 'input', false);
    writeHidden(cell, 'outputs', false);
    writeHidden(cell, 'heading', false);
    expect(cellFromMap(cell).metadata).toEqual({ jupyter: { other: 1 }, tags: ['t'] });
    const bare = cellWith({});
    writeHidden(bare, 'outputs', true);
    writeHidden(bare, 'outputs', false);
    expect(cellFromMap(bare).metadata).toEqual({});
  });
});
