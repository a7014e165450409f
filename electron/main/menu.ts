import { Menu, type MenuItemConstructorOptions, type WebContents } from 'electron';
import type { RecentFile } from '../../protocol/desktop-api';

/** What the menu asks of the app. */
export interface MenuActions {
  newNotebook(): void;
  open(): void;
  openRecent(path: string): void;
  clearRecent(): void;
  save(): void;
  saveAs(): void;
  close(): void;
  showAbout(): void;
  openDataFolder(): void;
  /** The page of the focused window, for keys the page handles itself. */
  focusedPage(): WebContents | null;
}

const isMac = process.platform === 'darwin';

/**
 * Sends a key press to the page instead of running a native command. Undo and redo must reach the
 * page's own keymap: Ctrl-Z undoes only this person's edits (a Y.UndoManager), which Chromium's
 * native undo knows nothing about.
 */
function pressKey(page: WebContents | null, keyCode: string, shift = false): void {
  if (!page) return;
  const modifiers: ('meta' | 'control' | 'shift')[] = [isMac ? 'meta' : 'control'];
  if (shift) modifiers.push('shift');
  page.sendInputEvent({ type: 'keyDown', keyCode, modifiers });
  page.sendInputEvent({ type: 'keyUp', keyCode, modifiers });
}

/**
 * The application menu: File (New, Open…, Open Recent, Save, Save As…, Close), Edit, View, Help.
 * Rebuilt whenever the recent files change. `devTools` adds View > Toggle Developer Tools.
 */
export function buildAppMenu(actions: MenuActions, recent: RecentFile[], devTools: boolean): Menu {
  const recentItems: MenuItemConstructorOptions[] = recent.length
    ? [
        ...recent.map((f) => ({ label: f.path, click: () => actions.openRecent(f.path) })),
        { type: 'separator' },
        { label: 'Clear Recent', click: () => actions.clearRecent() },
      ]
    : [{ label: 'No recent notebooks', enabled: false }];

  const file: MenuItemConstructorOptions = {
    label: '&File',
    submenu: [
      { label: '&New Notebook', accelerator: 'CmdOrCtrl+N', click: () => actions.newNotebook() },
      { label: '&Open…', accelerator: 'CmdOrCtrl+O', click: () => actions.open() },
      { label: 'Open &Recent', submenu: recentItems },
      { type: 'separator' },
      { label: '&Save', accelerator: 'CmdOrCtrl+S', click: () => actions.save() },
      { label: 'Save &As…', accelerator: 'CmdOrCtrl+Shift+S', click: () => actions.saveAs() },
      { type: 'separator' },
      { label: '&Close', accelerator: 'CmdOrCtrl+W', click: () => actions.close() },
      ...(isMac ? [] : [{ type: 'separator' } as const, { role: 'quit' } as const]),
    ],
  };
  const edit: MenuItemConstructorOptions = {
    label: '&Edit',
    submenu: [
      {
        label: '&Undo',
        accelerator: 'CmdOrCtrl+Z',
        registerAccelerator: false,
        click: () => pressKey(actions.focusedPage(), 'Z'),
      },
      {
        label: '&Redo',
        accelerator: 'CmdOrCtrl+Shift+Z',
        registerAccelerator: false,
        click: () => pressKey(actions.focusedPage(), 'Z', true),
      },
      { type: 'separator' },
      { role: 'cut' },
      { role: 'copy' },
      { role: 'paste' },
      { role: 'selectAll', registerAccelerator: false },
    ],
  };
  const view: MenuItemConstructorOptions = {
    label: '&View',
    submenu: [
      { role: 'resetZoom' },
      { role: 'zoomIn' },
      { role: 'zoomOut' },
      { type: 'separator' },
      { role: 'togglefullscreen' },
      ...(devTools ? [{ type: 'separator' } as const, { role: 'toggleDevTools' } as const] : []),
    ],
  };
  const help: MenuItemConstructorOptions = {
    label: '&Help',
    role: 'help',
    submenu: [
      { label: 'Open Data Folder', click: () => actions.openDataFolder() },
      ...(isMac ? [] : [{ label: '&About Pairbook', click: () => actions.showAbout() }]),
    ],
  };
  const template: MenuItemConstructorOptions[] = [file, edit, view, { role: 'windowMenu' }, help];
  if (isMac) template.unshift({ role: 'appMenu' });
  return Menu.buildFromTemplate(template);
}
