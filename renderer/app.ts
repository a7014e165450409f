// The notebook editor around a HubClient: the toolbar, the notebook once synced, the find bar and
// the People panel, wired to the parts of the app that own each concern (app/*): saving and the
// file's state, the role and what it permits, kernel requests, the host's sharing controls, and a
// guest's way in and out of the session.
import type { HostNotice } from '../protocol/hub-messages';
import { startedOverBanner } from './app/copies';
import { Feedback } from './app/feedback';
import { GuestLifecycle } from './app/guest-lifecycle';
import { HostControls } from './app/host-controls';
import { JoinProgress } from './app/join-progress';
import { KernelRequests } from './app/kernel-requests';
import { kernelHelp } from './app/kernel-help';
import { Permissions } from './app/permissions';
import { Presence, guestName } from './app/presence';
import { Saving } from './app/saving';
import { h } from './chrome/modal';
import { applyTheme, effectiveTheme, storedTheme } from './chrome/theme';
import { Toasts } from './chrome/toasts';
import { Toolbar, type ToolbarAction } from './chrome/toolbar';
import type { HubClient } from './connection/hub-client';
import { FindBar } from './notebook/find-bar';
import { NotebookView } from './notebook/notebook-view';
import type { Platform } from './platform/platform';
import type { GuestConnection } from './sharing/guest-connection';
import { rememberedName } from './sharing/join-dialog';
import { ParticipantsPanel } from './sharing/participants';
import { exposeDocForTests, testEvent } from './test-hook';

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
  const app = new App(root, platform, client, guest, signal);
  if (options.startedOver) app.showStartedOver(options.startedOver);
  app.listen();
  const synced = app.lifecycle ? await app.lifecycle.firstSync() : await firstSync(client);
  if (synced) app.openNotebook();
}

/** One page's editor: its parts, and what connects them. */
class App {
  /** The notebook and its find bar, once synced. */
  private notebook: { view: NotebookView; findBar: FindBar } | null = null;
  private readonly feedback: Feedback;
  private readonly presence: Presence;
  private readonly toolbar: Toolbar;
  private readonly kernel: KernelRequests;
  private readonly saving: Saving;
  private readonly permissions: Permissions;
  private readonly progress: JoinProgress;
  private readonly participants: ParticipantsPanel;
  private readonly scroller = h('main', 'notebook-scroll', 'notebook-scroll');
  private readonly endedBanner = h('div', 'session-ended', 'session-ended');
  private readonly workspace = h('div', 'workspace');
  private readonly host: HostControls | null = null;
  readonly lifecycle: GuestLifecycle | null = null;

  constructor(
    private readonly root: HTMLElement,
    private readonly platform: Platform,
    private readonly client: HubClient,
    private readonly guest: GuestConnection | null,
    private readonly signal: AbortSignal,
  ) {
    const feedback = new Feedback(new Toasts(), client);
    const toolbar = new Toolbar(client.doc, (action) => this.onToolbarAction(action));
    this.feedback = feedback;
    this.toolbar = toolbar;
    this.presence = new Presence(client.awareness);
    this.presence.setName(guest ? rememberedName() || guestName() : guestName());
    this.kernel = new KernelRequests(client, feedback);
    toolbar.onKernelChosen(this.kernel.changeKernel);
    this.saving = new Saving(client, toolbar, feedback, !guest);
    this.progress = new JoinProgress(guest);
    this.scroller.append(this.progress.element);
    this.endedBanner.hidden = true;
    this.participants = this.peoplePanel();
    this.workspace.append(this.scroller, this.participants.element);
    root.append(
      toolbar.element,
      this.endedBanner,
      this.participants.follow.banner,
      this.workspace,
      feedback.toasts.element,
    );
    this.permissions = new Permissions({
      root,
      toolbar,
      awareness: client.awareness,
      guest,
      say: feedback.say,
    });
    if (guest) this.lifecycle = this.guestLifecycle(guest);
    else this.host = new HostControls(platform, client, this.participants, feedback, toolbar);
  }

  /** Why this guest started over with the host's copy, and their old copy to save. */
  showStartedOver(info: { message: string; copy: string | null }): void {
    const banner = startedOverBanner(info, () => this.toolbar.notebookName);
    this.root.insertBefore(banner, this.workspace);
  }

  /** Follows the shell's file state, the connection, the host's notices and the file name. */
  listen(): void {
    const { client, platform } = this;
    platform.onDesktopEvent('file-state', (state) => this.saving.setState(state));
    client.on('status', (status, reason) => {
      if (this.lifecycle && !this.lifecycle.onConnection(status, reason)) return;
      this.toolbar.setConnection(status, reason);
      testEvent({ type: 'connection', status, reason });
    });
    client.on('notice', (notice) => this.onNotice(notice));
    // Ask for the file name while the document syncs, not before.
    void platform.desktop.getAppInfo().then((info) => {
      const name = info.ok ? info.value.notebookName : 'Notebook';
      // The name this person chose when joining others wins over their OS account name.
      if (info.ok && info.value.userName && !this.guest) {
        this.presence.setName(rememberedName() || info.value.userName);
      }
      this.toolbar.setName(name);
      void platform.desktop.setWindowTitle(`${name} — Pairbook`);
    });
    this.toolbar.setConnection(client.status, null);
  }

