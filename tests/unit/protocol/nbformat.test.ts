import { describe, expect, it } from 'vitest';
import type { ErrorCode } from '../../../protocol/errors';
import { validateNotebook } from '../../../protocol/nbformat';
import type { JsonObject, JsonValue } from '../../../protocol/python-json';
import { codeCell, markdownCell, notebook } from '../../helpers/notebooks';

const withCells = (...cells: JsonValue[]): JsonObject => ({ ...notebook([]), cells });

describe('validateNotebook refuses what it cannot save faithfully, and says where', () => {
  const cases: [string, JsonValue, ErrorCode, RegExp][] = [
    ['a JSON list', [], 'not-a-notebook', /not a Jupyter notebook/],
    ['JSON without nbformat', { hello: 1 }, 'not-a-notebook', /not a Jupyter notebook/],
    [
      'nbformat 3',
      { nbformat: 3, nbformat_minor: 0, worksheets: [] },
      'unsupported-version',
      /nbformat 3 .*pairbook upgrade/,
    ],
    ['nbformat 2', { nbformat: 2, worksheets: [] }, 'unsupported-version', /nbformat 2/],
    [
      'nbformat 5',
      { nbformat: 5, nbformat_minor: 0, cells: [], metadata: {} },
      'unsupported-version',
      /newer than Pairbook/,
    ],
    [
      'cells not a list',
      { ...notebook([]), cells: {} },
      'invalid-notebook',
      /"cells" must be a list/,
    ],
    [
      'a cell without source',
      withCells({ cell_type: 'markdown', metadata: {} }),
      'invalid-notebook',
      /cells\[0\]: "source"/,
    ],
    [
      'a heading cell',
      withCells(markdownCell('a', []), { cell_type: 'heading', metadata: {}, source: [] }),
      'invalid-notebook',
      /cells\[1\]: cell_type "heading".*markdown/,
    ],
    [
      'a bad output type',
      withCells(codeCell('a', [], [{ output_type: 'bad stream', name: 'stdout', text: [] }])),
      'invalid-notebook',
      /cells\[0\]\.outputs\[0\]\.output_type "bad stream"/,
    ],
    [
      'a stream without text',
      withCells(codeCell('a', [], [{ output_type: 'stream', name: 'stdout' }])),
      'invalid-notebook',
      /needs "text"/,
    ],
    [
      'an invalid cell id',
      withCells(codeCell('$bad', [])),
      'invalid-cell-id',
      /cells\[0\]: the cell id "\$bad" is not valid/,
    ],
    ['a 65-character id', withCells(codeCell('x'.repeat(65), [])), 'invalid-cell-id', /not valid/],
    [
      'duplicate ids',
      withCells(codeCell('dup', []), markdownCell('ok', []), codeCell('dup', [])),
      'duplicate-cell-id',
      /cells\[0\] and cells\[2\] share the id "dup"/,
    ],
    [
      'a fractional execution count',
      withCells(codeCell('a', [], [], 1.5)),
      'invalid-notebook',
      /execution_count/,
    ],
  ];
  it.each(cases)('refuses %s', (_name, value, code, message) => {
    const r = validateNotebook(value, 'x.ipynb');
    expect(r.ok).toBe(false);
    if (!r.ok) {
      expect(r.error.code).toBe(code);
      expect(r.error.message).toMatch(/^x\.ipynb: /);
      expect(r.error.message).toMatch(message);
    }
  });

  it('opens a notebook with unknown metadata and fields, without complaint', () => {
    const nb = notebook([{ ...codeCell('a', ['1']), extra: { x: 1 } }], { custom: [1, 2] });
    const r = validateNotebook({ ...nb, toplevel: true });
    expect(r.ok && r.value.warnings).toEqual([]);
  });

  it('opens a future 4.x with unknown cell and output types, with warnings', () => {
    const nb = {
      ...notebook([
        { cell_type: 'future', metadata: {}, id: 'f' },
        codeCell('c', [], [{ output_type: 'future' }]),
      ]),
      nbformat_minor: 99,
    };
    const r = validateNotebook(nb);
    expect(r.ok).toBe(true);
    expect(r.ok && r.value.warnings.join('\n')).toMatch(
      /4\.99 is newer[^]*"future" is unknown[^]*"future" is unknown/,
    );
  });

  it('warns once when a 4.5 notebook lacks cell ids', () => {
    const cell = {
      cell_type: 'code',
      execution_count: null,
      metadata: {},
      outputs: [],
      source: [],
    };
    const r = validateNotebook(withCells(cell, cell));
    expect(r.ok && r.value.warnings).toEqual([expect.stringMatching(/^some cells have no id/)]);
  });
});
