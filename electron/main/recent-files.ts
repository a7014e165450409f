import { basename } from 'node:path';
import type { RecentFile } from '../../protocol/desktop-api';
import { readJsonFile, writeJsonFile } from './json-file';

/** How many notebooks Open Recent remembers. */
export const MAX_RECENT_FILES = 12;

/** True when `v` is a RecentFile as this app writes them. */
function isRecentFile(v: unknown): v is RecentFile {
  const r = v as RecentFile;
  return (
    typeof v === 'object' &&
    v !== null &&
    typeof r.path === 'string' &&
    typeof r.name === 'string' &&
    typeof r.openedAt === 'number'
  );
}

/**
 * The notebooks opened recently, newest first, kept in a JSON file in the app's data folder
 * (`recent-files.json`). Writes are serialized so concurrent opens cannot lose an entry.
 */
export class RecentFiles {
  private files: RecentFile[] | null = null;
  private writing: Promise<void> = Promise.resolve();
  private readonly listeners = new Set<(files: RecentFile[]) => void>();

  constructor(
    private readonly file: string,
    private readonly limit = MAX_RECENT_FILES,
  ) {}

  /** The list, newest first. */
  async list(): Promise<RecentFile[]> {
    if (!this.files) {
      const stored = (await readJsonFile(this.file)) as { files?: unknown } | null;
      const files = Array.isArray(stored?.files) ? stored.files.filter(isRecentFile) : [];
      this.files ??= files.slice(0, this.limit);
    }
    return [...this.files];
  }

  /** Puts `path` at the top (opened now), dropping the oldest beyond the limit. */
  async add(path: string, now = Date.now()): Promise<void> {
    const rest = (await this.list()).filter((f) => f.path !== path);
    await this.replace([{ path, name: basename(path), openedAt: now }, ...rest]);
  }

  /** Forgets `path` (it was moved or deleted). */
  async remove(path: string): Promise<void> {
    await this.replace((await this.list()).filter((f) => f.path !== path));
  }

  /** Forgets every notebook. */
  async clear(): Promise<void> {
    await this.replace([]);
  }

  /** Calls `listener` with the new list after each change. Returns an unsubscribe function. */
  onChange(listener: (files: RecentFile[]) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private async replace(files: RecentFile[]): Promise<void> {
    this.files = files.slice(0, this.limit);
    const snapshot = [...this.files];
    this.writing = this.writing
      .then(() => writeJsonFile(this.file, { version: 1, files: snapshot }))
      .catch((e: unknown) => console.warn('pairbook: cannot save recent files', e));
    for (const l of this.listeners) l([...snapshot]);
    await this.writing;
  }
}
