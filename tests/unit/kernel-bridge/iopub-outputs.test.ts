import { describe, expect, it } from 'vitest';
import { CellOutputs, MAX_CELL_OUTPUT_CHARS } from '../../../kernel-bridge/iopub-outputs';
import type { JupyterMessage } from '../../../kernel-bridge/messages';
import type { JsonObject } from '../../../protocol/python-json';

let n = 0;
function msg(msgType: string, content: JsonObject): JupyterMessage {
  return {
    header: {
      msg_id: `m${++n}`,
      msg_type: msgType,
      session: 's',
      username: 'u',
      date: '2024-01-01T00:00:00Z',
      version: '5.3',
    },
    parent_header: {},
    metadata: {},
    content,
    buffers: [],
    channel: 'iopub',
  };
}
const stream = (name: string, text: string) => msg('stream', { name, text });
const display = (data: JsonObject, displayId?: string) =>
  msg('display_data', {
    data,
    metadata: {},
    ...(displayId ? { transient: { display_id: displayId } } : {}),
  });
const update = (data: JsonObject, displayId: string) =>
  msg('update_display_data', { data, metadata: {}, transient: { display_id: displayId } });

function feed(cell: CellOutputs, ...msgs: JupyterMessage[]): void {
  for (const m of msgs) cell.handle(m);
}

