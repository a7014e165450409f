import * as awarenessProtocol from 'y-protocols/awareness';
import type { FileState, SharingState } from '../protocol/desktop-api';
import { type Role, can, describeRole } from '../protocol/roles';
import { serializeNotebook } from '../protocol/ydoc-nbformat';
import { confirmAction } from './chrome/confirm-dialog';
import { h } from './chrome/modal';
import { openFileChangedDialog } from './chrome/file-changed-dialog';
import { openJupyterServerDialog } from './chrome/jupyter-server-dialog';
import { applyTheme, effectiveTheme, storedTheme } from './chrome/theme';
import { Toasts } from './chrome/toasts';
import { Toolbar } from './chrome/toolbar';
import type { HubClient } from './connection/hub-client';
import { FindBar } from './notebook/find-bar';
import { watchInterrupt } from './notebook/interrupt-watch';
import { NotebookView } from './notebook/notebook-view';
import type { Platform } from './platform/platform';
import type { GuestConnection } from './sharing/guest-connection';
import { openJoinDialog, rememberedName } from './sharing/join-dialog';
import { ParticipantsPanel } from './sharing/participants';
import { openShareDialog } from './sharing/share-dialog';
import { exposeDocForTests, testEvent } from './test-hook';

/** A colour for this person's cursor, picked once per tab. */
const CURSOR_COLOURS = ['#2563eb', '#db2777', '#059669', '#d97706', '#7c3aed', '#0891b2'];

/**
 * A name for this person's cursor until they give one: chosen once per browser, and kept apart
 * from the name they typed into Join (rememberedName), which it must never pre-fill.
 */
function guestName(): string {
  const key = 'pairbook:placeholder-name';
  const stored = localStorage.getItem(key);
  if (stored) return stored;
  const names = ['Otter', 'Heron', 'Lynx', 'Marten', 'Puffin', 'Ibex', 'Kestrel', 'Newt'];
  const name = `Guest ${names[Math.floor(Math.random() * names.length)]}`;
  localStorage.setItem(key, name);
  return name;
}

/** Close reasons after which a guest's session is over (the hub says so in its bye). */
const SESSION_OVER = /stopped sharing|removed you|revoked/;

/** A heading for why joining failed, from the host's (or the network's) reason. */
export function joinFailure(reason: string): string {
  if (/expired/.test(reason)) return 'This invite has expired';
  if (/revoked the link you joined/.test(reason))
    return 'The host removed you and revoked the link you joined with';
  if (/revoked/.test(reason)) return 'This invite was revoked';
  if (/removed you/.test(reason)) return 'The host removed you from this session';
  if (/did not let you in|did not answer in time/.test(reason))
    return 'The host did not let you in';
  if (/stopped sharing/.test(reason)) return 'The host stopped sharing';
  return 'Cannot reach the host';
}

/** Options of startApp. */
export interface AppOptions {
  /** Ends this app (a guest starting over with a fresh copy): its listeners and views go. */
  signal?: AbortSignal;
  /**
   * Why a guest started over, shown in a banner; `copy` is their replica from before, as an
   * .ipynb to save (null when there is nothing worth keeping).
   */
  startedOver?: { message: string; copy: string | null };
}

/**
 * The notebook editor around `client` (already connecting to the host): shows the toolbar, waits
 * for the first sync, then shows the notebook and the find bar, and wires requests, notices and
 * file state to them. `guest` is the guest's connection when this page joined someone's session
 * (null in the host's own window): the role then comes from the host and may change at any time.
 */
