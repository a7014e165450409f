// The small state files of the Electron shell, in a temp folder: recent files, the windows to
// restore, new untitled notebooks, and the keychain over a fake safeStorage.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { readNotebookFile } from '../../../host/document/notebook-file';
import { Keychain, type KeychainStorage } from '../../../electron/main/keychain';
import { createUntitledNotebook } from '../../../electron/main/new-notebook';
import { RecentFiles } from '../../../electron/main/recent-files';
import { SessionRestore } from '../../../electron/main/session-restore';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'pairbook-electron-state-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe('RecentFiles', () => {
  it('keeps the newest first, once each, up to its limit, across restarts', async () => {
    const file = join(dir, 'recent.json');
    const recent = new RecentFiles(file, 3);
    for (const [i, p] of ['/a.ipynb', '/b.ipynb', '/c.ipynb', '/a.ipynb', '/d.ipynb'].entries()) {
      await recent.add(p, i);
    }
    const again = await new RecentFiles(file, 3).list();
    expect(again.map((f) => f.path)).toEqual(['/d.ipynb', '/a.ipynb', '/c.ipynb']);
    expect(again[0]).toEqual({ path: '/d.ipynb', name: 'd.ipynb', openedAt: 4 });
  });

  it('starts afresh from a corrupt file and tells listeners about changes', async () => {
    const file = join(dir, 'recent.json');
    writeFileSync(file, '{ not json');
    const recent = new RecentFiles(file);
    const seen: number[] = [];
    recent.onChange((files) => seen.push(files.length));
    expect(await recent.list()).toEqual([]);
    await recent.add('/x.ipynb');
    await recent.clear();
    expect(seen).toEqual([1, 0]);
  });
});

describe('SessionRestore', () => {
  it('restores every window open when the app quit', async () => {
    const file = join(dir, 'open.json');
    const restore = new SessionRestore(file, true);
    await restore.opened('/a.ipynb');
    await restore.opened('/b.ipynb');
    await restore.freeze();
    await restore.closed('/a.ipynb', 1);
    await restore.closed('/b.ipynb', 0);
    expect(await new SessionRestore(file).read()).toEqual(['/a.ipynb', '/b.ipynb']);
  });

  it.each([
    [true, ['/b.ipynb']],
    [false, []],
  ])('closing windows one by one (keep the last: %s) leaves %j', async (keepLast, expected) => {
    const file = join(dir, 'open.json');
    const restore = new SessionRestore(file, keepLast);
    await restore.opened('/a.ipynb');
    await restore.opened('/b.ipynb');
    await restore.closed('/a.ipynb', 1);
    await restore.closed('/b.ipynb', 0);
    expect(await restore.read()).toEqual(expected);
  });
});

describe('createUntitledNotebook', () => {
  it('never overwrites: Untitled, Untitled1, ... each a valid notebook', async () => {
    writeFileSync(join(dir, 'Untitled.ipynb'), 'mine');
    const first = await createUntitledNotebook(dir);
    const second = await createUntitledNotebook(dir);
    expect([first, second]).toEqual([join(dir, 'Untitled1.ipynb'), join(dir, 'Untitled2.ipynb')]);
    expect(readFileSync(join(dir, 'Untitled.ipynb'), 'utf8')).toBe('mine');
    const nb = await readNotebookFile(first);
    expect(nb.notebook.cells).toHaveLength(1);
  });
});

describe('Keychain', () => {
  /** A safeStorage stand-in that "encrypts" by reversing and tagging. */
  function storage(backend: string, extra: Partial<KeychainStorage> = {}): KeychainStorage {
    return {
      getSelectedStorageBackend: () => backend as 'gnome_libsecret',
      isEncryptionAvailable: () => true,
      encryptString: (s) => Buffer.from(`sealed:${[...s].reverse().join('')}`),
      decryptString: (b) => [...b.toString().slice(7)].reverse().join(''),
      ...extra,
    };
  }

  it('on Linux without a keyring (basic_text) keeps secrets in memory only and says so', async () => {
    const file = join(dir, 'secrets.json');
    const k = await Keychain.open(storage('basic_text'), file, 'linux');
    expect(k.mode).toBe('memory-only');
    expect(k.warning).toMatch(/in memory only/);
    await k.set('invite', 's3cret');
    expect(await k.get('invite')).toBe('s3cret');
    expect(() => readFileSync(file)).toThrow();
  });

  it('with a keyring stores only ciphertext, and reads it back', async () => {
    const file = join(dir, 'secrets.json');
    const k = await Keychain.open(storage('gnome_libsecret'), file, 'linux');
    expect([k.mode, k.warning]).toEqual(['os-keychain', null]);
    await k.set('invite', 's3cret');
    expect(readFileSync(file, 'utf8')).not.toContain('s3cret');
    const again = await Keychain.open(storage('gnome_libsecret'), file, 'linux');
    expect(await again.get('invite')).toBe('s3cret');
    await again.delete('invite');
    expect(await again.get('invite')).toBeNull();
  });

  it('uses the async API where Electron has it, re-sealing after a key rotation', async () => {
    const file = join(dir, 'secrets.json');
    let sealedAsync = 0;
    const base = storage('kwallet6');
    const asyncStorage = storage('kwallet6', {
      isAsyncEncryptionAvailable: async () => true,
      encryptStringAsync: async (s) => (sealedAsync++, base.encryptString(s)),
      decryptStringAsync: async (b) => ({ result: base.decryptString(b), shouldReEncrypt: true }),
      encryptString: () => {
        throw new Error('the sync API must not be used');
      },
    });
    const k = await Keychain.open(asyncStorage, file, 'linux');
    await k.set('token', 'abc');
    expect(await k.get('token')).toBe('abc');
    expect(sealedAsync).toBe(2);
  });

  it('on macOS and Windows trusts the OS keychain when encryption is available', async () => {
    const k = await Keychain.open(storage('unknown'), join(dir, 's.json'), 'darwin');
    expect(k.mode).toBe('os-keychain');
  });
});
