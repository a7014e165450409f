// The timeline's grouping by time and its size bound, on a document of its own with a clock the
// test moves: pauses split steps, and past the bound the oldest steps fold into a base that
// still shows the notebook as it was at every step kept.
import { statSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { SessionTimeline } from '../../host/session/timeline';
import { timelinePath } from '../../host/session/timeline-file';
import { STEP_GAP_MS } from '../../host/session/timeline-steps';
import { updateFeedOf } from '../../host/session/update-feed';
import type { TimelineResult, TimelineStep } from '../../protocol/timeline-messages';
import { KERNEL_ORIGIN } from '../../protocol/runtime-state';
import { LOAD_ORIGIN, cellsOf, createCellMap } from '../../protocol/ydoc-nbformat';
import { tempDir } from '../helpers/notebooks';

type Steps = Extract<TimelineResult, { kind: 'timeline-steps' }>;

function setup(maxBytes?: number) {
  const doc = new Y.Doc();
  doc.transact(() => {
    cellsOf(doc).insert(0, [
      createCellMap({ cell_type: 'code', source: 'a', metadata: {}, outputs: [] } as never, 'a'),
    ]);
  }, LOAD_ORIGIN);
  updateFeedOf(doc); // the session's feed exists before the timeline subscribes
  const clock = { now: 1_000_000 };
  const dataDir = tempDir();
  const timeline = new SessionTimeline(dataDir, '/nb.ipynb', doc, {
    now: () => clock.now,
    ...(maxBytes ? { maxBytes } : {}),
  });
  timeline.start();
  const guest = {};
  timeline.know(guest, { name: 'Ada', peer: 'p1' });
  const text = cellsOf(doc).get(0).get('source') as Y.Text;
  const type = (s: string, gapMs: number) => {
    for (const ch of s) {
      clock.now += gapMs;
      doc.transact(() => text.insert(text.length, ch), guest);
    }
  };
  return { doc, timeline, type, clock, dataDir, guest };
}

const list = (t: SessionTimeline, limit = 200) => (t.steps(undefined, limit) as Steps).steps;

describe('timeline steps and bound', () => {
  it('one step per burst; a pause longer than the gap starts another', () => {
    const { timeline, type } = setup();
    type('bcd', 300);
    type('ef', STEP_GAP_MS + 1);
    const steps = list(timeline);
    expect(steps.map((s: TimelineStep) => [s.kind, s.cells.join()])).toEqual([
      ['edit', 'a'],
      ['edit', 'a'],
      ['edit', 'a'],
      ['open', ''],
    ]);
    const view = (n: number) => timeline.browse.view(n).cells[0]!.source;
    expect(steps.map((s) => view(s.n))).toEqual(['abcdef', 'abcde', 'abcd', 'a']);
    timeline.close();
  });

  it("names the kernel's outputs, and keeps kernel status inside steps without making one", () => {
    const { doc, timeline, type } = setup();
    type('b', 10);
    doc.transact(() => doc.getMap('runtime').set('kernel', { status: 'busy' }), KERNEL_ORIGIN);
    doc.transact(() => {
      const outputs = new Y.Array();
      cellsOf(doc).get(0).set('outputs', outputs);
    }, KERNEL_ORIGIN);
    const steps = list(timeline);
    expect(steps.map((s) => [s.kind, s.name, s.peer, s.cells.join()])).toEqual([
      ['edit', 'Kernel', 'kernel', 'a'],
      ['edit', 'Ada', 'p1', 'a'],
      ['open', 'the file', 'file', ''],
    ]);
    timeline.close();
  });

  it('shows each step the same from kept sources as from the rebuilt document', () => {
    const { doc, timeline, clock, guest } = setup();
    const cells = cellsOf(doc);
    const cell = (id: string, source: string) =>
      createCellMap({ cell_type: 'code', source, metadata: {}, outputs: [] } as never, id);
    const edits: (() => void)[] = [
      () => cells.push([cell('b', 'bee'), cell('c', 'sea')]),
      () => (cells.get(1).get('source') as Y.Text).insert(3, 's'),
      () => cells.delete(0, 1),
      () => cells.insert(0, [cell('a', 'moved a')]),
      () => (cells.get(2).get('source') as Y.Text).delete(0, 1),
      () => cells.get(1).set('cell_type', 'markdown'),
    ];
    for (const edit of edits) {
      clock.now += STEP_GAP_MS + 1;
      doc.transact(edit, guest);
    }
    const rebuilt = (n: number) =>
      cellsOf(timeline.browse.docAt(n))
        .toArray()
        .map((c) => ({
          id: c.get('id'),
          type: c.get('cell_type'),
          source: String(c.get('source')),
        }));
    const steps = list(timeline);
    expect(steps).toHaveLength(edits.length + 1);
    for (const s of steps)
      expect(timeline.browse.view(s.n).cells, `step ${s.n}`).toEqual(rebuilt(s.n));
    timeline.close();
  });

  it('a large cell is read when its step ends, not at every keystroke, and reads the same', () => {
    const { doc, timeline, type, clock } = setup();
    const text = cellsOf(doc).get(0).get('source') as Y.Text;
    const bo = {};
    timeline.know(bo, { name: 'Bo', peer: 'p2' });
    const big = 'x'.repeat(100_000);
    doc.transact(() => text.insert(1, big));
    type('ada', 100); // Ada, within the gap: joins, the cell is not read at each keystroke
    clock.now += 50;
    doc.transact(() => text.insert(0, 'bo '), bo); // Bo's change ends Ada's step first
    const steps = list(timeline);
    expect(steps.map((s) => s.name)).toEqual(['Bo', 'Ada', 'Host', 'the file']);
    const sourceAt = (n: number) => timeline.browse.view(n).cells[0]!.source;
    expect(sourceAt(steps[1]!.n)).toBe(`a${big}ada`);
    expect(sourceAt(steps[0]!.n)).toBe(`bo a${big}ada`);
    timeline.close();
  });

  it('past the size bound folds the oldest steps into the base, the rest unchanged', () => {
    const { doc, timeline, dataDir, clock, guest } = setup(64 * 1024);
    const text = cellsOf(doc).get(0).get('source') as Y.Text;
    for (let i = 0; i < 1000; i++) {
      clock.now += STEP_GAP_MS + 1;
      doc.transact(() => {
        text.delete(0, text.length);
        text.insert(0, `line ${i} ${'x'.repeat(200)}`);
      }, guest);
    }
    const steps = list(timeline);
    const result = timeline.steps() as Steps;
    expect(result.first).toBeGreaterThan(1); // the oldest were compacted away
    expect(steps.length).toBeLessThan(1000);
    const newest = steps[0]!.n;
    const oldestKept = result.first;
    expect(timeline.browse.view(newest).cells[0]!.source).toContain('line 999');
    expect(timeline.browse.view(oldestKept).cells[0]!.source).not.toContain('line 999');
    timeline.close();
    // The file holds about the bound, not every edit ever made.
    expect(statSync(timelinePath(dataDir, '/nb.ipynb')).size).toBeLessThan(64 * 1024 * 1.5);
    // And reads back as it was.
    const again = new SessionTimeline(dataDir, '/nb.ipynb', new Y.Doc());
    expect((again.steps() as Steps).first).toBe(oldestKept);
    expect(again.browse.view(newest).cells[0]!.source).toContain('line 999');
    const readBack = (again.steps(undefined, 200) as Steps).steps;
    expect(
      readBack.map(({ n, name, peer, at, end, cells }) => ({ n, name, peer, at, end, cells })),
    ).toEqual(
      steps.map(({ n, name, peer, at, end, cells }) => ({ n, name, peer, at, end, cells })),
    );
  });
});
