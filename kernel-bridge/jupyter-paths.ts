import { posix, win32 } from 'node:path';

/** What the folders Jupyter searches depend on; all of it given, so the answer is pure. */
export interface JupyterPathsInput {
  /** process.platform of the machine the kernels are on. */
  platform: NodeJS.Platform;
  /** Its environment (JUPYTER_PATH, JUPYTER_DATA_DIR, APPDATA, PROGRAMDATA, XDG_DATA_HOME…). */
  env: NodeJS.ProcessEnv;
  /** The home folder when the environment names none (os.homedir()). */
  homedir: string;
  /** sys.prefix of the Python whose `share/jupyter` is searched too, if any. */
  pythonPrefix?: string | null;
}

/** Values of a flag variable that mean "off", as jupyter_core's envset reads them. */
const OFF = new Set(['no', 'n', 'false', 'off', '0', '0.0']);

/**
 * The data folders Jupyter searches, earliest first (earlier wins on a name clash), as
 * jupyter_core.paths.jupyter_path() has them: the JUPYTER_PATH entries, the user's data folder,
 * `<python prefix>/share/jupyter` (before the user's with JUPYTER_PREFER_ENV_PATH), then the
 * system's: /usr/local/share/jupyter and /usr/share/jupyter, or on Windows %PROGRAMDATA%\jupyter.
 * Paths are written the way `platform` writes them, whatever platform this runs on.
 */
export function jupyterDataDirs(input: JupyterPathsInput): string[] {
  const { env, platform } = input;
  const path = platform === 'win32' ? win32 : posix;
  const dirs: string[] = [];
  for (const p of (env.JUPYTER_PATH ?? '').split(path.delimiter)) if (p) dirs.push(p);
  const user = jupyterUserDataDir(input);
  const prefix = input.pythonPrefix ? path.join(input.pythonPrefix, 'share', 'jupyter') : null;
  const preferEnv = env.JUPYTER_PREFER_ENV_PATH !== undefined;
  if (prefix && preferEnv && !OFF.has(env.JUPYTER_PREFER_ENV_PATH!.toLowerCase()))
    dirs.push(prefix, user);
  else dirs.push(user, ...(prefix ? [prefix] : []));
  if (platform !== 'win32') dirs.push('/usr/local/share/jupyter', '/usr/share/jupyter');
  else if (env.PROGRAMDATA) dirs.push(path.join(env.PROGRAMDATA, 'jupyter'));
  // Without PROGRAMDATA, Jupyter's system folder is the prefix's share/jupyter, listed above.
  return [...new Set(dirs)];
}

/** The folders Jupyter searches for kernelspecs: `kernels` in each of jupyterDataDirs(). */
export function jupyterKernelDirs(input: JupyterPathsInput): string[] {
  const path = input.platform === 'win32' ? win32 : posix;
  return [...new Set(jupyterDataDirs(input).map((d) => path.join(d, 'kernels')))];
}

/**
 * The user's Jupyter data folder (jupyter_core.paths.jupyter_data_dir()): JUPYTER_DATA_DIR, else
 * ~/Library/Jupyter on macOS, %APPDATA%\jupyter on Windows (~\.jupyter\data without APPDATA),
 * $XDG_DATA_HOME/jupyter or ~/.local/share/jupyter elsewhere.
 */
export function jupyterUserDataDir({ platform, env, homedir }: JupyterPathsInput): string {
  if (env.JUPYTER_DATA_DIR) return env.JUPYTER_DATA_DIR;
  if (platform === 'win32') {
    if (env.APPDATA) return win32.join(env.APPDATA, 'jupyter');
    const configDir = env.JUPYTER_CONFIG_DIR || win32.join(env.USERPROFILE ?? homedir, '.jupyter');
    return win32.join(configDir, 'data');
  }
  const home = env.HOME ?? homedir;
  if (platform === 'darwin') return posix.join(home, 'Library', 'Jupyter');
  return posix.join(env.XDG_DATA_HOME || posix.join(home, '.local', 'share'), 'jupyter');
}
