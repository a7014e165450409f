import type { FileState } from '../protocol/desktop-api';
import { applyTheme, effectiveTheme, storedTheme } from './chrome/theme';
import { Toasts } from './chrome/toasts';
import { Toolbar } from './chrome/toolbar';
import type { HubClient } from './connection/hub-client';
import { FindBar } from './notebook/find-bar';
import { NotebookView } from './notebook/notebook-view';
import type { Platform } from './platform/platform';
import { testEvent } from './test-hook';

/** A colour for this person's cursor, picked once per tab. */
const CURSOR_COLOURS = ['#2563eb', '#db2777', '#059669', '#d97706', '#7c3aed', '#0891b2'];

/** A name for this person's cursor until sharing gives real names: chosen once per browser. */
function guestName(): string {
  const key = 'pairbook:name';
  const stored = localStorage.getItem(key);
  if (stored) return stored;
  const names = ['Otter', 'Heron', 'Lynx', 'Marten', 'Puffin', 'Ibex', 'Kestrel', 'Newt'];
  const name = `Guest ${names[Math.floor(Math.random() * names.length)]}`;
  localStorage.setItem(key, name);
  return name;
}

/**
 * The notebook editor around `client` (already connecting to the host): shows the toolbar, waits
 * for the first sync, then shows the notebook and the find bar, and wires requests, notices and
 * file state to them.
 */
export async function startApp(
  root: HTMLElement,
  platform: Platform,
  client: HubClient,
): Promise<void> {
  applyTheme(storedTheme());
  const toasts = new Toasts();
  const colour = CURSOR_COLOURS[Math.floor(Math.random() * CURSOR_COLOURS.length)] as string;
  client.awareness.setLocalStateField('user', {
    name: guestName(),
    color: colour,
    colorLight: `${colour}33`,
  });

  let notebook: NotebookView | null = null;
  let fileState: FileState = { dirty: false, savedAt: null, error: null };
  const request = async (
    what: string,
    body: Parameters<HubClient['request']>[0],
  ): Promise<boolean> => {
    const reply = await client.request(body);
    testEvent({ type: 'reply', request: body.type, ok: reply.ok, message: reply.message ?? null });
    if (!reply.ok) toasts.show(`${what}: ${reply.message ?? 'refused by the host'}`, 'warning');
    return reply.ok;
  };
  const save = async () => {
    toolbar.setFileState('saving');
    const ok = await request('Cannot save', { type: 'save' });
    if (ok) fileState = { ...fileState, dirty: false, error: null, savedAt: Date.now() };
    toolbar.setFileState(fileState);
  };

  const toolbar = new Toolbar(client.doc, (action) => {
    if (!notebook) return;
    if (action === 'run') notebook.execute('run-and-advance');
    else if (action === 'insert') notebook.execute('insert-below');
    else if (action === 'interrupt') notebook.execute('interrupt');
    else if (action === 'restart') notebook.execute('restart');
    else if (action === 'save') void save();
    else if (action === 'find') findBar?.open();
    else if (action === 'toggle-theme') {
      applyTheme(effectiveTheme(storedTheme()) === 'dark' ? 'light' : 'dark');
    }
  });
  const scroller = document.createElement('main');
  scroller.className = 'notebook-scroll';
  scroller.dataset.testid = 'notebook-scroll';
  const loading = document.createElement('div');
  loading.className = 'loading';
  loading.dataset.testid = 'loading';
  loading.textContent = 'Opening notebook…';
  scroller.append(loading);
  root.append(toolbar.element, scroller, toasts.element);
  let findBar: FindBar | null = null;

  platform.onDesktopEvent('file-state', (state) => {
    fileState = state;
    toolbar.setFileState(state);
    testEvent({ type: 'file-state', ...state });
  });
  client.on('status', (status, reason) => {
    toolbar.setConnection(status, reason);
    testEvent({ type: 'connection', status });
  });
  client.on('notice', (notice) => {
    if (notice.type === 'notice') toasts.show(notice.message, notice.level);
    if (notice.type === 'input-request') {
      const cell = notebook?.cellById(notice.cellId) ?? notebook?.cellViews[notebook.activeIndex];
      if (!cell) return;
      void cell.askInput(notice.prompt, notice.password).then((value) =>
        request('Cannot answer the prompt', {
          type: 'input-reply',
          inputId: notice.inputId,
          value,
        }),
      );
    }
  });

  // Ask for the file name while the document syncs, not before.
  void platform.desktop.getAppInfo().then((info) => {
    const name = info.ok ? info.value.notebookName : 'Notebook';
    toolbar.setName(name);
    void platform.desktop.setWindowTitle(`${name} — Pairbook`);
  });

  toolbar.setConnection(client.status, null);
  // The first sync may have finished while this module loaded.
  if (client.status !== 'synced') {
    await new Promise<void>((resolve) => {
      const onStatus = (status: string) => {
        if (status !== 'synced') return;
        client.off('status', onStatus);
        resolve();
      };
      client.on('status', onStatus);
    });
  }

  const view: NotebookView = new NotebookView(client.doc, client.awareness, scroller, {
    run: (cellIds) => void request('Cannot run', { type: 'run', cellIds }),
    save: () => void save(),
    interrupt: () => void request('Cannot interrupt', { type: 'interrupt' }),
    restart: () => void request('Cannot restart', { type: 'restart' }),
    find: () => findBar?.open(),
    rendered: (cellId) => testEvent({ type: 'rendered', cellId }),
  });
  notebook = view;
  findBar = new FindBar(client.doc, view);
  loading.remove();
  const page = document.createElement('div');
  page.className = 'notebook-page';
  page.append(view.element);
  scroller.append(page);
  root.insertBefore(findBar.element, scroller);
  view.showFirstScreen(scroller.clientHeight);
  // Find and save work from anywhere in the page, as in JupyterLab.
  window.addEventListener('keydown', (e) => {
    if (e.defaultPrevented) return;
    const mod = navigator.platform.includes('Mac') ? e.metaKey : e.ctrlKey;
    if (mod && !e.shiftKey && !e.altKey && e.key.toLowerCase() === 'f') {
      e.preventDefault();
      findBar?.open();
    } else if (mod && !e.shiftKey && !e.altKey && e.key.toLowerCase() === 's') {
      e.preventDefault();
      void save();
    }
  });
  view.select(0);
  view.enterCommandMode();
  performance.mark('pairbook:first-screen');
  testEvent({ type: 'synced' });
}
