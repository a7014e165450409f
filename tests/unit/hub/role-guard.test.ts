import { describe, expect, it } from 'vitest';
import * as awarenessProtocol from 'y-protocols/awareness';
import * as Y from 'yjs';
import { ClientIdRegistry } from '../../../host/hub/client-ids';
import { GuardedTransport } from '../../../host/hub/role-guard';
import { attachSyncClient } from '../../../host/session/sync-client';
import type { Notebook } from '../../../protocol/nbformat';
import type { GuestRole } from '../../../protocol/roles';
import { KERNEL_ORIGIN, runtimeOf } from '../../../protocol/runtime-state';
import { createTransportPair } from '../../../protocol/transport';
import { cellsOf, createCellMap, loadNotebookIntoDoc } from '../../../protocol/ydoc-nbformat';
import { sampleNotebook } from '../../helpers/notebooks';
import type { RequestBody } from '../../../renderer/connection/hub-client';
import { RawGuest } from './raw-guest';

/** A host document with a guarded guest of `role` attached to it. */
async function setup(role: GuestRole) {
  const doc = new Y.Doc();
  loadNotebookIntoDoc(sampleNotebook() as unknown as Notebook, doc);
  doc.transact(() => runtimeOf(doc).set('kernel', { status: 'idle' }), KERNEL_ORIGIN);
  const awareness = new awarenessProtocol.Awareness(doc);
  awareness.setLocalState(null);
  const registry = new ClientIdRegistry(doc);
  const state = { role };
  const requests: string[] = [];
  const connect = (guestKey: string) => {
    const [hostEnd, guestEnd] = createTransportPair();
    const guarded = new GuardedTransport(hostEnd, {
      doc,
      awareness,
      registry,
      guestKey,
      peerId: `peer-${guestKey}`,
      role: () => state.role,
    });
    attachSyncClient(doc, awareness, guarded, async (r) => {
      requests.push(r.type);
      return { ok: true };
    });
    return new RawGuest(guestEnd);
  };
  const guest = connect('guest-a');
  await guest.until(() => cellsOf(guest.doc).length === 3);
  return { doc, awareness, guest, state, requests, connect };
}

const cell = (doc: Y.Doc, i: number) => cellsOf(doc).get(i);
const source = (doc: Y.Doc, i: number) => cell(doc, i).get('source') as Y.Text;
const settle = () => new Promise((r) => setTimeout(r, 10));
const snapshot = (doc: Y.Doc) => Buffer.from(Y.encodeStateVector(doc)).toString('hex');

