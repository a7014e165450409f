import { describe, expect, it } from 'vitest';
import type { Cell } from '../../../protocol/nbformat';
import {
  CELLS_MIME,
  MAX_CLIPBOARD_CHARS,
  MAX_JSON_DEPTH,
  MAX_PASTED_CELLS,
  cellsJsonInHtml,
  cellsToClipboard,
  parseClipboardCells,
} from '../../../renderer/notebook/cell-clipboard';

const code: Cell = {
  cell_type: 'code',
  execution_count: 3,
  id: 'abc',
  metadata: { tags: ['x'] },
  outputs: [{ output_type: 'stream', name: 'stdout', text: ['1 < 2 & 3 > 2\n'] }],
  source: ['if a < b and c > d:\n', '    print("&amp;")'],
};
const markdown: Cell = {
  cell_type: 'markdown',
  id: 'def',
  metadata: {},
  source: '# Title </pre> <script>alert(1)</script>',
  attachments: { 'a.png': { 'image/png': 'iVBOR' } },
};

describe('cellsToClipboard', () => {
  it('writes the cells as JSON, as HTML the classic Notebook reads, and their sources as text', () => {
    const p = cellsToClipboard([code, markdown]);
    expect(JSON.parse(p[CELLS_MIME])).toEqual([code, markdown].map(({ id: _id, ...rest }) => rest));
    expect(p['text/plain']).toBe(
      'if a < b and c > d:\n    print("&amp;")\n\n# Title </pre> <script>alert(1)</script>',
    );
    expect(p['text/html']).toMatch(/^<pre class="jupyter-nb-cells-json">[^<>&]*<\/pre>$/);
    expect(JSON.parse(cellsJsonInHtml(p['text/html']) as string)).toEqual(
      JSON.parse(p[CELLS_MIME]),
    );
  });
});

