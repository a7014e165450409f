import { readFileSync, writeFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type * as Y from 'yjs';
import { NotebookSession, type SessionOptions } from '../../../host/session/notebook-session';
import type { HostNotice } from '../../../protocol/hub-messages';
import { cellsOf, serializeNotebook } from '../../../protocol/ydoc-nbformat';
import { connectClient } from '../../helpers/session-client';
import {
  codeCell,
  jupyterText,
  markdownCell,
  notebook,
  sampleNotebook,
  tempDir,
  writeNotebook,
} from '../../helpers/notebooks';
import { connectGuest } from './guarded-client';

const source = (doc: Y.Doc, i: number) => cellsOf(doc).get(i).get('source') as Y.Text;
const open = (path: string, options: Partial<SessionOptions> = {}) =>
  NotebookSession.open(path, { dataDir: tempDir(), autosaveDelayMs: 0, ...options });
const isFileChanged = (n: HostNotice): n is Extract<HostNotice, { type: 'notice' }> =>
  n.type === 'notice' && n.code === 'file-changed';
/** Resolves once the session has unsaved edits (edits reach it after a hop through the pipe). */
const dirty = (s: NotebookSession) =>
  new Promise<void>((resolve) => (s.dirty ? resolve() : s.once('dirty', resolve)));
/** What someone else's editor wrote over the file: the title changed and a cell added. */
const theirs = () =>
  jupyterText(
    notebook([markdownCell('intro', ['# Theirs']), codeCell('new', ['print("theirs")'])]),
  );

describe('a file that changed on disk', () => {
  it("is not overwritten by the host's save, which says why with a code, until the host forces it", async () => {
    const path = writeNotebook(sampleNotebook());
    const s = await open(path);
    const host = connectClient(s, 'Host');
    await host.until((d) => cellsOf(d).length === 3);
    source(host.doc, 0).insert(0, 'mine ');
    await dirty(s);
    writeFileSync(path, theirs());

    expect(await host.request({ type: 'save' })).toEqual({
      ok: false,
      code: 'file-changed',
      message: expect.stringMatching(
        /nb\.ipynb changed on disk since Pairbook read it; your edits are kept/,
      ),
    });
    expect(readFileSync(path, 'utf8')).toBe(theirs());
    expect(await host.request({ type: 'save', force: true })).toEqual({ ok: true });
    expect(readFileSync(path, 'utf8')).toContain('mine # Title');
    expect(s.dirty).toBe(false);
    await s.close();
  });

  it('is loaded from disk for everyone when the host reloads, and later saves need no force', async () => {
    const path = writeNotebook(sampleNotebook());
    const s = await open(path);
    const host = connectClient(s, 'Host');
    const guest = connectGuest(s, 'editor', 'Ed');
    await guest.synced;
    source(guest.client.doc, 0).insert(0, 'unsaved ');
    await host.until((d) => source(d, 0).toString().startsWith('unsaved '));
    writeFileSync(path, theirs());

    expect(await host.request({ type: 'reload' })).toEqual({ ok: true });
    for (const doc of [s.doc, host.doc, guest.client.doc]) {
      await host.until(() => serializeNotebook(doc) === theirs());
    }
    expect(readFileSync(path, 'utf8')).toBe(theirs());
    expect(s.dirty).toBe(false);
    expect(guest.notices).toContainEqual({
      type: 'notice',
      level: 'info',
      message: 'The host loaded nb.ipynb from disk: edits since the last save were replaced',
    });

    source(host.doc, 1).insert(0, '# and mine\n');
    await dirty(s);
    expect(await host.request({ type: 'save' })).toEqual({ ok: true });
    expect(readFileSync(path, 'utf8')).toContain('"# and mine\\n",\n    "print(\\"theirs\\")"');
    await s.close();
  });

  it('journals the reloaded file, so edits after a reload survive a crash', async () => {
    const path = writeNotebook(sampleNotebook());
    const dataDir = tempDir();
    const s = await open(path, { dataDir });
    const host = connectClient(s, 'Host');
    await host.until((d) => cellsOf(d).length === 3);
    writeFileSync(path, theirs());
    expect(await host.request({ type: 'reload' })).toEqual({ ok: true });
    source(host.doc, 1).insert(0, 'after = 1\n');
    await dirty(s);

    // The first session never closes: as after a crash, the next open finds its journal.
    const next = await open(path, { dataDir });
    expect(next.recovery).toEqual({ kind: 'replayed', updates: expect.any(Number) });
    expect(source(next.doc, 1).toString()).toBe('after = 1\nprint("theirs")');
    await next.close();
  });

  it('is refused, changing nothing, when the file on disk is no longer a notebook', async () => {
    const path = writeNotebook(sampleNotebook());
    const s = await open(path);
    const host = connectClient(s, 'Host');
    await host.until((d) => cellsOf(d).length === 3);
    source(host.doc, 0).insert(0, 'kept ');
    await dirty(s);
    const before = serializeNotebook(s.doc);
    writeFileSync(path, '{"cells": [');

    expect(await host.request({ type: 'reload' })).toEqual({
      ok: false,
      code: 'invalid-json',
      message: expect.stringMatching(
        /not valid JSON: line 1.* nothing was loaded; everyone keeps the notebook as it is/,
      ),
    });
    expect(serializeNotebook(s.doc)).toBe(before);
    expect(s.dirty).toBe(true);
    await expect(s.close()).rejects.toMatchObject({ code: 'file-changed' });
  });

  it("lets no guest overwrite or reload it; a guest's save is told the host decides, and the host is asked", async () => {
    const path = writeNotebook(sampleNotebook());
    const s = await open(path);
    const host = connectClient(s, 'Host');
    const guest = connectGuest(s, 'editor', 'Ed');
    await guest.synced;
    source(guest.client.doc, 0).insert(0, 'guest ');
    await dirty(s);
    writeFileSync(path, theirs());

    expect(await guest.client.request({ type: 'save', force: true })).toEqual({
      ok: false,
      code: 'not-allowed',
      message: expect.stringMatching(/^You are an editor.*only the host can overwrite the file/),
    });
    expect(await guest.client.request({ type: 'reload' })).toEqual({
      ok: false,
      code: 'not-allowed',
      message: expect.stringMatching(/only the host can load the file from disk/),
    });
    expect(await guest.client.request({ type: 'save' })).toEqual({
      ok: false,
      code: 'file-changed',
      message: expect.stringMatching(/changed on disk .* the host decides/),
    });
    const asked = await host.waitNotice(isFileChanged);
    expect(asked).toMatchObject({ level: 'warning', message: expect.stringMatching(/nb\.ipynb/) });
    expect(guest.notices.filter(isFileChanged)).toEqual([]);
    expect(readFileSync(path, 'utf8')).toBe(theirs());
    expect(serializeNotebook(s.doc)).toContain('guest # Title');
    await expect(s.close()).rejects.toMatchObject({ code: 'file-changed' });
  });

  it('is never overwritten by autosave, which asks the host once per change of the file', async () => {
    const path = writeNotebook(sampleNotebook());
    const s = await open(path, { autosaveDelayMs: 10 });
    const host = connectClient(s, 'Host');
    await host.until((d) => cellsOf(d).length === 3);
    writeFileSync(path, theirs());
    const failures: string[] = [];
    const failed = () =>
      new Promise<void>((resolve) =>
        s.once('save-failed', (e) => resolve(void failures.push(e.code))),
      );

    source(host.doc, 0).insert(0, 'a');
    await failed();
    await host.waitNotice(isFileChanged);
    source(host.doc, 0).insert(0, 'b');
    await failed();
    expect(failures).toEqual(['file-changed', 'file-changed']);
    expect(host.notices.filter(isFileChanged)).toHaveLength(1);
    expect(readFileSync(path, 'utf8')).toBe(theirs());

    writeFileSync(path, theirs().replace('Theirs', 'Theirs again'));
    source(host.doc, 0).insert(0, 'c');
    await failed();
    await host.until(() => host.notices.filter(isFileChanged).length === 2);
    expect(readFileSync(path, 'utf8')).toContain('Theirs again');
    await expect(s.close()).rejects.toMatchObject({ code: 'file-changed' });
  });

  it("asks the host's windows no second time about a change the host's own save met", async () => {
    const path = writeNotebook(sampleNotebook());
    const s = await open(path);
    const host = connectClient(s, 'Host');
    const guest = connectGuest(s, 'editor', 'Ed');
    await guest.synced;
    source(host.doc, 0).insert(0, 'mine ');
    await dirty(s);
    writeFileSync(path, theirs());
    expect(await host.request({ type: 'save' })).toMatchObject({ code: 'file-changed' });
    const asked = host.notices.filter(isFileChanged).length;
    // Another save meets the same version (a guest's, as an autosave's would).
    expect(await guest.client.request({ type: 'save' })).toMatchObject({ code: 'file-changed' });
    await host.request({ type: 'interrupt' }); // what the host was sent before is in by its reply
    expect(host.notices.filter(isFileChanged).length).toBe(asked);
    guest.client.destroy();
    await expect(s.close()).rejects.toMatchObject({ code: 'file-changed' });
  });
});
