import { readJsonFile, writeJsonFile } from './json-file';

/**
 * The notebooks open when the app last ran, reopened on the next launch (`open-windows.json` in
 * the app's data folder). The list follows windows as they open and close; once the app starts
 * quitting it is frozen, so quitting with three windows open restores all three. Closing the last
 * window on Linux and Windows quits the app, so that window is kept too, as browsers do.
 */
export class SessionRestore {
  private paths: string[] = [];
  private frozen = false;
  private writing: Promise<void> = Promise.resolve();

  constructor(
    private readonly file: string,
    private readonly keepLastWindow = process.platform !== 'darwin',
  ) {}

  /** The paths to reopen, in the order their windows opened. */
  async read(): Promise<string[]> {
    const stored = (await readJsonFile(this.file)) as { paths?: unknown } | null;
    const paths = Array.isArray(stored?.paths) ? stored.paths : [];
    return paths.filter((p): p is string => typeof p === 'string');
  }

  /** Records that a window now shows `path`. */
  opened(path: string): Promise<void> {
    if (this.frozen || this.paths.includes(path)) return this.writing;
    return this.write([...this.paths, path]);
  }

  /** Records that the window of `path` closed; `remaining` windows are still open. */
  closed(path: string, remaining: number): Promise<void> {
    if (this.frozen || (remaining === 0 && this.keepLastWindow)) return this.writing;
    return this.write(this.paths.filter((p) => p !== path));
  }

  /** Stops following windows: the app is quitting and its windows are closing one by one. */
  freeze(): Promise<void> {
    this.frozen = true;
    return this.writing;
  }

  private write(paths: string[]): Promise<void> {
    this.paths = paths;
    this.writing = this.writing
      .then(() => writeJsonFile(this.file, { version: 1, paths }))
      .catch((e: unknown) => console.warn('pairbook: cannot save the list of open notebooks', e));
    return this.writing;
  }
}