export async function startApp(
  root: HTMLElement,
  platform: Platform,
  client: HubClient,
  guest: GuestConnection | null = null,
  options: AppOptions = {},
): Promise<void> {
  const signal = options.signal ?? new AbortController().signal;
  applyTheme(storedTheme());
  const toasts = new Toasts();
  const say = (message: string, level: 'info' | 'warning' | 'error' = 'info') => {
    toasts.show(message, level);
    testEvent({ type: 'toast', message, level });
  };
  let colour = CURSOR_COLOURS[Math.floor(Math.random() * CURSOR_COLOURS.length)] as string;
  const setUser = (name: string) =>
    client.awareness.setLocalStateField('user', { name, color: colour, colorLight: `${colour}33` });
  // Once the others are known, take a colour none of them has (while one is free).
  const pickFreeColour = () => {
    const taken = new Set(
      [...client.awareness.getStates()]
        .filter(([id]) => id !== client.doc.clientID)
        .map(([, s]) => (s.user as { color?: string } | undefined)?.color),
    );
    const free = CURSOR_COLOURS.find((c) => !taken.has(c));
    if (!taken.has(colour) || !free) return;
    colour = free;
    const user = client.awareness.getLocalState()?.user as { name?: string } | undefined;
    setUser(user?.name ?? guestName());
  };
  setUser(guest ? rememberedName() || guestName() : guestName());
  let role: Role = guest ? (guest.role ?? 'viewer') : 'host';
  let ended = false;
  /** The host turned this guest away (denied, revoked, expired): no retry is coming. */
  let refused = false;
  let sharing: SharingState | null = null;
  const sharingListeners = new Set<(s: SharingState) => void>();

  let notebook: NotebookView | null = null;
  let syncBytes: { received: number; total: number } | null = null;
  let syncFrame = 0;
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
  // A save that finds the file changed on disk asks the host what to do; a guest is told the
  // host decides. `force` overwrites (the host's choice).
  const save = async (force = false) => {
    toolbar.setFileState('saving');
    const reply = await client.request({ type: 'save', ...(force ? { force } : {}) });
    const { ok, message = null, code = null } = reply;
    testEvent({ type: 'reply', request: 'save', ok, message, code, force });
    if (ok) fileState = { ...fileState, dirty: false, error: null, savedAt: Date.now() };
    else if (code === 'file-changed' && !guest) void decideChangedFile();
    else toasts.show(`Cannot save: ${message ?? 'refused by the host'}`, 'warning');
    toolbar.setFileState(code === 'file-changed' ? { ...fileState, error: message } : fileState);
  };
  // The host's choice for a file changed on disk: overwrite it, load it for everyone, or later.
  const decideChangedFile = async () => {
    const name = toolbar.element.querySelector('[data-testid="notebook-name"]')?.textContent;
    const choice = await openFileChangedDialog(name || 'The notebook');
    if (choice === 'overwrite') await save(true);
    else if (choice === 'reload' && (await request('Cannot load the file', { type: 'reload' }))) {
      fileState = { ...fileState, dirty: false, error: null, savedAt: Date.now() };
      toolbar.setFileState(fileState);
      say(`Loaded ${name || 'the notebook'} from disk`);
    }
  };

  // Join someone else's session: the person confirms the link and their name, then the shell
  // opens the guest page (a new tab, or an Electron guest window), which does not ask again.
  const join = async (link = '', fromOutside = false) => {
    const choice = await openJoinDialog(link, { handOff: true, fromOutside });
    if (!choice) return;
    const opened = await platform.desktop.openGuestSession(choice.link);
    if (!opened.ok) say(`Cannot join: ${opened.error}`, 'warning');
  };
  const toolbar = new Toolbar(client.doc, (action) => {
    if (action === 'share') {
      openShareDialog(
        platform.desktop,
        sharing,
        (l) => {
          sharingListeners.add(l);
          return () => sharingListeners.delete(l);
        },
        say,
      );
      return;
    }
    if (action === 'join') {
      void join();
      return;
    }
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
  toolbar.onKernelChosen(
    (name) => void request('Cannot change the kernel', { type: 'change-kernel', name }),
  );
  const scroller = document.createElement('main');
  scroller.className = 'notebook-scroll';
  scroller.dataset.testid = 'notebook-scroll';
  const loading = document.createElement('div');
  loading.className = 'loading';
  loading.dataset.testid = 'loading';
  loading.textContent = 'Opening notebook…';
  scroller.append(loading);
  const ended_banner = h('div', 'session-ended', 'session-ended');
  ended_banner.hidden = true;
  const workspace = h('div', 'workspace');
  const participants = new ParticipantsPanel({
    awareness: client.awareness,
    doc: client.doc,
    scroller,
    desktop: guest ? null : platform.desktop,
    cellNumber: (id) => {
      const i = notebook?.cellViews.findIndex((v) => v.id === id) ?? -1;
      return i >= 0 ? i + 1 : null;
    },
    cellElement: (id) => notebook?.cellById(id)?.element ?? null,
    say,
  });
  participants.element.hidden = !guest;
  workspace.append(scroller, participants.element);
  root.append(toolbar.element, ended_banner, participants.follow.banner, workspace, toasts.element);
  if (options.startedOver) showStartedOver(options.startedOver);
  let findBar: FindBar | null = null;

  // What this person may do follows their role, at once: editors read-only for viewers, Run
  // absent for viewers and explained for editors.
  const applyRole = (next: Role) => {
    role = ended ? 'viewer' : next;
    root.dataset.role = role;
    notebook?.setPermissions({ edit: can(role, 'edit'), moveOutputs: role === 'host' });
    if (guest) {
      toolbar.setRole(ended ? 'read-only copy' : role, describeRole(role));
      // A guest the host has not let in yet has no role to show others.
      if (guest.role !== null || ended) client.awareness.setLocalStateField('role', role);
    } else client.awareness.setLocalStateField('role', 'host');
    const runTitle = can(role, 'run')
      ? 'Run the selected cells and advance (Shift-Enter)'
      : 'The host has not allowed you to run cells';
    toolbar.element.querySelector('[data-testid="run-button"]')?.setAttribute('title', runTitle);
    testEvent({ type: 'role', role });
  };
  const mayRun = (): boolean => {
    if (can(role, 'run')) return true;
    const message = ended
      ? 'The session has ended: this is a read-only copy'
      : role === 'editor'
        ? 'The host has not allowed you to run cells: you are an editor. Ask the host to make you a runner.'
        : 'You are a viewer: you can read the notebook but not run it';
    say(message, 'warning');
    testEvent({ type: 'refused-locally', what: 'run', role });
    return false;
  };
  const restartKernel = () =>
    void confirmAction({
      title: 'Restart the kernel?',
      text: 'All variables are lost, and cells running or waiting to run are stopped.',
      confirm: 'Restart',
      testId: 'confirm-restart',
    }).then((yes) => yes && request('Cannot restart', { type: 'restart' }));
  // A run refused because the kernel died offers the restart it needs.
  const runCells = async (cellIds: string[]) => {
    const { ok, message = null, code = null } = await client.request({ type: 'run', cellIds });
    testEvent({ type: 'reply', request: 'run', ok, message, code });
    if (ok) return;
    const restart = { label: 'Restart the kernel…', testId: 'restart-dead', run: restartKernel };
    toasts.show(`Cannot run: ${message ?? 'refused by the host'}`, 'warning', [
      ...(code === 'kernel-dead' ? [restart] : []),
    ]);
  };
  // A cell that goes on running after an interrupt gets a way out, rather than a silent button.
  let stopWatchingInterrupt = () => {};
  const interruptKernel = () => {
    stopWatchingInterrupt();
    void request('Cannot interrupt', { type: 'interrupt' }).then((ok) => {
      if (!ok) return;
      stopWatchingInterrupt = watchInterrupt(client.doc, (cell) =>
        toasts.show(
          `Cell ${cell} is still running after the interrupt: its code may catch or ignore it.`,
          'warning',
          [
            { label: 'Interrupt again', testId: 'interrupt-again', run: interruptKernel },
            { label: 'Restart the kernel…', testId: 'restart-instead', run: restartKernel },
          ],
        ),
      );
    });
  };
  if (guest) {
    if (guest.role === null) toolbar.setAwaitingAdmission(true);
    guest.on('welcome', (w) => {
      participants.setSelfPeer(w.peerId);
      toolbar.setAwaitingAdmission(false);
      if (w.notebook) {
        toolbar.setName(w.notebook);
        void platform.desktop.setWindowTitle(`${w.notebook} — Pairbook`);
      }
      applyRole(w.role);
    });
    guest.on('role', (r) => applyRole(r));
    const showCode = (code: string) => {
      participants.setSelfCode(code);
      loading.querySelector('[data-testid="join-code"]')?.replaceChildren(codeText(code));
      testEvent({ type: 'code', code });
    };
    guest.on('code', showCode);
    if (guest.code) showCode(guest.code);
  } else {
    toolbar.showHostSharing();
    toolbar.kernelPicker.offerSources({
      connect: () =>
        openJupyterServerDialog(async (url, token) => {
          const reply = await client.request({ type: 'kernel-server', url, token });
          const { ok, message = null } = reply;
          testEvent({ type: 'reply', request: 'kernel-server', ok, message });
          return ok ? null : (message ?? 'refused by the host');
        }),
      useLocal: () =>
        void request('Cannot use this computer’s kernels', {
          type: 'kernel-server',
          url: null,
          token: '',
        }),
    });
    // A pairbook:// link the system handed the app is untrusted: the person sees it and decides.
    platform.onDesktopEvent('join-link', (link) => void join(link.href, true));
    platform.onDesktopEvent('sharing', (state) => {
      const fresh =
        sharing !== null && state.change && state.change.seq > (sharing.change?.seq ?? 0);
      sharing = state;
      participants.setSharing(state);
      participants.element.hidden = !state.active && state.guests.length === 0;
      if (fresh && state.change) say(state.change.text);
      for (const l of sharingListeners) l(state);
      testEvent({ type: 'sharing', active: state.active, guests: state.guests.length });
    });
  }
  applyRole(role);

  // A guest whose host stopped sharing (or removed them) keeps a read-only copy to save.
  const end = (reason: string) => {
    if (ended || !guest) return;
    ended = true;
    const others = [...client.awareness.getStates().keys()].filter(
      (id) => id !== client.doc.clientID,
    );
    awarenessProtocol.removeAwarenessStates(client.awareness, others, 'ended');
    guest.destroy();
    client.destroy();
    applyRole('viewer');
    participants.setSelfState('ended');
    const text = h('span', '', undefined, `${joinFailure(reason)}. You have a read-only copy.`);
    const save = h('button', 'primary-button small', 'save-copy', 'Save a copy as…');
    save.addEventListener('click', () => downloadCopy(serializeNotebook(client.doc), toolbar));
    ended_banner.replaceChildren(text, save);
    ended_banner.hidden = false;
    testEvent({ type: 'ended', reason });
  };

  platform.onDesktopEvent('file-state', (state) => {
    fileState = state;
    toolbar.setFileState(state);
    testEvent({ type: 'file-state', ...state });
  });
  client.on('status', (status, reason) => {
    if (ended || refused) return;
    if (guest && status === 'offline' && reason && SESSION_OVER.test(reason) && notebook) {
      return end(reason);
    }
    toolbar.setConnection(status, reason);
    if (guest) participants.setSelfState(status === 'offline' ? 'reconnecting' : 'connected');
    testEvent({ type: 'connection', status, reason });
  });
  // A guest the host cut off (a bound of guest-limits, not a removal or the end of sharing,
  // which end the session above) is told why; its connection comes back by itself.
  const onBye = (code: string, reason: string) => {
    if (!ended && code !== 'removed' && code !== 'stopped') {
      toasts.show(`The host closed your connection: ${reason}`, 'warning');
      testEvent({ type: 'bye', code, reason });
    }
  };
  guest?.on('bye', onBye);
  signal.addEventListener('abort', () => guest?.off('bye', onBye));
  client.on('notice', (notice) => {
    if (notice.type === 'notice' && notice.code === 'file-changed' && !guest) {
      void decideChangedFile();
    } else if (notice.type === 'notice') toasts.show(notice.message, notice.level);
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
    // The name this person chose when joining others wins over their OS account name.
    if (info.ok && info.value.userName && !guest) setUser(rememberedName() || info.value.userName);
    toolbar.setName(name);
    void platform.desktop.setWindowTitle(`${name} — Pairbook`);
  });

  toolbar.setConnection(client.status, null);
  // The first sync may have finished while this module loaded.
  if (client.status !== 'synced') {
    const synced = await new Promise<boolean>((resolve) => {
      const onStatus = (status: string, reason: string | null) => {
        if (status === 'synced') {
          client.off('status', onStatus);
          resolve(true);
        } else if (guest) showJoinProgress(status, reason);
      };
      client.on('status', onStatus);
      guest?.on('status', (s, reason) => {
        if (client.status === 'synced') return;
        showJoinProgress(s, reason);
        if (s === 'refused') {
          // Turned away for good: nothing is reconnecting.
          refused = true;
          toolbar.setConnectionEnded();
          client.off('status', onStatus);
          client.destroy();
          resolve(false);
        }
      });
      guest?.on('progress', (received, total) => {
        if (client.status !== 'synced') showSyncProgress(received, total);
      });
      if (guest) showJoinProgress(guest.status === 'offline' ? 'connecting' : guest.status, null);
    });
    if (!synced) return;
  }

  const view: NotebookView = new NotebookView(client.doc, client.awareness, scroller, {
    run: (cellIds) => mayRun() && void runCells(cellIds),
    save: () => void save(),
    interrupt: () => mayRun() && interruptKernel(),
    restart: () => mayRun() && restartKernel(),
    find: () => findBar?.open(),
    rendered: (cellId) => testEvent({ type: 'rendered', cellId }),
    activeCell: (cellId) => {
      if (!ended) client.awareness.setLocalStateField('activeCell', cellId);
      participants.refresh();
    },
    readOnlyRefused: () =>
      say(
        ended
          ? 'The session has ended: this is a read-only copy'
          : 'You are a viewer: ask the host for the editor role to change the notebook',
        'warning',
      ),
    notify: say,
  });
  notebook = view;
  applyRole(role);
  pickFreeColour();
  findBar = new FindBar(client.doc, view);
  loading.remove();
  const page = document.createElement('div');
  page.className = 'notebook-page';
  page.append(view.element);
  scroller.append(page);
  root.insertBefore(findBar.element, workspace);
  view.showFirstScreen(scroller.clientHeight);
  signal.addEventListener('abort', () => {
    view.destroy();
    participants.destroy();
  });
  // Find and save work from anywhere in the page, as in JupyterLab.
  window.addEventListener(
    'keydown',
    (e) => {
      if (e.defaultPrevented) return;
      const mod = navigator.platform.includes('Mac') ? e.metaKey : e.ctrlKey;
      if (mod && !e.shiftKey && !e.altKey && e.key.toLowerCase() === 'f') {
        e.preventDefault();
        findBar?.open();
      } else if (mod && !e.shiftKey && !e.altKey && e.key.toLowerCase() === 's') {
        e.preventDefault();
        void save();
      }
    },
    { signal },
  );
  view.select(0);
  view.enterCommandMode();
  performance.mark('pairbook:first-screen');
  exposeDocForTests(client.doc);
  testEvent({ type: 'synced' });

  /** Why this guest started over with the host's copy, and their old copy to save. */
  function showStartedOver(info: NonNullable<AppOptions['startedOver']>): void {
    const banner = h('div', 'session-ended started-over', 'started-over');
    const dismiss = h('button', 'link-button', 'started-over-dismiss', 'Dismiss');
    dismiss.addEventListener('click', () => banner.remove());
    banner.append(h('span', '', 'started-over-text', info.message));
    if (info.copy !== null) {
      const copy = info.copy;
      const save = h('button', 'primary-button small', 'save-old-copy', 'Save my old copy as…');
      save.addEventListener('click', () => downloadCopy(copy, toolbar));
      banner.append(save);
    }
    banner.append(dismiss);
    root.insertBefore(banner, workspace);
    testEvent({ type: 'restarted', message: info.message, copy: info.copy !== null });
  }

  /** Connecting, waiting to be let in, syncing, or why joining failed, in the loading area. */
  function showJoinProgress(status: string, reason: string | null): void {
    const failed = status === 'refused' || (status === 'offline' && reason !== null);
    const title =
      status === 'waiting'
        ? 'Waiting for the host to let you in…'
        : status === 'syncing' || status === 'connected'
          ? 'Syncing the notebook…'
          : failed
            ? joinFailure(reason ?? '')
            : 'Connecting to the host…';
    loading.dataset.state = failed ? (status === 'refused' ? 'failed' : 'retrying') : status;
    loading.dataset.testid = 'join-progress';
    // The host's reason, unless the heading already says it.
    const said = (reason ?? '').toLowerCase() === title.toLowerCase();
    const detail =
      status === 'refused'
        ? said
          ? 'Ask the host, then open the link again.'
          : (reason ?? '')
        : failed
          ? `${reason} — trying again…`
          : '';
    const code = h('div', 'join-code', 'join-code');
    if (guest?.code && !failed) code.append(codeText(guest.code));
    loading.replaceChildren(
      h('div', 'join-title', 'join-progress-title', title),
      h('div', 'join-detail', 'join-progress-detail', detail),
      code,
    );
    testEvent({ type: 'guest-status', status, reason, title });
  }

  /** "Syncing the notebook… 1.2 of 5.0 MB" with a bar, at most once a frame. */
  function showSyncProgress(received: number, total: number): void {
    syncBytes = { received, total };
    if (syncFrame) return;
    syncFrame = requestAnimationFrame(() => {
      syncFrame = 0;
      if (!syncBytes || notebook) return;
      let bar = loading.querySelector<HTMLProgressElement>('progress');
      if (!bar) {
        bar = h('progress', 'join-bar', 'join-progress-bar');
        loading.insertBefore(bar, loading.querySelector('[data-testid="join-code"]'));
      }
      bar.max = syncBytes.total;
      bar.value = syncBytes.received;
      const detail = loading.querySelector('[data-testid="join-progress-detail"]');
      if (detail) detail.textContent = bytesOf(syncBytes.received, syncBytes.total);
      testEvent({ type: 'sync-progress', ...syncBytes });
    });
  }
}

/** "340 of 512 kB", "1.2 of 5.0 MB". */
export function bytesOf(received: number, total: number): string {
  if (total < 1024 * 1024) {
    return `${Math.round(received / 1024)} of ${Math.round(total / 1024)} kB`;
  }
  const mb = (n: number) => (n / (1024 * 1024)).toFixed(1);
  return `${mb(received)} of ${mb(total)} MB`;
}

/** "Your code: 482 913", to read aloud with the host. */
function codeText(code: string): DocumentFragment {
  const f = document.createDocumentFragment();
  f.append('Your code ', h('b', '', 'join-code-digits', code), ' — the host sees the same code');
  return f;
}

/** Downloads `ipynb` (a guest's copy after the session ended, or from before starting over). */
function downloadCopy(ipynb: string, toolbar: Toolbar): void {
  const blob = new Blob([ipynb], { type: 'application/x-ipynb+json' });
  const a = document.createElement('a');
  a.href = URL.createObjectURL(blob);
  const name = toolbar.element.querySelector('[data-testid="notebook-name"]')?.textContent;
  a.download = name && name.endsWith('.ipynb') ? name : 'shared-notebook.ipynb';
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(a.href), 10_000);
}
