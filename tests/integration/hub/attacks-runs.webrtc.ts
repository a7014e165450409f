// A hostile guest, speaking the wire protocol by hand over a real invite and a real data channel,
// tries to make the host run code a runner never saw (issue 10): rewriting a queued cell, a cell
// reusing another's id, values in the cells list that are not cells, runs naming other cells. An
// honest runner (the renderer's HubClient) runs cells on a real kernel throughout; after each
// attack the host's document, file and kernel are as an honest session leaves them, and the
// attacker was told its change was refused.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { startLocalKernel } from '../../../host/session/kernel-choice';
import type { Cell } from '../../../protocol/nbformat';
import { type CellRun, RUNTIME, runtimeOf } from '../../../protocol/runtime-state';
import { sourceDigest } from '../../../protocol/source-digest';
import { cellsOf, createCellMap } from '../../../protocol/ydoc-nbformat';
import { codeCell, markdownCell, notebook, tempDir } from '../../helpers/notebooks';
import { RawGuest } from '../../unit/hub/raw-guest';
import { docJson, joinGuest, rawTransport, startHost, until } from './harness';

type Host = Awaited<ReturnType<typeof startHost>>;
type Guest = Awaited<ReturnType<typeof joinGuest>>;

const cellsWithId = (doc: Y.Doc, id: string) =>
  cellsOf(doc)
    .toArray()
    .filter((c) => c instanceof Y.Map && c.get('id') === id);
const cell = (doc: Y.Doc, id: string) => cellsWithId(doc, id)[0] as Y.Map<unknown>;
const sourceOf = (doc: Y.Doc, id: string) => (cell(doc, id).get('source') as Y.Text).toString();
const stdout = (doc: Y.Doc, id: string) =>
  (cell(doc, id).get('outputs') as Y.Array<Y.Map<unknown>>)
    .toArray()
    .filter((o) => o.get('name') === 'stdout')
    .map((o) => String(o.get('text')))
    .join('');
const lastRun = (doc: Y.Doc, id: string) =>
  (runtimeOf(doc).get(RUNTIME.lastRuns) as Y.Map<CellRun> | undefined)?.get(id);
const queue = (doc: Y.Doc) => (runtimeOf(doc).get(RUNTIME.queue) as CellRun[] | undefined) ?? [];
const setSource = (doc: Y.Doc, id: string, source: string) => {
  const text = cell(doc, id).get('source') as Y.Text;
  doc.transact(() => {
    text.delete(0, text.length);
    text.insert(0, source);
  });
};

