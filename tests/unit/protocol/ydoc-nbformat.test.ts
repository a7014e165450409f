import { YNotebook } from '@jupyter/ydoc';
import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import type { Cell, Notebook } from '../../../protocol/nbformat';
import { parseJsonWithRawNumbers, type JsonObject } from '../../../protocol/python-json';
import {
  cellsOf,
  createCellMap,
  createSaveHint,
  loadNotebookIntoDoc,
  notebookFromDoc,
  serializeNotebook,
} from '../../../protocol/ydoc-nbformat';
import { codeCell, jupyterText, notebook, sampleNotebook } from '../../helpers/notebooks';

function load(nb: JsonObject): { doc: Y.Doc; text: string; save: () => string } {
  const text = jupyterText(nb);
  const doc = new Y.Doc();
  const ids = loadNotebookIntoDoc(JSON.parse(text) as Notebook, doc);
  const hint = createSaveHint(parseJsonWithRawNumbers(text), ids);
  return { doc, text, save: () => serializeNotebook(doc, hint) };
}

const source = (doc: Y.Doc, i: number) => cellsOf(doc).get(i).get('source') as Y.Text;

describe('notebook ⇄ Y.Doc', () => {
  it('saves an unmodified notebook byte for byte', () => {
    const { text, save } = load(sampleNotebook());
    expect(save()).toBe(text);
  });

  it('joins lists of lines with nothing, not commas (the @jupyter/ydoc trap)', () => {
    const { doc } = load(sampleNotebook());
    const outputs = cellsOf(doc).get(1).get('outputs') as Y.Array<Y.Map<unknown>>;
    expect((outputs.get(1).get('text') as Y.Text).toString()).toBe('warn\nagain\n');
    expect((outputs.get(2).get('data') as JsonObject)['text/html']).toBe('<b>x</b>\n<i>y</i>');
    expect(source(doc, 1).toString()).toBe('import sys\nprint("hi")\nsys.stderr.write("warn\\n")');
  });

  it("is read by JupyterLab's own YNotebook model as the same notebook", () => {
    const { doc } = load(sampleNotebook());
    const yn = new YNotebook();
    Y.applyUpdate(yn.ydoc, Y.encodeStateAsUpdate(doc));
    expect(yn.cells.map((c) => c.id)).toEqual(['intro', 'code1', 'empty']);
    expect(yn.getMetadata('kernelspec')).toEqual({
      display_name: 'Python 3',
      language: 'python',
      name: 'python3',
    });
    expect(yn.cells[1]?.getSource()).toContain('print("hi")');
    const json = yn.toJSON();
    expect(json.cells[1]).toMatchObject({
      execution_count: 3,
      outputs: [{ text: 'hi\n' }, { text: 'warn\nagain\n' }, {}],
    });
  });

  it('changes one line of the file when one character is typed', () => {
    const { doc, text, save } = load(sampleNotebook());
    source(doc, 1).insert(0, '#');
    const before = text.split('\n');
    const after = save().split('\n');
    expect(after.length).toBe(before.length);
    const changed = after.filter((line, i) => line !== before[i]);
    expect(changed).toEqual(['    "#import sys\\n",']);
  });

  it('keeps unknown metadata, unknown fields, attachments and number spellings', () => {
    const text = jupyterText(
      notebook(
        [
          {
            ...codeCell('c', ['x']),
            metadata: { tags: ['a'], vendor: { deep: [1, { k: null }] } },
            extra_field: 'kept',
          },
          {
            attachments: { 'img.png': { 'image/png': 'iVBORw0KGgo=' } },
            cell_type: 'markdown',
            id: 'm',
            metadata: {},
            source: ['![x](attachment:img.png)'],
          },
        ],
        { widgets: { state: {} } },
      ),
    ).replace('"nbformat_minor": 5', '"nbformat_minor": 5,\n "toplevel_extra": 1.0');
    const doc = new Y.Doc();
    const ids = loadNotebookIntoDoc(JSON.parse(text) as Notebook, doc);
    const saved = serializeNotebook(doc, createSaveHint(parseJsonWithRawNumbers(text), ids));
    expect(saved).toBe(text);
    source(doc, 0).insert(1, 'y');
    const edited = serializeNotebook(doc, createSaveHint(parseJsonWithRawNumbers(text), ids));
    expect(edited).toContain('"toplevel_extra": 1.0');
    expect(edited).toContain('"extra_field": "kept"');
    expect(edited).toContain('"xy"');
  });

  it('does not add cell ids to an nbformat 4.4 notebook', () => {
    const nb: JsonObject = { ...notebook([codeCell('x', ['1'])]), nbformat_minor: 4 };
    delete (nb.cells as JsonObject[])[0]!.id;
    const { doc, text, save } = load(nb);
    expect(save()).toBe(text);
    const id = cellsOf(doc).get(0).get('id');
    expect(typeof id).toBe('string');
    const again = new Y.Doc();
    expect(loadNotebookIntoDoc(JSON.parse(text) as Notebook, again)).toEqual([id]);
  });

  it('keeps a string that the file had whole as one string', () => {
    const text = jupyterText(notebook([codeCell('c', ['a\n', 'b'])])).replace(
      '"source": [\n    "a\\n",\n    "b"\n   ]',
      '"source": "a\\nb"',
    );
    expect(text).toContain('"source": "a\\nb"');
    const doc = new Y.Doc();
    const ids = loadNotebookIntoDoc(JSON.parse(text) as Notebook, doc);
    expect(serializeNotebook(doc, createSaveHint(parseJsonWithRawNumbers(text), ids))).toBe(text);
  });

  it('writes new cells and outputs as Jupyter would', () => {
    const { doc } = load(notebook([]));
    const nb = notebookFromDoc(doc);
    expect(nb.cells).toEqual([]);
    const cell = new Y.Map<unknown>([
      ['id', 'new'],
      ['cell_type', 'code'],
      ['source', new Y.Text('a\nb')],
      ['metadata', new Y.Map()],
      ['outputs', new Y.Array()],
      ['execution_count', null],
      ['execution_state', 'running'],
    ]);
    cellsOf(doc).push([cell]);
    const saved = serializeNotebook(doc);
    expect(saved).toContain('"source": [\n    "a\\n",\n    "b"\n   ]');
    expect(saved).not.toContain('execution_state');
  });

  it('saves around entries of the cells list that are not cells, and says which', () => {
    const { doc, text } = load(sampleNotebook());
    const skipped: string[] = [];
    const map = new Y.Map<unknown>();
    cellsOf(doc).insert(1, [42 as unknown as Y.Map<unknown>, 'str' as unknown as Y.Map<unknown>]);
    cellsOf(doc).push([map]);
    map.set('id', 'half');
    expect(serializeNotebook(doc, undefined, (why) => skipped.push(why))).toBe(
      serializeNotebook(load(sampleNotebook()).doc),
    );
    expect(skipped).toEqual([
      'cell 2 is not a cell (42); left out',
      'cell 3 is not a cell ("str"); left out',
      `cell ${cellsOf(doc).length} has no cell_type; left out`,
    ]);
    expect(notebookFromDoc(doc, () => {}).cells).toHaveLength(
      (JSON.parse(text) as { cells: unknown[] }).cells.length,
    );
  });

  it('saves a second cell with an id already used under a new id, and says so', () => {
    const { doc } = load(notebook([codeCell('twin', ['a = 1']), codeCell('other', ['b'])]));
    cellsOf(doc).push([createCellMap(codeCell('twin', ['c = 3']) as unknown as Cell, 'twin')]);
    const reports: string[] = [];
    const saved = JSON.parse(serializeNotebook(doc, undefined, (why) => reports.push(why))) as {
      cells: Cell[];
    };
    const ids = saved.cells.map((c) => c.id);
    expect(ids.slice(0, 2)).toEqual(['twin', 'other']);
    expect(new Set(ids).size).toBe(3);
    expect(saved.cells[2]?.source).toEqual(['c = 3']);
    expect(reports).toEqual([`cell 3 has the id twin of an earlier cell: saved as ${ids[2]}`]);
  });
});
