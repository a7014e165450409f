// The timeline with authors (docs/timeline.md), through real sessions: the host's window and
// guests connected through the hub's role guard, each change under the name the hub knows.
import { afterEach, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { NotebookSession } from '../../../host/session/notebook-session';
import type { RequestResult } from '../../../protocol/hub-messages';
import type { TimelineResult, TimelineStep } from '../../../protocol/timeline-messages';
import { cellsOf, findCell } from '../../../protocol/ydoc-nbformat';
import type { HubClient } from '../../../renderer/connection/hub-client';
import { codeCell, notebook, tempDir, writeNotebook } from '../../helpers/notebooks';
import { connectClient } from '../../helpers/session-client';
import { connectGuest } from './guarded-client';

const three = () =>
  notebook([codeCell('a', ['x = 1']), codeCell('b', ['y = 2']), codeCell('c', ['z = 3'])]);
const sourceOf = (doc: Y.Doc, id: string) => findCell(doc, id)?.get('source') as Y.Text;
const typeInto = (doc: Y.Doc, id: string, text: string) => {
  for (const ch of text) sourceOf(doc, id).insert(sourceOf(doc, id).length, ch);
};
const settle = () => new Promise((r) => setTimeout(r, 30));

async function ask<K extends TimelineResult['kind']>(
  client: HubClient,
  request: Parameters<HubClient['request']>[0],
  kind: K,
): Promise<Extract<TimelineResult, { kind: K }>> {
  const reply = await client.request(request);
  expect(reply, JSON.stringify(reply)).toMatchObject({ ok: true });
  const result = reply.result as RequestResult;
  expect(result.kind).toBe(kind);
  return result as Extract<TimelineResult, { kind: K }>;
}

const edits = (steps: TimelineStep[]) =>
  steps.filter((s) => s.kind !== 'open').map((s) => [s.name, s.peer, s.cells.join()]);

let sessions: NotebookSession[] = [];
afterEach(async () => {
  await Promise.all(sessions.map((s) => s.close()));
  sessions = [];
});
async function open(path: string, dataDir = tempDir()) {
  const s = await NotebookSession.open(path, { dataDir, autosaveDelayMs: 60_000, timeline: true });
  sessions.push(s);
  return s;
}

async function threePeople(session: NotebookSession) {
  const hana = connectClient(session, 'Hana');
  const ada = connectGuest(session, 'editor', 'Ada');
  const bo = connectGuest(session, 'runner', 'Bo');
  const cy = connectGuest(session, 'viewer', 'Cy');
  await Promise.all([ada.synced, bo.synced, cy.synced, hana.until(() => true)]);
  await hana.until((d) => cellsOf(d).length === 3);
  return { hana, ada, bo, cy };
}

describe('timeline', () => {
  it("records three people's edits under the names the hub knows; a burst is one step", async () => {
    const session = await open(writeNotebook(three()));
    const { hana, ada, bo, cy } = await threePeople(session);
    typeInto(ada.client.doc, 'a', ' + 10');
    await settle();
    typeInto(bo.client.doc, 'b', ' * 3');
    await settle();
    typeInto(hana.doc, 'c', '  # z');
    await settle();
    // A viewer browses it.
    const { steps } = await ask(cy.client, { type: 'timeline-steps' }, 'timeline-steps');
    // Newest first; one step per burst, not one per keystroke.
    expect(edits(steps)).toEqual([
      ['Hana', 'host', 'c'],
      ['Bo', 'peer-Bo', 'b'],
      ['Ada', 'peer-Ada', 'a'],
    ]);
    expect(steps.at(-1)!.kind).toBe('open');
    // The notebook as it was before Bo's step, and a diff from then to now with its authors.
    const view = await ask(
      cy.client,
      { type: 'timeline-view', step: steps[1]!.n - 1 },
      'timeline-view',
    );
    expect(view.cells.map((c) => c.source)).toEqual(['x = 1 + 10', 'y = 2', 'z = 3']);
    const diff = await ask(
      cy.client,
      { type: 'timeline-diff', from: steps.at(-1)!.n, to: steps[0]!.n },
      'timeline-diff',
    );
    expect(diff.cells.map((c) => [c.id, c.change, c.authors.map((a) => a.name).join()])).toEqual([
      ['a', 'changed', 'Ada'],
      ['b', 'changed', 'Bo'],
      ['c', 'changed', 'Hana'],
    ]);
    expect(diff.cells[1]!.lines).toEqual([
      { op: '-', text: 'y = 2' },
      { op: '+', text: 'y = 2 * 3' },
    ]);
    [ada, bo, cy].forEach((g) => g.client.destroy());
    hana.client.destroy();
  });

  it('says who wrote each line', async () => {
    const session = await open(writeNotebook(three()));
    const { hana, ada, bo, cy } = await threePeople(session);
    typeInto(ada.client.doc, 'a', '\nprint(x)');
    await settle();
    typeInto(bo.client.doc, 'a', '\nprint(x * 2)');
    await settle();
    const blame = await ask(cy.client, { type: 'timeline-blame', cellId: 'a' }, 'timeline-blame');
    expect(blame.lines.map((l) => [l.text, l.name])).toEqual([
      ['x = 1', 'the file'],
      ['print(x)', 'Ada'],
      ['print(x * 2)', 'Bo'],
    ]);
    [ada, bo, cy].forEach((g) => g.client.destroy());
    hana.client.destroy();
  });

  it("limits the time guests' rebuilds of old notebooks take, not the host's", async () => {
    const session = await open(writeNotebook(three()));
    const { hana, ada, bo, cy } = await threePeople(session);
    typeInto(ada.client.doc, 'a', '!');
    await settle();
    const newest = (
      session.timeline!.steps() as Extract<TimelineResult, { kind: 'timeline-steps' }>
    ).last;
    await ask(cy.client, { type: 'timeline-blame', cellId: 'a', step: newest }, 'timeline-blame');
    // Another step at once: wait, unless it is rebuilt already.
    expect(
      await cy.client.request({ type: 'timeline-blame', cellId: 'a', step: newest - 1 }),
    ).toMatchObject({ ok: false, code: 'rate-limited' });
    await ask(cy.client, { type: 'timeline-blame', cellId: 'a', step: newest }, 'timeline-blame');
    await ask(
      hana.client,
      { type: 'timeline-blame', cellId: 'a', step: newest - 1 },
      'timeline-blame',
    );
    [ada, bo, cy].forEach((g) => g.client.destroy());
    hana.client.destroy();
  });

  it('restores one cell as a new step every client gets, undone by restoring again', async () => {
    const session = await open(writeNotebook(three()));
    const { hana, ada, bo, cy } = await threePeople(session);
    typeInto(bo.client.doc, 'b', ' * 3');
    await settle();
    const { steps } = await ask(ada.client, { type: 'timeline-steps' }, 'timeline-steps');
    const bos = steps[0]!;
    const restored = await ask(
      ada.client,
      { type: 'timeline-restore', step: bos.n - 1, cellId: 'b' },
      'timeline-restored',
    );
    expect(restored.step).toBeGreaterThan(bos.n);
    for (const doc of [hana.doc, ada.client.doc, bo.client.doc, cy.client.doc]) {
      await expect.poll(() => sourceOf(doc, 'b').toString()).toBe('y = 2');
    }
    const after = await ask(cy.client, { type: 'timeline-steps', limit: 1 }, 'timeline-steps');
    expect(after.steps[0]).toMatchObject({
      kind: 'restore',
      name: 'Ada',
      from: bos.n - 1,
      cells: ['b'],
    });
    // Undone: restore to Bo's step.
    await ask(
      hana.client,
      { type: 'timeline-restore', step: bos.n, cellId: 'b' },
      'timeline-restored',
    );
    await expect.poll(() => sourceOf(cy.client.doc, 'b').toString()).toBe('y = 2 * 3');
    // A viewer may not restore; an editor may not clear.
    expect(await cy.client.request({ type: 'timeline-restore', step: bos.n - 1 })).toMatchObject({
      ok: false,
      code: 'not-allowed',
    });
    expect(await ada.client.request({ type: 'timeline-clear' })).toMatchObject({ ok: false });
    [ada, bo, cy].forEach((g) => g.client.destroy());
    hana.client.destroy();
  });

  it('restores the whole notebook: cells removed since come back, added ones go', async () => {
    const session = await open(writeNotebook(three()));
    const hana = connectClient(session, 'Hana');
    await hana.until((d) => cellsOf(d).length === 3);
    const openStep = (
      session.timeline!.steps() as Extract<TimelineResult, { kind: 'timeline-steps' }>
    ).last;
    hana.doc.transact(() => {
      cellsOf(hana.doc).delete(0, 1);
      typeInto(hana.doc, 'c', '!');
    });
    await settle();
    await ask(hana.client, { type: 'timeline-restore', step: openStep }, 'timeline-restored');
    await expect
      .poll(() =>
        cellsOf(hana.doc)
          .toArray()
          .map((c) => `${c.get('id')}:${c.get('source')}`),
      )
      .toEqual(['a:x = 1', 'b:y = 2', 'c:z = 3']);
    hana.client.destroy();
  });

  it('keeps the timeline across a close and reopen, beside the journal', async () => {
    const path = writeNotebook(three());
    const dataDir = tempDir();
    const first = await open(path, dataDir);
    const ada = connectGuest(first, 'editor', 'Ada');
    await ada.synced;
    typeInto(ada.client.doc, 'a', ' + 1');
    await settle();
    ada.client.destroy();
    await first.close();
    sessions = [];
    const second = await open(path, dataDir);
    const cy = connectGuest(second, 'viewer', 'Cy');
    await cy.synced;
    const { steps } = await ask(cy.client, { type: 'timeline-steps' }, 'timeline-steps');
    expect(steps.map((s) => [s.kind, s.name])).toEqual([
      ['open', 'the file'],
      ['edit', 'Ada'],
      ['open', 'the file'],
    ]);
    const view = await ask(
      cy.client,
      { type: 'timeline-view', step: steps[2]!.n },
      'timeline-view',
    );
    expect(view.cells[0]!.source).toBe('x = 1');
    const blame = await ask(
      cy.client,
      { type: 'timeline-blame', cellId: 'a', step: steps[1]!.n },
      'timeline-blame',
    );
    expect(blame.lines[0]!.name).toBe('Ada');
    // Cleared by the host: only the notebook as it is now remains.
    second.timeline!.clear({ name: 'Hana', peer: 'host' });
    const cleared = await ask(cy.client, { type: 'timeline-steps' }, 'timeline-steps');
    expect(cleared.steps.map((s) => s.kind)).toEqual(['clear']);
    cy.client.destroy();
  });

  it('records a reload from disk as a step, the history before it still viewable', async () => {
    const session = await open(writeNotebook(three()));
    const ada = connectGuest(session, 'editor', 'Ada');
    await ada.synced;
    typeInto(ada.client.doc, 'a', ' + 1');
    await settle();
    await session.reload();
    const { steps } = session.timeline!.steps() as Extract<
      TimelineResult,
      { kind: 'timeline-steps' }
    >;
    expect(steps.map((s) => [s.kind, s.name])).toEqual([
      ['reload', 'Host'],
      ['edit', 'Ada'],
      ['open', 'the file'],
    ]);
    expect(session.timeline!.browse.view(steps[1]!.n).cells[0]!.source).toBe('x = 1 + 1');
    expect(session.timeline!.browse.view(steps[0]!.n).cells[0]!.source).toBe('x = 1');
    ada.client.destroy();
  });

  it('takes authors from the hub, never from the client', async () => {
    const session = await open(writeNotebook(three()));
    const { hana, ada, bo, cy } = await threePeople(session);
    typeInto(ada.client.doc, 'a', '!');
    await settle();
    // Bo writes under Ada's Yjs client id: the guard drops it, nothing is recorded as Ada's.
    const forged = new Y.Doc();
    forged.clientID = ada.client.doc.clientID;
    Y.applyUpdate(forged, Y.encodeStateAsUpdate(bo.client.doc));
    const before = Y.encodeStateVector(forged);
    sourceOf(forged, 'b').insert(0, 'import os; ');
    Y.applyUpdate(bo.client.doc, Y.encodeStateAsUpdate(forged, before));
    await settle();
    expect(sourceOf(session.doc, 'b').toString()).toBe('y = 2');
    // A restore request naming someone else is still by its sender.
    const reply = await bo.client.request({
      type: 'timeline-restore',
      step: 1,
      cellId: 'a',
      ...{ name: 'Ada', peer: 'peer-Ada', author: { name: 'Ada' } },
    } as never);
    expect(reply).toMatchObject({ ok: true });
    const { steps } = await ask(cy.client, { type: 'timeline-steps', limit: 1 }, 'timeline-steps');
    expect(steps[0]).toMatchObject({ kind: 'restore', name: 'Bo', peer: 'peer-Bo' });
    const names = (await ask(cy.client, { type: 'timeline-steps' }, 'timeline-steps')).steps;
    expect(names.filter((s) => s.name === 'Ada').map((s) => s.cells)).toEqual([['a']]);
    [ada, bo, cy].forEach((g) => g.client.destroy());
    hana.client.destroy();
  });
});
