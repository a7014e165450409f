// Where the notebook will be, until it is: "Opening notebook…", and for a guest where joining
// stands (connecting, waiting to be let in, syncing, or why it failed) with the code to read
// aloud with the host and how much of the notebook has arrived.
import { h } from '../chrome/modal';
import type { GuestConnection } from '../sharing/guest-connection';
import { testEvent } from '../test-hook';
import { describeFailure } from './guest-failure';

/** The loading area of the page. */
export class JoinProgress {
  readonly element = h('div', 'loading', 'loading', 'Opening notebook…');
  private detail: HTMLElement | null = null;
  private codeBox: HTMLElement | null = null;
  private bar: HTMLProgressElement | null = null;
  private bytes: { received: number; total: number } | null = null;
  private frame = 0;
  private done = false;

  constructor(private readonly guest: Pick<GuestConnection, 'code' | 'failure'> | null) {}

  /** Connecting, waiting to be let in, syncing, or why joining failed (the guest's failure). */
  show(status: string, reason: string | null): void {
    const failed = status === 'refused' || (status === 'offline' && reason !== null);
    const title =
      status === 'waiting'
        ? 'Waiting for the host to let you in…'
        : status === 'syncing' || status === 'connected'
          ? 'Syncing the notebook…'
          : failed
            ? describeFailure(this.guest?.failure ?? null).title
            : 'Connecting to the host…';
    this.element.dataset.state = failed ? (status === 'refused' ? 'failed' : 'retrying') : status;
    this.element.dataset.testid = 'join-progress';
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
    this.detail = h('div', 'join-detail', 'join-progress-detail', detail);
    this.codeBox = h('div', 'join-code', 'join-code');
    this.bar = null;
    if (this.guest?.code && !failed) this.codeBox.append(codeText(this.guest.code));
    this.element.replaceChildren(
      h('div', 'join-title', 'join-progress-title', title),
      this.detail,
      this.codeBox,
    );
    testEvent({ type: 'guest-status', status, reason, title });
  }

  /** The code to read aloud with the host, for this connection attempt. */
  showCode(code: string): void {
    this.codeBox?.replaceChildren(codeText(code));
  }

  /** "Syncing the notebook… 1.2 of 5.0 MB" with a bar, at most once a frame. */
  showBytes(received: number, total: number): void {
    this.bytes = { received, total };
    if (this.frame) return;
    this.frame = requestAnimationFrame(() => {
      this.frame = 0;
      if (!this.bytes || this.done) return;
      if (!this.bar) {
        this.bar = h('progress', 'join-bar', 'join-progress-bar');
        this.element.insertBefore(this.bar, this.codeBox);
      }
      this.bar.max = this.bytes.total;
      this.bar.value = this.bytes.received;
      if (this.detail) this.detail.textContent = bytesOf(this.bytes.received, this.bytes.total);
      testEvent({ type: 'sync-progress', ...this.bytes });
    });
  }

  /** The notebook is on screen. */
  remove(): void {
    this.done = true;
    this.element.remove();
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