describe('the role guard', () => {
  it("drops a viewer's edit, tells the viewer why and asks it to resync", async () => {
    const { doc, guest } = await setup('viewer');
    const before = snapshot(doc);
    source(guest.doc, 1).insert(0, '# sneaky\n');
    await guest.until(() => guest.controls.find((c) => c.type === 'resync'));
    expect(snapshot(doc)).toBe(before);
    expect(source(doc, 1).toString()).not.toContain('sneaky');
    expect(guest.notices.find((n) => n.type === 'notice')).toMatchObject({
      level: 'warning',
      message: expect.stringMatching(/viewer.*cells code1/),
    });
  });

  it("applies an editor's source edit", async () => {
    const { doc, guest } = await setup('editor');
    source(guest.doc, 1).insert(0, '# hello\n');
    await settle();
    expect(source(doc, 1).toString().startsWith('# hello\n')).toBe(true);
  });

  it.each<[string, (d: Y.Doc) => void]>([
    [
      'writes an output',
      (d) => (cell(d, 1).get('outputs') as Y.Array<unknown>).push([new Y.Map()]),
    ],
    ['sets an execution count', (d) => cell(d, 1).set('execution_count', 99)],
    [
      'edits a stream output',
      (d) =>
        (
          (cell(d, 1).get('outputs') as Y.Array<Y.Map<unknown>>).get(0).get('text') as Y.Text
        ).insert(0, 'fake '),
    ],
    ['deletes one output', (d) => (cell(d, 1).get('outputs') as Y.Array<unknown>).delete(0, 1)],
    ['writes the runtime map', (d) => runtimeOf(d).set('kernel', { status: 'dead' })],
    ['adds a root type', (d) => d.getMap('evil').set('x', 1)],
    ['adds a cell field', (d) => cell(d, 1).set('execution_state', 'running')],
    [
      'adds a cell with outputs',
      (d) =>
        cellsOf(d).push([
          createCellMap(
            {
              cell_type: 'code',
              source: 'x',
              metadata: {},
              outputs: [{ output_type: 'stream', name: 'stdout', text: 'forged' }],
              execution_count: 7,
            },
            'forged',
          ),
        ]),
    ],
  ])('refuses an editor that %s, and the host document stays as it was', async (_name, edit) => {
    const { doc, guest } = await setup('editor');
    const before = snapshot(doc);
    edit(guest.doc);
    await guest.until(() => guest.controls.find((c) => c.type === 'resync'));
    expect(snapshot(doc)).toBe(before);
  });

  it('lets an editor add a fresh code cell, clear outputs and delete a cell with outputs', async () => {
    const { doc, guest } = await setup('editor');
    cellsOf(guest.doc).push([
      createCellMap(
        { cell_type: 'code', source: 'y = 1', metadata: {}, outputs: [], execution_count: null },
        'fresh',
      ),
    ]);
    await settle();
    expect(cellsOf(doc).length).toBe(4);
    guest.doc.transact(() => {
      cell(guest.doc, 1).set('outputs', new Y.Array());
      cell(guest.doc, 1).set('execution_count', null);
    });
    await settle();
    expect((cell(doc, 1).get('outputs') as Y.Array<unknown>).length).toBe(0);
    cellsOf(guest.doc).delete(1, 1);
    await settle();
    expect(cellsOf(doc).length).toBe(3);
    expect(guest.controls).toEqual([]);
  });

  it("refuses a guest that writes under the host's client id or another guest's", async () => {
    const { doc, guest, connect } = await setup('editor');
    const other = connect('guest-b');
    await other.until(() => cellsOf(other.doc).length === 3);
    source(other.doc, 0).insert(0, 'b');
    await settle();
    const before = snapshot(doc);
    for (const victim of [doc.clientID, other.doc.clientID]) {
      const forger = new Y.Doc();
      Y.applyUpdate(forger, Y.encodeStateAsUpdate(doc));
      forger.clientID = victim; // after loading: Yjs would pick a new id on seeing its own
      let update: Uint8Array | null = null;
      forger.on('update', (u: Uint8Array) => (update = u));
      (cellsOf(forger).get(0).get('source') as Y.Text).insert(0, 'forged ');
      guest.sendUpdate(update as unknown as Uint8Array);
    }
    await guest.until(() => guest.controls.find((c) => c.type === 'resync'));
    expect(snapshot(doc)).toBe(before);
  });

  it('refuses an update that depends on content the host lacks', async () => {
    const { doc, guest } = await setup('editor');
    const ahead = new Y.Doc();
    Y.applyUpdate(ahead, Y.encodeStateAsUpdate(doc));
    const sv = Y.encodeStateVector(ahead);
    (cellsOf(ahead).get(0).get('source') as Y.Text).insert(0, 'one');
    const sv2 = Y.encodeStateVector(ahead);
    (cellsOf(ahead).get(0).get('source') as Y.Text).insert(0, 'two');
    void sv;
    const before = snapshot(doc);
    guest.sendUpdate(Y.encodeStateAsUpdate(ahead, sv2)); // the second edit only
    await guest.until(() => guest.controls.find((c) => c.type === 'resync'));
    expect(snapshot(doc)).toBe(before);
    expect(doc.store.pendingStructs).toBeNull();
  });

  it('refuses run, interrupt and restart from editors and viewers, not from runners', async () => {
    for (const role of ['viewer', 'editor'] as const) {
      const { guest, requests } = await setup(role);
      const asks: RequestBody[] = [
        { type: 'run', cellIds: ['code1'] },
        { type: 'interrupt' },
        { type: 'restart' },
      ];
      for (const ask of asks) {
        const r = await guest.request(ask);
        expect(r).toMatchObject({ ok: false, message: expect.stringMatching(/runner/) });
      }
      expect(requests).toEqual([]);
    }
    const { guest, requests } = await setup('runner');
    expect(await guest.request({ type: 'run', cellIds: ['code1'] })).toMatchObject({ ok: true });
    expect(requests).toEqual(['run']);
  });

  it('lets only runners change the kernel, and only the host overwrite or reload the file or choose where kernels run', async () => {
    // [role, request, reaches the session]
    const table: [GuestRole, RequestBody, boolean][] = [
      ['viewer', { type: 'change-kernel', name: 'python3' }, false],
      ['editor', { type: 'change-kernel', name: 'python3' }, false],
      ['runner', { type: 'change-kernel', name: 'python3' }, true],
      ['viewer', { type: 'save' }, false],
      ['editor', { type: 'save' }, true],
      ['editor', { type: 'save', force: true }, false],
      ['runner', { type: 'save', force: true }, false],
      ['runner', { type: 'reload' }, false],
      ['runner', { type: 'kernel-server', url: 'http://evil.example/', token: '' }, false],
      ['runner', { type: 'kernel-server', url: null, token: '' }, false],
    ];
    for (const [role, ask, passes] of table) {
      const { guest, requests } = await setup(role);
      const reply = await guest.request(ask);
      expect(reply.ok, `${role} ${JSON.stringify(ask)}`).toBe(passes);
      if (!passes) expect(reply.message, `${role} ${ask.type}`).toBeTruthy();
      expect(requests).toEqual(passes ? [ask.type] : []);
    }
  });

  it('applies role changes at once', async () => {
    const { doc, guest, state } = await setup('editor');
    state.role = 'viewer';
    source(guest.doc, 1).insert(0, 'x');
    await guest.until(() => guest.controls.find((c) => c.type === 'resync'));
    expect(source(doc, 1).toString().startsWith('x')).toBe(false);
  });

  it('keeps only validated awareness fields of the guest itself, with the role and peer id the hub gave', async () => {
    const { awareness, guest } = await setup('editor');
    const me = guest.doc.clientID;
    guest.sendAwareness([
      {
        client: me,
        clock: 1,
        state: {
          user: { name: 'A\u0000da'.padEnd(500, '!'), color: 'red;background:url(x)' },
          role: 'host',
          peer: 'someone-else',
          evil: '<script>',
        },
      },
    ]);
    await settle();
    const state = awareness.getStates().get(me) as Record<string, unknown>;
    expect(state).toEqual({
      role: 'editor',
      peer: expect.stringMatching(/^peer-/),
      user: { name: expect.stringMatching(/^Ada!+$/) },
    });
    expect(state.peer).not.toBe('someone-else');
    expect((state.user as { name: string }).name.length).toBe(64);
    guest.sendAwareness([{ client: 424242, clock: 1, state: { user: { name: 'x' } } }]);
    guest.sendAwareness([
      { client: awareness.clientID, clock: 9, state: { user: { name: 'host?' } } },
    ]);
    await settle();
    expect(awareness.getStates().has(awareness.clientID)).toBe(false);
  });
});

