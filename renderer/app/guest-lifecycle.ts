// A guest's page from joining to leaving: waiting to be let in (or turned away), the role the
// host gives, the code to read aloud, the first sync, being cut off, and the end of the session,
// after which the guest keeps a read-only copy. The host's own window has none of this.
import * as awarenessProtocol from 'y-protocols/awareness';
import { serializeNotebook } from '../../protocol/ydoc-nbformat';
import { h } from '../chrome/modal';
import type { Toolbar } from '../chrome/toolbar';
import type { ConnectionStatus, HubClient } from '../connection/hub-client';
import type { Platform } from '../platform/platform';
import type { GuestConnection, GuestEvents, GuestStatus } from '../sharing/guest-connection';
import type { ParticipantsPanel } from '../sharing/participants';
import { testEvent } from '../test-hook';
import { downloadCopy } from './copies';
import type { Feedback } from './feedback';
import { describeFailure } from './guest-failure';
import type { JoinProgress } from './join-progress';
import type { Permissions } from './permissions';

/** What a guest's lifecycle shows itself in. */
export interface GuestPage {
  guest: GuestConnection;
  client: HubClient;
  platform: Platform;
  toolbar: Toolbar;
  participants: ParticipantsPanel;
  permissions: Permissions;
  progress: JoinProgress;
  feedback: Feedback;
  /** Where the end of the session is said, with the copy to save. */
  endedBanner: HTMLElement;
}

/** A guest's connection to someone's session, as the page shows it. */
export class GuestLifecycle {
  /** Synced once: the notebook is (about to be) on screen. */
  private inSession = false;
  /** The session ended: the page holds a read-only copy. */
  private over = false;
  /** The host turned this guest away (denied, revoked, expired): no retry is coming. */
  private turnedAway = false;
  private settleFirstSync: (synced: boolean) => void = () => {};

  constructor(
    private readonly page: GuestPage,
    signal: AbortSignal,
  ) {
    const { guest, toolbar, permissions } = page;
    const on = <K extends keyof GuestEvents>(name: K, listener: GuestEvents[K]) => {
      guest.on(name, listener);
      signal.addEventListener('abort', () => guest.off(name, listener));
    };
    if (guest.role === null) toolbar.setAwaitingAdmission(true);
    on('welcome', this.onWelcome);
    on('role', (role) => permissions.set(role));
    on('code', this.showCode);
    on('bye', this.onBye);
    on('status', this.onGuestStatus);
    on('progress', (received, total) => {
      if (page.client.status !== 'synced') page.progress.showBytes(received, total);
    });
    if (guest.code) this.showCode(guest.code);
  }

  /** Resolves once the notebook first synced (true), or the host turned this guest away. */
  firstSync(): Promise<boolean> {
    const { client, guest, progress } = this.page;
    if (client.status === 'synced') return Promise.resolve((this.inSession = true));
    return new Promise((resolve) => {
      const onStatus = (status: ConnectionStatus, reason: string | null) => {
        if (status !== 'synced') return progress.show(status, reason);
        client.off('status', onStatus);
        this.inSession = true;
        resolve(true);
      };
      client.on('status', onStatus);
      this.settleFirstSync = (synced) => {
        client.off('status', onStatus);
        resolve(synced);
      };
      progress.show(guest.status === 'offline' ? 'connecting' : guest.status, null);
    });
  }

  /**
   * Follows the connection's status; false when the toolbar has nothing more to show (the
   * session is over, or just ended with this status).
   */
  onConnection(status: ConnectionStatus, reason: string | null): boolean {
    if (this.over || this.turnedAway) return false;
    const { guest, participants } = this.page;
    if (this.inSession && status === 'offline' && reason) {
      const failure = describeFailure(guest.failure);
      if (failure.endsSession) {
        this.end(failure.title, reason);
        return false;
      }
    }
    participants.setSelfState(status === 'offline' ? 'reconnecting' : 'connected');
    return true;
  }

  private onWelcome: GuestEvents['welcome'] = (welcome) => {
    const { participants, toolbar, platform, permissions } = this.page;
    participants.setSelfPeer(welcome.peerId);
    toolbar.setAwaitingAdmission(false);
    if (welcome.notebook) {
      toolbar.setName(welcome.notebook);
      void platform.desktop.setWindowTitle(`${welcome.notebook} — Pairbook`);
    }
    permissions.set(welcome.role);
  };

  private showCode = (code: string): void => {
    this.page.participants.setSelfCode(code);
    this.page.progress.showCode(code);
    testEvent({ type: 'code', code });
  };

  /** Before the first sync: where joining stands; turned away for good, nothing reconnects. */
  private onGuestStatus = (status: GuestStatus, reason: string | null): void => {
    const { client, progress, toolbar } = this.page;
    if (client.status === 'synced') return;
    progress.show(status, reason);
    if (status !== 'refused') return;
    this.turnedAway = true;
    toolbar.setConnectionEnded();
    this.settleFirstSync(false);
    client.destroy();
  };

  /**
   * A guest the host cut off for one of its bounds is told why; its connection comes back by
   * itself. A removal or the end of sharing ends the session instead (onConnection).
   */
  private onBye: GuestEvents['bye'] = (code, reason) => {
    if (this.over || describeFailure(this.page.guest.failure).endsSession) return;
    this.page.feedback.toasts.show(`The host closed your connection: ${reason}`, 'warning');
    testEvent({ type: 'bye', code, reason });
  };

  /** The host stopped sharing or removed this guest: a read-only copy stays, to save. */
  private end(title: string, reason: string): void {
    const { guest, client, permissions, participants, toolbar, endedBanner } = this.page;
    this.over = true;
    const others = [...client.awareness.getStates().keys()].filter(
      (id) => id !== client.doc.clientID,
    );
    awarenessProtocol.removeAwarenessStates(client.awareness, others, 'ended');
    guest.destroy();
    client.destroy();
    permissions.endSession();
    participants.setSelfState('ended');
    const text = h('span', '', undefined, `${title}. You have a read-only copy.`);
    const save = h('button', 'primary-button small', 'save-copy', 'Save a copy as…');
    save.addEventListener('click', () =>
      downloadCopy(serializeNotebook(client.doc), toolbar.notebookName),
    );
    endedBanner.replaceChildren(text, save);
    endedBanner.hidden = false;
    testEvent({ type: 'ended', reason });
  }
}
