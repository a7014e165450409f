// A host on a disk that fills up, run by full-disk.test.ts inside its own mount namespace, where
// DISK is a small tmpfs. A guest (through the hub's role guard) and a host window (reconnecting as
// the browser shell's does) type; the disk is filled and freed; everything seen is printed as
// one `result JSON` line.
// Usage: full-disk-child.ts MODE NOTEBOOK DATA_DIR DISK
//   journal:  the journal (DATA_DIR) is on DISK; ends with `kill-me` and waits to be killed
//   recover:  opens NOTEBOOK, prints `result {"source": ..., "recovery": ...}`, closes
//   notebook: the notebook is on DISK (autosave on); ends by closing the session
import { closeSync, openSync, readFileSync, rmSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import * as Y from 'yjs';
import { ClientIdRegistry } from '../../../host/hub/client-ids';
import { GuardedTransport } from '../../../host/hub/role-guard';
import { NotebookSession } from '../../../host/session/notebook-session';
import { decodeControl, isControl } from '../../../protocol/hub-control';
import type { HostNotice } from '../../../protocol/hub-messages';
import { createTransportPair } from '../../../protocol/transport';
import { cellsOf } from '../../../protocol/ydoc-nbformat';
import { HubClient } from '../../../renderer/connection/hub-client';

const [mode, path, dataDir, disk] = process.argv.slice(2) as [string, string, string, string];
const say = (line: string) => process.stdout.write(`${line}\n`);
const source = (doc: Y.Doc) => (cellsOf(doc).get(0).get('source') as Y.Text).toString();

/** Waits until `check()` holds, re-checking every 5 ms; throws after `ms` (a generous bound). */
async function until(check: () => boolean, what: string, ms = 20_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

/** Fills DISK with a file until nothing more fits. */
function fill(file: string): void {
  const fd = openSync(file, 'w');
  try {
    for (const size of [65536, 4096, 1]) {
      const chunk = Buffer.alloc(size, 120);
      for (;;) writeSync(fd, chunk);
    }
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'ENOSPC') throw e;
    // The loop above stops at the first ENOSPC of the largest chunk: fill the rest finely.
    for (const size of [4096, 1]) {
      const chunk = Buffer.alloc(size, 120);
      try {
        for (;;) writeSync(fd, chunk);
      } catch (e2) {
        if ((e2 as NodeJS.ErrnoException).code !== 'ENOSPC') throw e2;
      }
    }
  } finally {
    closeSync(fd);
  }
}

/** A guest as the hub attaches one; `resyncs` counts the hub's resync controls it received. */
function connectGuest(session: NotebookSession, name: string) {
  const [hostEnd, guestEnd] = createTransportPair();
  const ctx = {
    doc: session.doc,
    awareness: session.awareness,
    registry,
    guestKey: `key-${name}`,
    peerId: `peer-${name}`,
    role: () => 'editor' as const,
  };
  session.attach(new GuardedTransport(hostEnd, ctx), { name });
  const guest = { client: new HubClient(() => guestEnd), notices: [] as HostNotice[], resyncs: 0 };
  guestEnd.onMessage((m) => {
    const control = isControl(m) ? decodeControl(m) : null;
    if (control?.ok && control.value.type === 'resync') guest.resyncs++;
  });
  guest.client.on('notice', (n) => guest.notices.push(n));
  guest.client.connect();
  return guest;
}

/** A host window: every (re)connection is a fresh pipe attached to the session. */
function connectHostWindow(session: NotebookSession) {
  const win = { client: null as unknown as HubClient, notices: [] as HostNotice[], closes: 0 };
  win.client = new HubClient(() => {
    const [hostEnd, clientEnd] = createTransportPair();
    session.attach(hostEnd, { name: 'Host' });
    clientEnd.onClose(() => win.closes++);
    return clientEnd;
  });
  win.client.on('notice', (n) => win.notices.push(n));
  win.client.connect();
  return win;
}

const type = (doc: Y.Doc, token: string) => {
  const text = cellsOf(doc).get(0).get('source') as Y.Text;
  text.insert(text.length, token);
};

const autosave =
  mode === 'notebook' ? { autosaveDelayMs: 50, autosaveMaxWaitMs: 200 } : { autosaveDelayMs: 0 };
const session = await NotebookSession.open(path, { dataDir, ...autosave });
const registry = new ClientIdRegistry(session.doc);
if (mode === 'recover') {
  say(`result ${JSON.stringify({ source: source(session.doc), recovery: session.recovery })}`);
  await session.close();
  process.exit(0);
}

const filler = join(disk, 'filler');
const win = connectHostWindow(session);
let guest = connectGuest(session, 'guest');
await until(() => win.client.status === 'synced' && guest.client.status === 'synced', 'sync');
const accepted: string[] = [];
const refused: string[] = [];
const has = (token: string) => source(session.doc).includes(token);

for (let i = 0; i < 5; i++) {
  type(guest.client.doc, `g${i};`);
  await until(() => has(`g${i};`), 'an edit');
  accepted.push(`g${i};`);
}

if (mode === 'journal') {
  fill(filler);
  say('disk full');
  // Edits that still fit in the journal's last page are accepted; then they are refused.
  for (let i = 0; refused.length === 0 && i < 5000; i++) {
    const token = `f${i};`;
    const resyncs = guest.resyncs;
    type(guest.client.doc, token);
    await until(() => has(token) || guest.resyncs > resyncs, 'an edit accepted or refused');
    (has(token) ? accepted : refused).push(token);
  }
  // Nobody else saw the refused edit.
  await new Promise((r) => setTimeout(r, 100));
  const relayed = source(win.client.doc).includes(refused[0] ?? '?');
  // The host's own window types while the disk is full: refused, its window reconnects.
  const closes = win.closes;
  type(win.client.doc, 'hfull;');
  await until(() => win.closes > closes, "the host window's pipe closed");
  const hostRefused = !has('hfull;');
  // The guest starts over from the host's state, as the app does on a resync.
  const refusedGuestNotices = guest.notices;
  guest.client.destroy();
  guest = connectGuest(session, 'guest2');
  await until(() => guest.client.status === 'synced', 'the guest resynced');
  rmSync(filler);
  say('disk freed');
  type(guest.client.doc, 'after;');
  await until(() => has('after;'), 'an edit after space was freed');
  accepted.push('after;');
  // The host window's refused edit is offered again when it reconnects, and now accepted.
  await until(() => has('hfull;'), "the host window's edit, after it reconnected");
  accepted.push('hfull;');
  say(
    `result ${JSON.stringify({ accepted, refused, relayed, hostRefused, hostNotices: win.notices, guestNotices: guest.notices, refusedGuestNotices })}`,
  );
  say(`kill-me ${process.pid}`);
  setInterval(() => undefined, 1000);
} else {
  await until(() => !session.dirty, 'the first autosave');
  fill(filler);
  say('disk full');
  const failed = new Promise<void>((r) => session.on('save-failed', () => r()));
  type(guest.client.doc, 'full;');
  await until(() => has('full;'), 'an edit on a full disk');
  accepted.push('full;');
  await failed;
  await until(
    () => guest.notices.some((n) => n.type === 'notice' && n.code === 'save-failed'),
    "the guest's notice",
  );
  rmSync(filler);
  say('disk freed');
  await until(() => !session.dirty, 'the retried autosave');
  say(
    `result ${JSON.stringify({ accepted, saved: readSaved(), hostNotices: win.notices, guestNotices: guest.notices })}`,
  );
  await session.close();
  process.exit(0);
}

function readSaved(): string {
  const nb = JSON.parse(readFileSync(path, 'utf8')) as { cells: { source: string[] }[] };
  return nb.cells[0]!.source.join('');
}
