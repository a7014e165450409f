import { mkdir, readFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { writeFileAtomic } from '../../host/document/notebook-file';

/**
 * Reads a small JSON state file of the app (recent files, the windows to restore). A missing file
 * reads as null; an unreadable or corrupt one is reported and also reads as null, because losing
 * a list of recent files must never stop the app from starting.
 */
export async function readJsonFile(path: string): Promise<unknown> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'ENOENT') {
      console.warn(`pairbook: cannot read ${path}, starting it afresh: ${(e as Error).message}`);
    }
    return null;
  }
  try {
    return JSON.parse(text) as unknown;
  } catch (e) {
    console.warn(
      `pairbook: ${path} is not valid JSON, starting it afresh: ${(e as Error).message}`,
    );
    return null;
  }
}

/** Writes `value` as JSON to `path` atomically (temp file + rename), making its folder if needed. */
export async function writeJsonFile(path: string, value: unknown): Promise<void> {
  await mkdir(dirname(path), { recursive: true });
  await writeFileAtomic(path, `${JSON.stringify(value, null, 1)}\n`);
}