describe('parseClipboardCells', () => {
  const round = (cells: Cell[], withOutputs = true) => {
    const p = cellsToClipboard(cells);
    return parseClipboardCells(
      { cells: p[CELLS_MIME], html: p['text/html'], text: p['text/plain'] },
      withOutputs,
    );
  };

  it('reads back what a copy wrote, without ids (a paste gives fresh ones)', () => {
    const r = round([code, markdown]);
    expect(r.ok && r.value).toEqual([
      {
        cell_type: 'code',
        execution_count: 3,
        metadata: { tags: ['x'] },
        outputs: code.outputs,
        source: code.source,
      },
      {
        cell_type: 'markdown',
        metadata: {},
        source: markdown.source,
        attachments: markdown.attachments,
      },
    ]);
  });

  it("drops a code cell's outputs and count when the paster may not write outputs (a guest)", () => {
    const r = round([code], false);
    expect(r.ok && r.value[0]).toMatchObject({ outputs: [], execution_count: null });
  });

  it('finds the cells in HTML alone, as navigator.clipboard.read() returns it, entities and all', () => {
    const p = cellsToClipboard([code]);
    // Chromium re-serializes the HTML it hands back: a wrapper, and text escaped as entities.
    const html = `<meta charset="utf-8"><pre class="jupyter-nb-cells-json" style="x">${p[
      CELLS_MIME
    ].replace(/&/g, '&amp;').replace(/</g, '&lt;')}</pre>`;
    const r = parseClipboardCells({ html, text: p['text/plain'] });
    expect(r.ok && r.value[0]?.source).toEqual(code.source);
  });

  it('pastes cells whose JSON came as plain text, or a whole notebook file', () => {
    const list = JSON.stringify([{ cell_type: 'raw', metadata: {}, source: 'r' }]);
    expect(parseClipboardCells({ text: list }).ok).toBe(true);
    const nb = JSON.stringify({ nbformat: 4, nbformat_minor: 5, metadata: {}, cells: [markdown] });
    const r = parseClipboardCells({ text: nb });
    expect(r.ok && r.value.length).toBe(1);
  });

  it.each([
    ['ordinary text', { text: 'print("hello")' }, /holds text, not notebook cells/],
    ['a JSON list that is not cells', { text: '[1, 2, 3]' }, /holds JSON, not notebook cells/],
    ['Python that looks like JSON', { text: '{"a": 1}  # dict' }, /holds text, not notebook cells/],
    ['nothing', {}, /clipboard is empty/],
  ])('says the clipboard holds %s, not cells', (_what, data, message) => {
    const r = parseClipboardCells(data);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.error.message).toMatch(message);
  });

  it.each([
    [
      'a cell type nbformat 4.5 does not know',
      [{ cell_type: 'heading', metadata: {}, source: '' }],
      /cells\[0\]: cell_type "heading"/,
    ],
    ['an output with no output_type', [{ ...code, outputs: [{}] }], /outputs\[0\]/],
    [
      'a source that is a number',
      [{ cell_type: 'raw', metadata: {}, source: 7 }],
      /"source" is missing/,
    ],
    ['no cells at all', [], /empty/],
    ['an object, not a list', { cell_type: 'raw' }, /not a list of cells/],
  ])('refuses cells with %s, saying what is wrong', (_what, value, message) => {
    const r = parseClipboardCells({ cells: JSON.stringify(value) });
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.error.message).toMatch(message);
  });

  it('refuses broken JSON under the cells type', () => {
    const r = parseClipboardCells({ cells: '[{"cell_type":' });
    expect(!r.ok && r.error.message).toMatch(/not valid JSON/);
  });

  it('ignores pasted ids, including duplicate and invalid ones', () => {
    const cells = [
      { cell_type: 'raw', id: 'same', metadata: {}, source: 'a' },
      { cell_type: 'raw', id: 'same', metadata: {}, source: 'b' },
      { cell_type: 'raw', id: 'not valid!', metadata: {}, source: 'c' },
    ];
    const r = parseClipboardCells({ cells: JSON.stringify(cells) });
    expect(r.ok && r.value.map((c) => c.id)).toEqual([undefined, undefined, undefined]);
  });

  it('keeps only the fields nbformat allows on each cell type', () => {
    const cells = [
      { ...code, execution_state: 'busy', evil: 1, attachments: {} },
      { cell_type: 'markdown', metadata: {}, source: '', outputs: [], execution_count: 1 },
    ];
    const r = parseClipboardCells({ cells: JSON.stringify(cells) });
    expect(r.ok && r.value.map((c) => Object.keys(c).sort())).toEqual([
      ['cell_type', 'execution_count', 'metadata', 'outputs', 'source'],
      ['cell_type', 'metadata', 'source'],
    ]);
  });

  it('refuses more text, more cells or deeper JSON than it pastes at once', () => {
    const huge = parseClipboardCells({ cells: ' '.repeat(MAX_CLIPBOARD_CHARS + 1) });
    expect(!huge.ok && huge.error.message).toMatch(/pastes up to 16 MB/);
    const unread = parseClipboardCells({ tooLarge: 60 * 1024 * 1024 });
    expect(!unread.ok && unread.error.message).toMatch(/holds 60.0 MB/);
    const raw = { cell_type: 'raw', metadata: {}, source: '' };
    const many = parseClipboardCells({
      cells: JSON.stringify(Array(MAX_PASTED_CELLS + 1).fill(raw)),
    });
    expect(!many.ok && many.error.message).toMatch(/pastes up to 5000/);
    let deep: unknown = 1;
    for (let i = 0; i < MAX_JSON_DEPTH + 5; i++) deep = { d: deep };
    const nested = parseClipboardCells({ cells: JSON.stringify([{ ...raw, metadata: deep }]) });
    expect(!nested.ok && nested.error.message).toMatch(/nest deeper/);
  });

  it('prefers the cells type over HTML and text', () => {
    const a = cellsToClipboard([{ cell_type: 'raw', metadata: {}, source: 'A' }]);
    const b = cellsToClipboard([{ cell_type: 'raw', metadata: {}, source: 'B' }]);
    const r = parseClipboardCells({ cells: a[CELLS_MIME], html: b['text/html'], text: 'x' });
    expect(r.ok && r.value[0]?.source).toBe('A');
  });
});
