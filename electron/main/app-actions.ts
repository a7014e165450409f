import { homedir } from 'node:os';
import { dirname, join } from 'node:path';
import { app, dialog, shell } from 'electron';
import type { LaunchRequest } from './launch-args';
import type { MenuActions } from './menu';
import { createUntitledNotebook } from './new-notebook';
import type { RecentFiles } from './recent-files';
import type { NotebookWindows } from './windows';

/** Where File > New puts a notebook when no window gives a folder: `~/Pairbook`. */
export const DEFAULT_NOTEBOOK_DIR = join(homedir(), 'Pairbook');

/** The menu's actions, carried out on the notebook windows. */
export function createAppActions(windows: NotebookWindows, recent: RecentFiles): MenuActions {
  const current = () => windows.current();
  return {
    newNotebook: () => void newNotebook(windows),
    open: () =>
      void windows.chooseNotebooks(current()?.window).then((paths) => {
        for (const path of paths) void windows.open(path);
      }),
    openRecent: (path) =>
      void windows.open(path).then((w) => {
        if (!w) void recent.remove(path);
      }),
    clearRecent: () => void recent.clear(),
    save: () => void current()?.save(),
    saveAs: () => void current()?.saveCopy(),
    close: () => current()?.window.close(),
    showAbout: () =>
      void dialog.showMessageBox({
        type: 'info',
        message: `Pairbook ${app.getVersion()}`,
        detail: 'Pair programming on Jupyter notebooks.',
      }),
    openDataFolder: () => void shell.openPath(app.getPath('userData')),
    focusedPage: () => current()?.window.webContents ?? null,
  };
}

/**
 * File > New: creates `Untitled.ipynb` (never overwriting) beside the current window's notebook,
 * as JupyterLab creates it in the folder you are in, or in DEFAULT_NOTEBOOK_DIR; and opens it.
 */
export async function newNotebook(windows: NotebookWindows): Promise<void> {
  const here = windows.current();
  const dir = here ? dirname(here.path) : DEFAULT_NOTEBOOK_DIR;
  try {
    await windows.open(await createUntitledNotebook(dir));
  } catch (e) {
    dialog.showErrorBox('Cannot create a notebook', `${(e as Error).message}`);
  }
}

/**
 * Opens what the app was launched with: the notebooks on the command line, else the notebooks
 * open when it last quit, else asks what to do (new, open, or quit), unless `joining`: the
 * launch carries an invite link, which opens a guest window of its own.
 */
export async function openAtLaunch(
  windows: NotebookWindows,
  request: LaunchRequest,
  restored: string[],
  joining = false,
): Promise<void> {
  for (const path of request.files.length ? request.files : restored) await windows.open(path);
  if (windows.count === 0 && !joining) await welcome(windows);
}

/** Asks someone with no notebook open what to do; quits when they choose to. */
export async function welcome(windows: NotebookWindows): Promise<void> {
  const { response } = await dialog.showMessageBox({
    type: 'question',
    message: 'Welcome to Pairbook',
    detail: 'Open a Jupyter notebook, or start a new one.',
    buttons: ['New Notebook', 'Open…', 'Quit'],
    defaultId: 0,
    cancelId: 2,
  });
  if (response === 0) await newNotebook(windows);
  else if (response === 1) {
    for (const path of await windows.chooseNotebooks()) await windows.open(path);
  }
  if (windows.count === 0) app.quit();
}
