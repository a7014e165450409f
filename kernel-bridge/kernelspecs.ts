import { readFile, readdir } from 'node:fs/promises';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { jupyterKernelDirs } from './jupyter-paths';
import { kernelError } from './kernel-error';

/** A kernelspec as found on disk (`kernels/<name>/kernel.json`). */
export interface KernelSpec {
  /** The folder name, lowercased as Jupyter does; what notebooks store in kernelspec.name. */
  name: string;
  displayName: string;
  language: string;
  /** Command line; `{connection_file}` is replaced by the path of the connection file. */
  argv: string[];
  /** Extra environment variables for the kernel process. */
  env: Record<string, string>;
  /** How to interrupt: 'signal' (SIGINT) or 'message' (interrupt_request on control). */
  interruptMode: 'signal' | 'message';
  /** The folder holding kernel.json and logos. */
  resourceDir: string;
  metadata: Record<string, unknown>;
}

/** Options of findKernelSpecs. */
export interface KernelSpecSearch {
  /** Also search `<sys.prefix>/share/jupyter/kernels` of this Python executable. */
  python?: string;
  /** Environment to read JUPYTER_PATH, JUPYTER_DATA_DIR, APPDATA… from; default process.env. */
  env?: NodeJS.ProcessEnv;
}

/**
 * The folders Jupyter searches for kernelspecs on this machine, earliest first (earlier wins on a
 * name clash): JUPYTER_PATH entries, the user data dir, `<python prefix>/share/jupyter`, then the
 * system dirs (jupyter-paths.ts has the rules, for every platform).
 */
export async function kernelSpecDirs(options: KernelSpecSearch = {}): Promise<string[]> {
  return jupyterKernelDirs({
    platform: process.platform,
    env: options.env ?? process.env,
    homedir: homedir(),
    pythonPrefix: options.python ? await pythonPrefix(options.python) : null,
  });
}

async function pythonPrefix(python: string): Promise<string> {
  try {
    const { stdout } = await promisify(execFile)(python, ['-c', 'import sys; print(sys.prefix)'], {
      timeout: 10_000,
    });
    return stdout.trim();
  } catch (e) {
    throw kernelError(
      'kernelspec-not-found',
      `cannot run ${python} to find its kernels (${(e as Error).message}) — choose another Python`,
    );
  }
}

/**
 * Every kernelspec Jupyter would list, sorted by name. A folder without a readable kernel.json is
 * skipped (Jupyter does the same), as is a spec whose argv is empty.
 */
export async function findKernelSpecs(options: KernelSpecSearch = {}): Promise<KernelSpec[]> {
  const found = new Map<string, KernelSpec>();
  for (const dir of await kernelSpecDirs(options)) {
    let names: string[];
    try {
      names = await readdir(dir);
    } catch {
      continue; // a missing search folder is normal
    }
    for (const folder of names) {
      const name = folder.toLowerCase();
      if (found.has(name)) continue;
      const spec = await readKernelSpec(join(dir, folder), name);
      if (spec) found.set(name, spec);
    }
  }
  return [...found.values()].sort((a, b) => a.name.localeCompare(b.name));
}

/** The kernelspec called `name`; rejects with a PairbookError saying which ones exist if absent. */
export async function findKernelSpec(
  name: string,
  options: KernelSpecSearch = {},
): Promise<KernelSpec> {
  const specs = await findKernelSpecs(options);
  const spec = specs.find((s) => s.name === name.toLowerCase());
  if (spec) return spec;
  const known = specs.map((s) => s.name).join(', ') || 'none';
  throw kernelError(
    'kernelspec-not-found',
    `no kernel named "${name}" (installed: ${known}) — install it, e.g. ` +
      '`python3 -m ipykernel install --user`, or pick another kernel',
  );
}

async function readKernelSpec(resourceDir: string, name: string): Promise<KernelSpec | null> {
  let json: Record<string, unknown>;
  try {
    json = JSON.parse(await readFile(join(resourceDir, 'kernel.json'), 'utf8'));
  } catch {
    return null; // not a kernel folder, or an unreadable one: Jupyter skips those too
  }
  const argv = Array.isArray(json.argv) ? json.argv.map(String) : [];
  if (argv.length === 0) return null;
  const env: Record<string, string> = {};
  if (json.env && typeof json.env === 'object')
    for (const [k, v] of Object.entries(json.env)) env[k] = String(v);
  return {
    name,
    displayName: typeof json.display_name === 'string' ? json.display_name : name,
    language: typeof json.language === 'string' ? json.language : '',
    argv,
    env,
    interruptMode: json.interrupt_mode === 'message' ? 'message' : 'signal',
    resourceDir,
    metadata: json.metadata && typeof json.metadata === 'object' ? { ...json.metadata } : {},
  };
}