describe('a guest cannot make the host run code the runner did not see', () => {
  let host: Host;
  let runner: Guest;
  let links: { editor: string; runner: string; viewer: string };
  let gate: string;

  beforeEach(async () => {
    gate = join(tempDir(), 'open');
    host = await startHost(
      notebook([
        markdownCell('intro', ['# Runs']),
        codeCell('gate', [
          `import os, time\nwhile not os.path.exists(${JSON.stringify(gate)}): time.sleep(0.02)`,
        ]),
        codeCell('visible', ['print("visible")']),
        codeCell('target', ['print("the runner saw this")']),
      ]),
    );
    await startLocalKernel(host.session);
    links = {
      editor: (await host.hub.createInvite('editor')).link,
      runner: (await host.hub.createInvite('runner')).link,
      viewer: (await host.hub.createInvite('viewer')).link,
    };
    runner = await joinGuest(links.runner, { name: 'Runner' });
  });
  afterEach(async () => {
    runner?.client.destroy();
    await host?.close();
  });

  /** The resyncs the host asked of each raw guest (the guest connection reads control messages). */
  const resyncs = new WeakMap<RawGuest, string[]>();

  /** A raw guest with `link`'s role, synced with the host. */
  async function rawGuest(link: string, name = 'Mallory'): Promise<RawGuest> {
    const { transport, connection } = await rawTransport(link, { name });
    const raw = new RawGuest(transport);
    const asked: string[] = [];
    connection.on('resync', (message) => asked.push(message));
    resyncs.set(raw, asked);
    await raw.until(() => cellsOf(raw.doc).length === cellsOf(host.session.doc).length);
    return raw;
  }

  /** The hub refused the raw guest's change for `why`; the guest was told and asked to resync. */
  async function refused(raw: RawGuest, drops: string[], why: RegExp) {
    const notice = await raw.until(() =>
      raw.notices.find((n) => n.type === 'notice' && n.level === 'warning'),
    );
    expect(notice.type === 'notice' && notice.message).toMatch(/could not be applied|refused/);
    await until(() => (resyncs.get(raw)?.length ?? 0) > 0, 20_000, 'the host asks for a resync');
    expect(drops).toContainEqual(expect.stringMatching(why));
  }

  /** The reasons the hub gives for the updates it drops, from now on. */
  function drops(): string[] {
    const reasons: string[] = [];
    host.hub.on('dropped', (_guest, reason) => reasons.push(reason));
    return reasons;
  }

  /** The runner runs `id` and the host's kernel prints `expected` under that one cell. */
  async function runs(id: string, expected: string) {
    const before = lastRun(host.session.doc, id)?.endedAt ?? 0;
    expect(await runner.client.request({ type: 'run', cellIds: [id] })).toEqual({ ok: true });
    await until(() => (lastRun(runner.doc, id)?.endedAt ?? 0) > before, 30_000, `${id} ran`);
    expect(stdout(host.session.doc, id)).toBe(expected);
    expect(stdout(runner.doc, id)).toBe(expected);
  }

  /** A newcomer joins and gets the host's document. */
  async function aNewGuestJoins() {
    const late = await joinGuest(links.viewer, { name: 'Late' });
    expect(docJson(late.doc)).toEqual(docJson(host.session.doc));
    late.client.destroy();
  }

  it("runs the runner's code when an editor rewrites the cell after it was queued", async () => {
    const mallory = await rawGuest(links.editor);
    expect(await runner.client.request({ type: 'run', cellIds: ['gate', 'target'] })).toEqual({
      ok: true,
    });
    setSource(mallory.doc, 'target', 'print("the editor wrote this")');
    await until(
      () => sourceOf(runner.doc, 'target') === 'print("the editor wrote this")',
      20_000,
      'the edit reaches the runner',
    );
    // Everyone sees the queued run is of an earlier version than the cell shows now.
    const queued = queue(runner.doc).find((r) => r.cellId === 'target');
    expect(queued?.digest).toBe(sourceDigest('print("the runner saw this")'));
    expect(queued?.digest).not.toBe(sourceDigest(sourceOf(runner.doc, 'target')));
    writeFileSync(gate, '');
    await until(() => (lastRun(host.session.doc, 'target')?.endedAt ?? 0) > 0, 30_000, 'ran');
    expect(stdout(host.session.doc, 'target')).toBe('the runner saw this\n');
    await until(() => stdout(runner.doc, 'target') === 'the runner saw this\n', 20_000, 'output');
    // The edit itself stays: the editor may edit; the run is what the runner asked for.
    expect(sourceOf(host.session.doc, 'target')).toBe('print("the editor wrote this")');
    await runs('target', 'the editor wrote this\n');
  });

  it('refuses a run when the cell changed while the runner asked', async () => {
    const raw = await rawGuest(links.runner, 'Rita');
    const reply = await raw.request({
      type: 'run',
      cellIds: ['target'],
      digests: [sourceDigest('print("something else")')],
    });
    expect(reply).toMatchObject({
      ok: false,
      code: 'cell-changed',
      message: 'cell 4 changed while you asked; run it again',
    });
    expect(lastRun(host.session.doc, 'target')).toBeUndefined();
  });

  it('refuses a new cell that reuses the id of a visible one; runs go to the visible cell', async () => {
    const honest = docJson(host.session.doc);
    const mallory = await rawGuest(links.editor);
    const reasons = drops();
    cellsOf(mallory.doc).insert(2, [
      createCellMap(codeCell('visible', ['print("mallory")']) as unknown as Cell, 'visible'),
    ]);
    await refused(mallory, reasons, /a new cell reuses the id of another.*"visible"/);
    expect(docJson(host.session.doc)).toEqual(honest);
    expect(cellsWithId(host.session.doc, 'visible')).toHaveLength(1);
    writeFileSync(gate, '');
    await runs('visible', 'visible\n');
    await aNewGuestJoins();
  });

  it('refuses values in the cells list that are not cells; save and run keep working', async () => {
    const mallory = await rawGuest(links.editor);
    const reasons = drops();
    cellsOf(mallory.doc).insert(1, [42, 'str'] as unknown as Y.Map<unknown>[]);
    await refused(mallory, reasons, /only cells can be put in the cells list/);
    expect(cellsOf(host.session.doc).length).toBe(4);
    // An honest edit, saved: the file is the notebook the honest session made.
    setSource(runner.doc, 'visible', 'print("saved")');
    await until(() => sourceOf(host.session.doc, 'visible') === 'print("saved")', 20_000, 'edit');
    await host.session.save();
    const file = JSON.parse(readFileSync(host.session.path, 'utf8')) as { cells: Cell[] };
    expect(file.cells.map((c) => c.id)).toEqual(['intro', 'gate', 'visible', 'target']);
    expect(file.cells[2]?.source).toEqual(['print("saved")']);
    writeFileSync(gate, '');
    await runs('visible', 'saved\n');
    await aNewGuestJoins();
  });

  it('refuses runs naming a cell that is not there, or without what the runner saw', async () => {
    const raw = await rawGuest(links.runner, 'Rita');
    expect(await raw.request({ type: 'run', cellIds: ['nowhere'], digests: [''] })).toMatchObject({
      ok: false,
      message: 'there is no cell nowhere; it may have been deleted',
    });
    // An old client's request, without digests: refused, saying what to do.
    expect(await raw.request({ type: 'run', cellIds: ['target'] })).toMatchObject({
      ok: false,
      message: expect.stringMatching(/does not say which code its sender saw — reload/),
    });
    // A markdown cell is not run.
    expect(
      await raw.request({ type: 'run', cellIds: ['intro'], digests: [sourceDigest('# Runs')] }),
    ).toEqual({ type: 'reply', id: expect.any(Number), ok: true });
    expect(lastRun(host.session.doc, 'intro')).toBeUndefined();
    expect(queue(host.session.doc)).toEqual([]);
    expect(raw.closed).toBeNull();
    writeFileSync(gate, '');
    await runs('target', 'the runner saw this\n');
  });

  it('refuses runs on a dead kernel with the reason, and runs again after a restart', async () => {
    writeFileSync(gate, '');
    await runs('visible', 'visible\n');
    const pid = (host.session.execution?.kernel as unknown as { pid: number | null }).pid;
    expect(pid).toBeGreaterThan(0);
    process.kill(pid as number, 'SIGKILL');
    await until(
      () => (runtimeOf(runner.doc).get(RUNTIME.kernel) as { status: string }).status === 'dead',
      20_000,
      'the runner sees the kernel dead',
    );
    const refused = await runner.client.request({ type: 'run', cellIds: ['visible'] });
    expect(refused).toMatchObject({ ok: false, code: 'kernel-dead' });
    expect(refused.message).toMatch(/^the kernel died — restart it to run cells/);
    expect(await runner.client.request({ type: 'restart' })).toEqual({ ok: true });
    expect(existsSync(gate)).toBe(true);
    await runs('visible', 'visible\n');
  });
});
