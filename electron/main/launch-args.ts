import { isAbsolute, resolve } from 'node:path';
import { DEEP_LINK_SCHEME } from './deep-link';

/** What a command line asks the app to open. */
export interface LaunchRequest {
  /** Notebook files, absolute. */
  files: string[];
  /** `pairbook://` links, still unvalidated. */
  links: string[];
}

/**
 * Reads the notebooks and links in a command line (`process.argv`, or the argv a second instance
 * forwards), resolving relative paths against `cwd`. Everything else (the executable, the main
 * script, Chromium switches) is ignored.
 */
export function parseLaunchArgs(argv: readonly string[], cwd: string): LaunchRequest {
  const files: string[] = [];
  const links: string[] = [];
  for (const arg of argv) {
    if (arg.toLowerCase().startsWith(`${DEEP_LINK_SCHEME}:`)) links.push(arg);
    else if (!arg.startsWith('-') && /\.ipynb$/i.test(arg)) {
      files.push(isAbsolute(arg) ? arg : resolve(cwd, arg));
    }
  }
  return { files, links };
}
