// The host window's pipe: a MessagePortMainTransport on the session side, a MessagePort on the
// page side. Node's MessageChannel stands in for Electron's MessageChannelMain (same structured
// clone; Electron's port wraps each message as {data}, which the adapter below reproduces).
import { EventEmitter } from 'node:events';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MessageChannel, type MessagePort } from 'node:worker_threads';
import { afterEach, describe, expect, it } from 'vitest';
import { NotebookSession } from '../../../host/session/notebook-session';
import type { Transport } from '../../../protocol/transport';
import { cellsOf } from '../../../protocol/ydoc-nbformat';
import { HubClient } from '../../../renderer/connection/hub-client';
import {
  type HubPort,
  MessagePortMainTransport,
} from '../../../electron/main/message-port-transport';
import { createUntitledNotebook } from '../../../electron/main/new-notebook';

/** Node's MessagePort shaped as Electron's MessagePortMain ('message' carries {data}). */
function asMainPort(port: MessagePort): HubPort {
  const events = new EventEmitter();
  port.on('message', (data: unknown) => events.emit('message', { data, ports: [] }));
  port.on('close', () => events.emit('close'));
  return {
    on: (name: string, l: (...a: unknown[]) => void) => (events.on(name, l), undefined),
    off: (name: string, l: (...a: unknown[]) => void) => (events.off(name, l), undefined),
    postMessage: (m: unknown) => port.postMessage(m),
    start: () => port.start(),
    close: () => port.close(),
  } as unknown as HubPort;
}

/** The page's end, as renderer/platform would wrap the MessagePort it receives. */
function pageTransport(port: MessagePort): Transport {
  const closes = new Set<(r: string) => void>();
  let closed = false;
  const finish = (reason: string) => {
    if (closed) return;
    closed = true;
    closes.forEach((l) => l(reason));
  };
  port.on('close', () => finish('closed'));
  return {
    send: (m) => !closed && port.postMessage(m),
    onMessage: (l) => {
      const h = (d: Uint8Array) => l(d);
      port.on('message', h);
      return () => port.off('message', h);
    },
    onClose: (l) => (closes.add(l), () => closes.delete(l)),
    close: () => {
      port.close();
      finish('closed');
    },
  };
}

/** A fake port recording what is posted, for the unit cases. */
function fakePort() {
  const events = new EventEmitter();
  const posted: unknown[] = [];
  const port = {
    on: (n: string, l: (...a: unknown[]) => void) => events.on(n, l),
    off: (n: string, l: (...a: unknown[]) => void) => events.off(n, l),
    postMessage: (m: unknown) => posted.push(m),
    start: () => undefined,
    close: () => events.emit('close'),
  } as unknown as HubPort;
  return { port, events, posted };
}

describe('MessagePortMainTransport', () => {
  it.each([
    ['a Uint8Array', new Uint8Array([1, 2, 3])],
    ['a Buffer', Buffer.from([1, 2, 3])],
    ['an ArrayBuffer', new Uint8Array([1, 2, 3]).buffer],
    ['a view into a larger buffer', new Uint8Array([0, 1, 2, 3, 4]).subarray(1, 4)],
  ])('receives %s as bytes', (_name, data) => {
    const { port, events } = fakePort();
    const t = new MessagePortMainTransport(port);
    const got: number[][] = [];
    t.onMessage((m) => got.push([...m]));
    events.emit('message', { data });
    expect(got).toEqual([[1, 2, 3]]);
  });

  it('drops what is not bytes', () => {
    const { port, events } = fakePort();
    const t = new MessagePortMainTransport(port);
    const got: unknown[] = [];
    t.onMessage((m) => got.push(m));
    for (const data of ['text', { a: 1 }, null, 42]) events.emit('message', { data });
    expect(got).toEqual([]);
  });

  it('closes once, from either end, and sends nothing after', () => {
    const { port, events, posted } = fakePort();
    const t = new MessagePortMainTransport(port);
    const reasons: string[] = [];
    t.onClose((r) => reasons.push(r));
    events.emit('close');
    t.close('again');
    t.send(new Uint8Array([1]));
    expect(reasons).toEqual(['the window closed its connection']);
    expect(posted).toEqual([]);
  });
});

describe('a window attached to its NotebookSession over a MessagePort', () => {
  const dirs: string[] = [];
  afterEach(() => dirs.splice(0).forEach((d) => rmSync(d, { recursive: true, force: true })));

  it('syncs the notebook to the page, takes its edits and saves them', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'pairbook-electron-'));
    dirs.push(dir);
    const path = await createUntitledNotebook(dir);
    const session = await NotebookSession.open(path, { dataDir: dir, autosaveDelayMs: 0 });
    const { port1, port2 } = new MessageChannel();
    const host = new MessagePortMainTransport(asMainPort(port1));
    session.attach(host, { name: 'Ada' });
    const client = new HubClient(() => pageTransport(port2));
    const synced = new Promise<void>((resolve) =>
      client.on('status', (s) => s === 'synced' && resolve()),
    );
    client.connect();
    await synced;
    expect(cellsOf(client.doc).length).toBe(1);

    const source = cellsOf(client.doc).get(0).get('source') as {
      insert(i: number, s: string): void;
    };
    source.insert(0, 'print("hi")');
    await new Promise<void>((resolve) => {
      const check = () => {
        if (String(cellsOf(session.doc).get(0).get('source')) !== 'print("hi")') return;
        session.doc.off('update', check);
        resolve();
      };
      session.doc.on('update', check);
      check();
    });
    expect(await client.request({ type: 'save' })).toMatchObject({ ok: true });
    expect(readFileSync(path, 'utf8')).toContain('print(\\"hi\\")');

    const closed = new Promise<string>((resolve) => host.onClose(resolve));
    client.destroy();
    port2.close();
    expect(await closed).toBe('the window closed its connection');
    await session.close();
  });
});
