import { createHash, randomBytes, webcrypto } from 'node:crypto';
import { closeSync, fsyncSync, openSync } from 'node:fs';
import { chmod, open, readFile, readdir, realpath, rename, stat, unlink } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { PairbookError } from '../../protocol/errors';
import { type Notebook, validateNotebook } from '../../protocol/nbformat';
import { parseJson } from '../../protocol/python-json';

/** Largest notebook Pairbook opens. Bigger ones are nearly always outputs nobody needs to share. */
export const MAX_NOTEBOOK_BYTES = 64 * 1024 * 1024;

/** A notebook file as read from disk: the exact text, its hash, and the validated JSON. */
export interface NotebookFile {
  path: string;
  text: string;
  /** sha256 of the bytes, hex. */
  sha256: string;
  notebook: Notebook;
  warnings: string[];
}

/** sha256 of a string's UTF-8 bytes, hex. */
export const sha256 = (data: string | Uint8Array): string =>
  createHash('sha256').update(data).digest('hex');

/**
 * sha256 of `data`, hex, computed in libuv's thread pool: hashing a large notebook on the event
 * loop would hold up every guest's edits meanwhile.
 */
export async function sha256OffLoop(data: Uint8Array): Promise<string> {
  return Buffer.from(await webcrypto.subtle.digest('SHA-256', data)).toString('hex');
}

/**
 * Reads and validates a notebook. Throws PairbookError with a message naming the file, what is
 * wrong and where; never returns something it could not save back faithfully.
 */
export async function readNotebookFile(path: string): Promise<NotebookFile> {
  const name = basename(path);
  let bytes: Buffer;
  try {
    const info = await stat(path);
    if (!info.isFile()) throw new PairbookError('unreadable', `${name}: not a file`);
    if (info.size > MAX_NOTEBOOK_BYTES) {
      throw new PairbookError(
        'too-large',
        `${name} is ${mb(info.size)}; Pairbook opens notebooks up to ${mb(MAX_NOTEBOOK_BYTES)} — ` +
          'clear its outputs first (jupyter nbconvert --clear-output --inplace FILE)',
      );
    }
    bytes = await readFile(path);
  } catch (e) {
    if (e instanceof PairbookError) throw e;
    const code = (e as NodeJS.ErrnoException).code;
    const why =
      code === 'ENOENT' ? 'no such file' : code === 'EACCES' ? 'permission denied' : String(e);
    throw new PairbookError('unreadable', `cannot read ${path}: ${why}`);
  }
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(bytes);
  } catch {
    throw new PairbookError('invalid-json', `${name} is not UTF-8 text, so it is not a notebook`);
  }
  const parsed = parseJson(text, name);
  if (!parsed.ok) throw parsed.error;
  const checked = validateNotebook(parsed.value, name);
  if (!checked.ok) throw checked.error;
  return { path, text, sha256: sha256(bytes), ...checked.value };
}

/** Ending of the temp files of writeFileAtomic: `.NAME.PID.RANDOM.pairbook-tmp`. */
const TEMP_SUFFIX = '.pairbook-tmp';

/**
 * Writes `text` to `path` atomically: a temp file in the same folder, fsync, rename over the
 * original, fsync the folder. Keeps the original file's mode. Readers see the old or the new
 * file, never a mix; on failure the original is untouched. Through a symlink it writes the
 * link's target, and the link stays a link.
 */
export async function writeFileAtomic(
  linkOrPath: string,
  text: string | Uint8Array,
): Promise<void> {
  const path = await realpath(linkOrPath).catch(() => linkOrPath); // a new file: as given
  const dir = dirname(path);
  const random = randomBytes(6).toString('hex');
  const tmp = join(dir, `.${basename(path)}.${process.pid}.${random}${TEMP_SUFFIX}`);
  let mode: number | undefined;
  try {
    mode = (await stat(path)).mode & 0o7777;
  } catch {
    mode = undefined; // a new file gets the default mode
  }
  try {
    const fh = await open(tmp, 'wx', mode ?? 0o644);
    try {
      await fh.writeFile(text);
      await fh.sync();
    } finally {
      await fh.close();
    }
    if (mode !== undefined) await chmod(tmp, mode); // umask may have narrowed it
    await rename(tmp, path);
  } catch (e) {
    await unlink(tmp).catch(() => undefined);
    throw new PairbookError(
      'write-failed',
      `could not save ${path}: ${(e as Error).message} — your edits are kept; free space or fix permissions and save again`,
    );
  }
  syncDir(dir);
}

/**
 * Removes the temp files a save of `path` (or of its symlink's target) left when its process was
 * killed mid-write: those of processes no longer running. Returns how many were removed.
 */
export async function removeStaleTempFiles(linkOrPath: string): Promise<number> {
  const path = await realpath(linkOrPath).catch(() => linkOrPath);
  const prefix = `.${basename(path)}.`;
  let names: string[];
  try {
    names = await readdir(dirname(path));
  } catch {
    return 0;
  }
  let removed = 0;
  for (const name of names) {
    if (!name.startsWith(prefix) || !name.endsWith(TEMP_SUFFIX)) continue;
    const middle = name.slice(prefix.length, -TEMP_SUFFIX.length).split('.');
    // Before the pid was in the name: `.NAME.RANDOM.pairbook-tmp`.
    const pid = middle.length === 2 ? Number(middle[0]) : null;
    if (pid !== null && isRunning(pid)) continue;
    await unlink(join(dirname(path), name)).then(
      () => removed++,
      () => undefined,
    );
  }
  return removed;
}

function isRunning(pid: number): boolean {
  if (!Number.isSafeInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function syncDir(dir: string): void {
  // Makes the rename itself durable; some file systems refuse to fsync a directory, which is fine.
  try {
    const fd = openSync(dir, 'r');
    try {
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
  } catch {
    return;
  }
}

function mb(bytes: number): string {
  return `${(bytes / 1e6).toFixed(1)} MB`;
}
