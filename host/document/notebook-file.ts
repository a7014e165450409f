import { createHash, randomBytes } from 'node:crypto';
import {
  type FileHandle,
  chmod,
  open,
  readFile,
  readdir,
  realpath,
  rename,
  stat,
  unlink,
} from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { PairbookError } from '../../protocol/errors';
import { type Notebook, validateNotebook } from '../../protocol/nbformat';
import { parseJson } from '../../protocol/python-json';
import { SLICE_MS, nextSlice } from './loop-slices';

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

/** Longest one slice of encodeInSlices runs before it lets the event loop serve others. */
export const ENCODE_SLICE_MS = SLICE_MS;
/** Bytes hashed at once by hashPartsInSlices. */
const HASH_PART_BYTES = 512 * 1024;
/** Longest piece of text encoded at once. */
const ENCODE_PART_CHARS = 256 * 1024;
/** Bytes gathered into one write(2) by writeFileAtomic. */
const WRITE_GROUP_BYTES = 1024 * 1024;

/** Text encoded as UTF-8 in parts, with the sha256 of all of them. */
export interface EncodedText {
  parts: Buffer[];
  sha256: string;
  bytes: number;
}

/**
 * Encodes `chunks` (joined, they are the text) as UTF-8 and hashes them in slices of at most
 * about ENCODE_SLICE_MS, taking turns with other sliced work (loop-slices.ts): a 20 MB notebook never holds
 * up everyone else's edits for the whole of it.
 */
export async function encodeInSlices(chunks: readonly string[]): Promise<EncodedText> {
  const hash = createHash('sha256');
  const parts: Buffer[] = [];
  let bytes = 0;
  let sliceStart = performance.now();
  for (const chunk of chunks) {
    for (let at = 0; at < chunk.length;) {
      let end = Math.min(chunk.length, at + ENCODE_PART_CHARS);
      const last = chunk.charCodeAt(end - 1);
      if (end < chunk.length && last >= 0xd800 && last <= 0xdbff) end--; // a surrogate pair stays whole
      const part = Buffer.from(at === 0 && end === chunk.length ? chunk : chunk.slice(at, end));
      hash.update(part);
      parts.push(part);
      bytes += part.length;
      at = end;
      if (performance.now() - sliceStart > ENCODE_SLICE_MS) {
        await nextSlice();
        sliceStart = performance.now();
      }
    }
  }
  return { parts, sha256: hash.digest('hex'), bytes };
}

/** Bytes read and hashed at once by hashFileInSlices. */
const READ_GROUP_BYTES = 512 * 1024;

/**
 * The sha256 and length of `parts` one after another, hashed in slices of about
 * ENCODE_SLICE_MS that take turns with other sliced work (loop-slices.ts).
 */
export async function hashPartsInSlices(
  parts: readonly Uint8Array[],
): Promise<{ sha256: string; bytes: number }> {
  const hash = createHash('sha256');
  let bytes = 0;
  let sliceStart = performance.now();
  for (const part of parts) {
    for (let at = 0; at < part.length; at += HASH_PART_BYTES) {
      const piece = part.subarray(at, at + HASH_PART_BYTES);
      hash.update(piece);
      bytes += piece.length;
      if (performance.now() - sliceStart > ENCODE_SLICE_MS) {
        await nextSlice();
        sliceStart = performance.now();
      }
    }
  }
  return { sha256: hash.digest('hex'), bytes };
}

/**
 * The sha256 of the file at `path`, read a group at a time into one reused buffer and hashed in
 * slices; null when it cannot be read (it is gone, say).
 */
export async function hashFileInSlices(path: string): Promise<string | null> {
  let fh: FileHandle;
  try {
    fh = await open(path, 'r');
  } catch {
    return null;
  }
  try {
    const hash = createHash('sha256');
    const buffer = new Uint8Array(READ_GROUP_BYTES);
    for (;;) {
      const { bytesRead } = await fh.read(buffer, 0, buffer.length, null);
      if (bytesRead === 0) return hash.digest('hex');
      hash.update(buffer.subarray(0, bytesRead));
    }
  } catch {
    return null;
  } finally {
    await fh.close();
  }
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
  text: string | Uint8Array | readonly Uint8Array[],
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
      if (typeof text === 'string' || text instanceof Uint8Array) await fh.writeFile(text);
      else await writeParts(fh, text);
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
  await syncDir(dir);
}

/** Writes `parts` in order, gathered into writes of about WRITE_GROUP_BYTES. */
async function writeParts(fh: FileHandle, parts: readonly Uint8Array[]): Promise<void> {
  for (let i = 0; i < parts.length;) {
    const group: Uint8Array[] = [];
    let size = 0;
    while (
      i < parts.length &&
      (group.length === 0 || size + parts[i]!.length <= WRITE_GROUP_BYTES)
    ) {
      size += parts[i]!.length;
      group.push(parts[i++]!);
    }
    const buffer = group.length === 1 ? group[0]! : Buffer.concat(group, size);
    for (let off = 0; off < buffer.length;) {
      off += (await fh.write(buffer, off, buffer.length - off)).bytesWritten;
    }
  }
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

async function syncDir(dir: string): Promise<void> {
  // Makes the rename itself durable; some file systems refuse to fsync a directory, which is fine.
  try {
    const fh = await open(dir, 'r');
    try {
      await fh.sync();
    } finally {
      await fh.close();
    }
  } catch {
    return;
  }
}

function mb(bytes: number): string {
  return `${(bytes / 1e6).toFixed(1)} MB`;
}