describe('CellOutputs', () => {
  it('coalesces consecutive stream chunks of the same name', () => {
    const cell = new CellOutputs();
    feed(cell, stream('stdout', 'a\n'), stream('stdout', 'b\n'));
    expect(cell.outputs).toEqual([{ output_type: 'stream', name: 'stdout', text: 'a\nb\n' }]);
  });

  it('starts a new stream output when the name changes, and never merges across it', () => {
    const cell = new CellOutputs();
    feed(cell, stream('stdout', 'a'), stream('stderr', 'b'), stream('stdout', 'c'));
    expect(cell.outputs.map((o) => [o.name, o.text])).toEqual([
      ['stdout', 'a'],
      ['stderr', 'b'],
      ['stdout', 'c'],
    ]);
  });

  it('applies carriage returns across chunks, as a progress bar needs', () => {
    const cell = new CellOutputs();
    feed(cell, stream('stdout', '10%\r'), stream('stdout', '20%\r'), stream('stdout', '100%\n'));
    expect(cell.outputs[0]!.text).toBe('100%\n');
  });

  it('applies backspaces', () => {
    const cell = new CellOutputs();
    feed(cell, stream('stdout', 'abc'), stream('stdout', '\b\bX\n'));
    expect(cell.outputs[0]!.text).toBe('aX\n');
  });

  it('saves display_data without transient, execute_result with its count, and errors', () => {
    const cell = new CellOutputs();
    feed(
      cell,
      msg('execute_input', { code: '1', execution_count: 7 }),
      display({ 'text/plain': 'd' }, 'id1'),
      msg('execute_result', { data: { 'text/plain': '2' }, metadata: {}, execution_count: 7 }),
      msg('error', {
        ename: 'ValueError',
        evalue: 'bad',
        traceback: ['\x1b[31mValueError\x1b[0m'],
      }),
    );
    expect(cell.executionCount).toBe(7);
    expect(cell.outputs).toEqual([
      { output_type: 'display_data', data: { 'text/plain': 'd' }, metadata: {} },
      {
        output_type: 'execute_result',
        data: { 'text/plain': '2' },
        metadata: {},
        execution_count: 7,
      },
      {
        output_type: 'error',
        ename: 'ValueError',
        evalue: 'bad',
        traceback: ['\x1b[31mValueError\x1b[0m'],
      },
    ]);
    expect(cell.displayIds()).toEqual(['id1']);
  });

  it('clears at once on clear_output, and only at the next output with wait=True', () => {
    const cell = new CellOutputs();
    feed(cell, stream('stdout', 'old'));
    expect(cell.handle(msg('clear_output', { wait: true })).changed).toBe(false);
    expect(cell.outputs).toHaveLength(1);
    feed(cell, stream('stdout', 'new'));
    expect(cell.outputs).toEqual([{ output_type: 'stream', name: 'stdout', text: 'new' }]);
    expect(cell.handle(msg('clear_output', { wait: false })).changed).toBe(true);
    expect(cell.outputs).toEqual([]);
  });

  it('does not append a stream to the output a pending clear will remove', () => {
    const cell = new CellOutputs();
    feed(cell, stream('stdout', 'frame 1\n'), msg('clear_output', { wait: true }));
    feed(cell, stream('stdout', 'frame 2\n'));
    expect(cell.outputs.map((o) => o.text)).toEqual(['frame 2\n']);
  });

  it('updates every output with the display id and reports the update for other cells', () => {
    const cell = new CellOutputs();
    feed(cell, display({ 'text/plain': 'a' }, 'd'), stream('stdout', 'x'));
    feed(cell, display({ 'text/plain': 'b' }, 'd'));
    // A new display with a known id also updates the older one (as JupyterLab does).
    expect(cell.outputs.map((o) => (o.data as JsonObject | undefined)?.['text/plain'])).toEqual([
      'b',
      undefined,
      'b',
    ]);
    const change = cell.handle(update({ 'text/plain': 'c' }, 'd'));
    expect(change).toEqual({
      changed: true,
      display: { displayId: 'd', data: { 'text/plain': 'c' }, metadata: {} },
    });
    expect(cell.outputs.filter((o) => o.output_type === 'display_data')).toHaveLength(2);
    for (const o of cell.outputs.filter((o) => o.output_type === 'display_data'))
      expect(o.data).toEqual({ 'text/plain': 'c' });
  });

  it('lets the host apply a display update to another cell', () => {
    const first = new CellOutputs();
    feed(first, display({ 'text/plain': 'v1' }, 'shared'));
    const second = new CellOutputs();
    const change = second.handle(update({ 'text/plain': 'v2' }, 'shared'));
    expect(change.changed).toBe(false); // not shown in the second cell
    expect(first.hasDisplay('shared')).toBe(true);
    expect(first.applyDisplayUpdate(change.display!)).toBe(true);
    expect(first.outputs[0]!.data).toEqual({ 'text/plain': 'v2' });
    expect(first.applyDisplayUpdate({ displayId: 'other', data: {}, metadata: {} })).toBe(false);
  });

  it('ignores status and unknown messages', () => {
    const cell = new CellOutputs();
    expect(cell.handle(msg('status', { execution_state: 'busy' }))).toEqual({
      changed: false,
      display: null,
    });
    expect(cell.handle(msg('comm_open', {})).changed).toBe(false);
    expect(cell.takeChanges()).toBeNull();
  });

  describe('takeChanges', () => {
    it('returns what to rewrite since the last call, then null', () => {
      const cell = new CellOutputs();
      feed(cell, msg('execute_input', { code: '', execution_count: 1 }), stream('stdout', 'a'));
      expect(cell.takeChanges()).toEqual({
        from: 0,
        outputs: [{ output_type: 'stream', name: 'stdout', text: 'a' }],
        executionCount: 1,
      });
      expect(cell.takeChanges()).toBeNull();
      feed(cell, stream('stdout', 'b'), display({ 'text/plain': 'x' }));
      expect(cell.takeChanges()).toEqual({
        from: 0,
        outputs: [
          { output_type: 'stream', name: 'stdout', text: 'ab' },
          { output_type: 'display_data', data: { 'text/plain': 'x' }, metadata: {} },
        ],
        executionCount: 1,
      });
      feed(cell, stream('stdout', 'c'));
      expect(cell.takeChanges()).toMatchObject({ from: 2, outputs: [{ text: 'c' }] });
    });

    it('starts from 0 after a clear', () => {
      const cell = new CellOutputs();
      feed(cell, stream('stdout', 'a'), display({}));
      cell.takeChanges();
      feed(cell, msg('clear_output', { wait: false }));
      expect(cell.takeChanges()).toEqual({ from: 0, outputs: [], executionCount: null });
    });

    it('starts from the updated display in the middle', () => {
      const cell = new CellOutputs();
      feed(cell, stream('stdout', 'a'), display({ v: 1 }, 'd'), stream('stderr', 'e'));
      cell.takeChanges();
      feed(cell, update({ v: 2 }, 'd'));
      expect(cell.takeChanges()).toMatchObject({ from: 1, outputs: [{ data: { v: 2 } }, {}] });
    });
  });

  describe('size limit', () => {
    it('defaults to about a megabyte of text', () => {
      expect(MAX_CELL_OUTPUT_CHARS).toBeGreaterThanOrEqual(1_000_000);
      expect(MAX_CELL_OUTPUT_CHARS).toBeLessThanOrEqual(2_000_000);
    });

    it('truncates stream text with a notice line and keeps the full text', () => {
      const cell = new CellOutputs(100);
      const line = 'x'.repeat(9) + '\n';
      for (let i = 0; i < 1000; i++) feed(cell, stream('stdout', line));
      const text = cell.outputs[0]!.text as string;
      expect(text.startsWith(line.repeat(10))).toBe(true);
      expect(text.slice(100)).toBe(
        '… output truncated: 9.9 k more characters; the full text is kept by the host\n',
      );
      expect(cell.isTruncated(0)).toBe(true);
      expect(cell.fullText(0)).toBe(line.repeat(1000));
    });

    it('counts the limit per cell, across stream outputs', () => {
      const cell = new CellOutputs(10);
      feed(cell, stream('stdout', '12345678'), stream('stderr', 'abcdef'));
      expect(cell.outputs.map((o) => o.text)).toEqual([
        '12345678',
        'ab\n… output truncated: 4 more characters; the full text is kept by the host\n',
      ]);
      expect(cell.isTruncated(0)).toBe(false);
      expect(cell.fullText(1)).toBe('abcdef');
      expect(cell.fullText(5)).toBeNull();
    });

    it('shows millions as M', () => {
      const cell = new CellOutputs(0);
      feed(cell, stream('stdout', 'y'.repeat(2_500_000)));
      expect(cell.outputs[0]!.text).toBe(
        '… output truncated: 2.5 M more characters; the full text is kept by the host\n',
      );
    });
  });
});