describe('the role guard bounds what a guest can make the host do', () => {
  it('answers sync step 1 once per connection, and closes a connection that asks again', async () => {
    const { doc, guest } = await setup('viewer');
    const before = snapshot(doc);
    for (let i = 0; i < 1500; i++) guest.sendStep1(new Uint8Array([0]));
    await guest.until(() => guest.closed);
    expect(guest.closed).toMatch(/sync step 1/);
    expect(snapshot(doc)).toBe(before);
  });

  it('takes awareness under one client id per connection: a fresh id after the first is dropped', async () => {
    const { awareness, guest } = await setup('editor');
    const me = guest.doc.clientID;
    guest.sendAwareness([{ client: me, clock: 1, state: { user: { name: 'Ada' } } }]);
    for (let i = 1; i <= 20; i++) {
      guest.sendAwareness([{ client: 900_000 + i, clock: 1, state: { user: { name: `x${i}` } } }]);
    }
    guest.sendAwareness([{ client: me, clock: 2, state: { user: { name: 'Ada2' } } }]);
    await guest.until(
      () => (awareness.getStates().get(me) as { user?: { name: string } })?.user?.name === 'Ada2',
    );
    expect([...awareness.getStates().keys()]).toEqual([me]);
    expect(guest.closed).toBeNull();
  });

  it('closes a connection that floods awareness, having relayed at most a burst of it', async () => {
    const { awareness, guest } = await setup('editor');
    const me = guest.doc.clientID;
    let relayed = 0;
    awareness.on('update', () => relayed++);
    for (let i = 0; i < 5000; i++) {
      guest.sendAwareness([{ client: me, clock: i + 1, state: { user: { name: `n${i}` } } }]);
    }
    await guest.until(() => guest.closed);
    expect(guest.closed).toMatch(/presence/);
    expect(relayed).toBeLessThanOrEqual(100);
  });

  it('refuses a document edit under a second new client id on one connection', async () => {
    const { doc, guest } = await setup('editor');
    source(guest.doc, 1).insert(0, 'mine ');
    await settle();
    expect(source(doc, 1).toString().startsWith('mine ')).toBe(true);
    const before = snapshot(doc);
    const second = new Y.Doc();
    Y.applyUpdate(second, Y.encodeStateAsUpdate(doc));
    let update: Uint8Array | null = null;
    second.on('update', (u: Uint8Array) => (update = u));
    (cellsOf(second).get(0).get('source') as Y.Text).insert(0, 'other id ');
    guest.sendUpdate(update as unknown as Uint8Array);
    await guest.until(() => guest.controls.find((c) => c.type === 'resync'));
    expect(snapshot(doc)).toBe(before);
  });

  it("refuses requests past the rate limit with code 'rate-limited', and closes a flood", async () => {
    const { guest, requests } = await setup('editor');
    const ids = Array.from({ length: 30 }, () => guest.fire({ type: 'save' }));
    await guest.until(() => ids.every((id) => guest.replyTo(id)));
    const limited = ids.filter((id) => guest.replyTo(id)?.code === 'rate-limited');
    expect(limited.length).toBeGreaterThanOrEqual(5);
    expect(requests.length).toBe(30 - limited.length);
    expect(requests.length).toBeLessThanOrEqual(21);
    expect(guest.closed).toBeNull();
    for (let i = 0; i < 200; i++) guest.fire({ type: 'save' });
    await guest.until(() => guest.closed);
    expect(guest.closed).toMatch(/requests/);
    expect(requests.length).toBeLessThanOrEqual(22);
  });
});

describe('saves from a guest', () => {
  it("are at most 2 at once and 1 every 5 s; past that 'rate-limited', and the session never sees them", async () => {
    const { guest, requests } = await setup('editor');
    const ids = Array.from({ length: 6 }, () => guest.fire({ type: 'save' }));
    await guest.until(() => ids.every((id) => guest.replyTo(id)));
    expect(requests).toEqual(['save', 'save']);
    expect(guest.replyTo(ids[5] as number)).toMatchObject({
      ok: false,
      code: 'rate-limited',
      message: expect.stringMatching(/once every 5 s/),
    });
  });
});

describe('presence past the rate limit', () => {
  it('is held back, not lost: the last cursor of a fast drag reaches the host', async () => {
    const { awareness, guest } = await setup('editor');
    const me = guest.doc.clientID;
    for (let i = 1; i <= 100; i++) {
      guest.sendAwareness([{ client: me, clock: i, state: { user: { name: `n${i}` } } }]);
    }
    await guest.until(
      () => (awareness.getStates().get(me) as { user?: { name: string } })?.user?.name === 'n100',
    );
    expect(guest.closed).toBeNull();
  });
});
