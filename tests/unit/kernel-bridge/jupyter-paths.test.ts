// Where Jupyter looks for kernelspecs, per platform, as jupyter_core.paths has it.
import { describe, expect, it } from 'vitest';
import {
  type JupyterPathsInput,
  jupyterDataDirs,
  jupyterKernelDirs,
  jupyterUserDataDir,
} from '../../../kernel-bridge/jupyter-paths';

const windows = (env: NodeJS.ProcessEnv, pythonPrefix?: string): JupyterPathsInput => ({
  platform: 'win32',
  env: { USERPROFILE: 'C:\\Users\\ada', ...env },
  homedir: 'C:\\Users\\fallback',
  pythonPrefix,
});
const linux = (env: NodeJS.ProcessEnv, pythonPrefix?: string): JupyterPathsInput => ({
  platform: 'linux',
  env: { HOME: '/home/ada', ...env },
  homedir: '/home/fallback',
  pythonPrefix,
});

describe('Jupyter data folders on Windows', () => {
  const APPDATA = 'C:\\Users\\ada\\AppData\\Roaming';
  const PROGRAMDATA = 'C:\\ProgramData';

  it('searches %APPDATA%\\jupyter, the Python prefix, then %PROGRAMDATA%\\jupyter', () => {
    expect(jupyterKernelDirs(windows({ APPDATA, PROGRAMDATA }, 'C:\\Python312'))).toEqual([
      'C:\\Users\\ada\\AppData\\Roaming\\jupyter\\kernels',
      'C:\\Python312\\share\\jupyter\\kernels',
      'C:\\ProgramData\\jupyter\\kernels',
    ]);
  });

  it('splits JUPYTER_PATH on semicolons, and puts it first', () => {
    const env = { APPDATA, PROGRAMDATA, JUPYTER_PATH: 'D:\\kernels one;;E:\\two' };
    expect(jupyterDataDirs(windows(env))).toEqual([
      'D:\\kernels one',
      'E:\\two',
      'C:\\Users\\ada\\AppData\\Roaming\\jupyter',
      'C:\\ProgramData\\jupyter',
    ]);
  });

  it('uses ~\\.jupyter\\data without APPDATA, and the prefix as system folder without PROGRAMDATA', () => {
    expect(jupyterDataDirs(windows({}, 'C:\\Python312'))).toEqual([
      'C:\\Users\\ada\\.jupyter\\data',
      'C:\\Python312\\share\\jupyter',
    ]);
    expect(jupyterUserDataDir(windows({ JUPYTER_CONFIG_DIR: 'D:\\cfg' }))).toBe('D:\\cfg\\data');
    expect(jupyterUserDataDir({ ...windows({}), env: {} })).toBe(
      'C:\\Users\\fallback\\.jupyter\\data',
    );
  });

  it('takes JUPYTER_DATA_DIR as it is', () => {
    expect(jupyterUserDataDir(windows({ APPDATA, JUPYTER_DATA_DIR: 'D:\\data' }))).toBe('D:\\data');
  });
});

describe('Jupyter data folders on Linux and macOS', () => {
  it('searches JUPYTER_PATH, the user folder, the prefix, then /usr/local and /usr', () => {
    expect(jupyterDataDirs(linux({ JUPYTER_PATH: '/a::/b' }, '/opt/conda'))).toEqual([
      '/a',
      '/b',
      '/home/ada/.local/share/jupyter',
      '/opt/conda/share/jupyter',
      '/usr/local/share/jupyter',
      '/usr/share/jupyter',
    ]);
  });

  it('keeps a prefix of /usr before /usr/local (the Python asked for comes first)', () => {
    expect(jupyterKernelDirs(linux({}, '/usr'))).toEqual([
      '/home/ada/.local/share/jupyter/kernels',
      '/usr/share/jupyter/kernels',
      '/usr/local/share/jupyter/kernels',
    ]);
  });

  it('puts the prefix before the user folder with JUPYTER_PREFER_ENV_PATH, unless it says no', () => {
    const dirs = (flag: string) =>
      jupyterDataDirs(linux({ JUPYTER_PREFER_ENV_PATH: flag }, '/opt/conda')).slice(0, 2);
    expect(dirs('1')).toEqual(['/opt/conda/share/jupyter', '/home/ada/.local/share/jupyter']);
    expect(dirs('Off')).toEqual(['/home/ada/.local/share/jupyter', '/opt/conda/share/jupyter']);
  });

  it('reads XDG_DATA_HOME, JUPYTER_DATA_DIR, and ~/Library/Jupyter on macOS', () => {
    expect(jupyterUserDataDir(linux({ XDG_DATA_HOME: '/xdg' }))).toBe('/xdg/jupyter');
    expect(jupyterUserDataDir(linux({ JUPYTER_DATA_DIR: '/d' }))).toBe('/d');
    expect(jupyterUserDataDir({ ...linux({}), platform: 'darwin' })).toBe(
      '/home/ada/Library/Jupyter',
    );
    expect(jupyterUserDataDir({ ...linux({}), env: {} })).toBe(
      '/home/fallback/.local/share/jupyter',
    );
  });
});