  /** Shows the synced notebook, with its find bar and the page-wide keys. */
  openNotebook(): void {
    const { client, permissions, kernel, saving, feedback, scroller } = this;
    const view: NotebookView = new NotebookView(client.doc, client.awareness, scroller, {
      run: (cellIds) => permissions.mayRun() && void kernel.run(cellIds),
      save: () => void saving.save(),
      interrupt: () => permissions.mayRun() && kernel.interrupt(),
      restart: () => permissions.mayRun() && kernel.restart(),
      find: () => findBar.open(),
      rendered: (cellId) => testEvent({ type: 'rendered', cellId }),
      activeCell: (cellId) => {
        if (!permissions.sessionEnded) client.awareness.setLocalStateField('activeCell', cellId);
        this.participants.refresh();
      },
      readOnlyRefused: () => permissions.explainReadOnly(),
      notify: feedback.say,
      kernelHelp: kernelHelp(client, permissions),
    });
    const findBar = new FindBar(client.doc, view);
    this.notebook = { view, findBar };
    permissions.attach(view);
    this.presence.pickFreeColour();
    this.progress.remove();
    const page = h('div', 'notebook-page');
    page.append(view.element);
    scroller.append(page);
    this.root.insertBefore(findBar.element, this.workspace);
    view.showFirstScreen(scroller.clientHeight);
    this.signal.addEventListener('abort', () => {
      view.destroy();
      this.participants.destroy();
    });
    listenForPageKeys(findBar, saving, this.signal);
    view.select(0);
    view.enterCommandMode();
    performance.mark('pairbook:first-screen');
    exposeDocForTests(client.doc);
    testEvent({ type: 'synced' });
  }

  private guestLifecycle(guest: GuestConnection): GuestLifecycle {
    const { client, platform, toolbar, participants, permissions, progress } = this;
    const page = { guest, client, platform, toolbar, participants, permissions, progress };
    return new GuestLifecycle(
      { ...page, feedback: this.feedback, endedBanner: this.endedBanner },
      this.signal,
    );
  }

  /** The People panel: shown to guests, and to the host once sharing. */
  private peoplePanel(): ParticipantsPanel {
    const view = () => this.notebook?.view;
    const participants = new ParticipantsPanel({
      awareness: this.client.awareness,
      doc: this.client.doc,
      scroller: this.scroller,
      desktop: this.guest ? null : this.platform.desktop,
      cellNumber: (id) => {
        const i = view()?.cellViews.findIndex((v) => v.id === id) ?? -1;
        return i >= 0 ? i + 1 : null;
      },
      cellElement: (id) => view()?.cellById(id)?.element ?? null,
      say: this.feedback.say,
    });
    participants.element.hidden = !this.guest;
    return participants;
  }

  private onToolbarAction(action: ToolbarAction): void {
    if (action === 'share') return this.host?.openShareDialog();
    if (action === 'join') return void this.host?.join();
    if (!this.notebook) return;
    const { view, findBar } = this.notebook;
    if (action === 'run') view.execute('run-and-advance');
    else if (action === 'insert') view.execute('insert-below');
    else if (action === 'interrupt') view.execute('interrupt');
    else if (action === 'restart') view.execute('restart');
    else if (action === 'save') void this.saving.save();
    else if (action === 'find') findBar.open();
    else if (action === 'toggle-theme') {
      applyTheme(effectiveTheme(storedTheme()) === 'dark' ? 'light' : 'dark');
    }
  }

  private onNotice(notice: HostNotice): void {
    if (notice.type === 'input-request') {
      const view = this.notebook?.view;
      const cell = view?.cellById(notice.cellId) ?? view?.cellViews[view.activeIndex];
      if (cell) this.kernel.answerInput(cell, notice);
    } else if (notice.type === 'notice' && notice.code === 'file-changed') {
      this.saving.changedOnDisk(notice.message, notice.level);
    } else if (notice.type === 'notice') this.feedback.toasts.show(notice.message, notice.level);
  }
}

/** Resolves once `client` first synced. */
function firstSync(client: HubClient): Promise<boolean> {
  if (client.status === 'synced') return Promise.resolve(true);
  return new Promise((resolve) => {
    const onStatus = (status: string) => {
      if (status !== 'synced') return;
      client.off('status', onStatus);
      resolve(true);
    };
    client.on('status', onStatus);
  });
}

/** Find and save work from anywhere in the page, as in JupyterLab. */
function listenForPageKeys(findBar: FindBar, saving: Saving, signal: AbortSignal): void {
  const onKey = (e: KeyboardEvent) => {
    if (e.defaultPrevented) return;
    const mod = navigator.platform.includes('Mac') ? e.metaKey : e.ctrlKey;
    if (!mod || e.shiftKey || e.altKey) return;
    const key = e.key.toLowerCase();
    if (key === 'f') {
      e.preventDefault();
      findBar.open();
    } else if (key === 's') {
      e.preventDefault();
      void saving.save();
    }
  };
  window.addEventListener('keydown', onKey, { signal });
}
