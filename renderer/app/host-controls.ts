// What only the host's own window has: sharing (the Share dialog, and who is in or knocking in
// the People panel), joining someone else's session, and choosing where kernels run.
import type { SharingState } from '../../protocol/desktop-api';
import { openJupyterServerDialog } from '../chrome/jupyter-server-dialog';
import type { Toolbar } from '../chrome/toolbar';
import type { HubClient } from '../connection/hub-client';
import type { Platform } from '../platform/platform';
import { openJoinDialog } from '../sharing/join-dialog';
import type { ParticipantsPanel } from '../sharing/participants';
import { openShareDialog } from '../sharing/share-dialog';
import { testEvent } from '../test-hook';
import type { Feedback } from './feedback';

/** The host's sharing, joining and kernel sources. */
export class HostControls {
  private sharing: SharingState | null = null;
  private readonly sharingListeners = new Set<(s: SharingState) => void>();

  constructor(
    private readonly platform: Platform,
    private readonly client: Pick<HubClient, 'request'>,
    private readonly participants: ParticipantsPanel,
    private readonly feedback: Feedback,
    toolbar: Toolbar,
  ) {
    toolbar.showHostSharing();
    toolbar.kernelPicker.offerSources({
      connect: () => openJupyterServerDialog(this.useJupyterServer),
      useLocal: () =>
        void feedback.request('Cannot use this computer’s kernels', {
          type: 'kernel-server',
          url: null,
          token: '',
        }),
    });
    // A pairbook:// link the system handed the app is untrusted: the person sees it and decides.
    platform.onDesktopEvent('join-link', (link) => void this.join(link.href, true));
    platform.onDesktopEvent('sharing', (state) => this.showSharing(state));
  }

  openShareDialog(): void {
    openShareDialog(
      this.platform.desktop,
      this.sharing,
      (listener) => {
        this.sharingListeners.add(listener);
        return () => this.sharingListeners.delete(listener);
      },
      this.feedback.say,
    );
  }

  /**
   * Joins someone else's session: the person confirms the link and their name, then the shell
   * opens the guest page (a new tab, or an Electron guest window), which does not ask again.
   */
  join = async (link = '', fromOutside = false): Promise<void> => {
    const choice = await openJoinDialog(link, { handOff: true, fromOutside });
    if (!choice) return;
    const opened = await this.platform.desktop.openGuestSession(choice.link);
    if (!opened.ok) this.feedback.say(`Cannot join: ${opened.error}`, 'warning');
  };

  /** Takes the kernels of the Jupyter server at `url`; the host's reason when refused. */
  private useJupyterServer = async (url: string, token: string): Promise<string | null> => {
    const reply = await this.client.request({ type: 'kernel-server', url, token });
    const { ok, message = null } = reply;
    testEvent({ type: 'reply', request: 'kernel-server', ok, message });
    return ok ? null : (message ?? 'refused by the host');
  };

  private showSharing(state: SharingState): void {
    const previous = this.sharing;
    const fresh =
      previous !== null && state.change && state.change.seq > (previous.change?.seq ?? 0);
    this.sharing = state;
    this.participants.setSharing(state);
    this.participants.element.hidden = !state.active && state.guests.length === 0;
    if (fresh && state.change) this.feedback.say(state.change.text);
    for (const l of this.sharingListeners) l(state);
    testEvent({ type: 'sharing', active: state.active, guests: state.guests.length });
  }
}
