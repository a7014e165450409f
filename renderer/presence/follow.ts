// Following a participant, as in Live Share: while on, the cell they are in (and their cursor in
// it) stays in view. It is opt-in and visibly on (a banner with Stop), and it ends as soon as
// this person takes over: a key, the wheel, a touch or a click in the notebook. Following only
// moves this person's scroll position, never their own active cell or cursor, so two people
// following each other cannot chase one another.
import type { Awareness } from 'y-protocols/awareness';
import { h } from '../chrome/modal';

/** What following needs from the app. */
export interface FollowOptions {
  awareness: Awareness;
  /** The notebook's scrolling element. */
  scroller: HTMLElement;
  /** The element of cell `id`, built or still a placeholder box; null when there is none. */
  cellElement(id: string): HTMLElement | null;
  /** Told whenever following starts (`name`) or ends (null, with the reason in words). */
  changed(name: string | null, reason: string | null): void;
}

/** Input that means this person wants their view back. */
const TAKE_OVER_EVENTS = ['keydown', 'wheel', 'touchstart', 'pointerdown'] as const;

/** Follow mode of one window. */
export class Follow {
  /** The "Following Ada" banner; hidden while not following. */
  readonly banner = h('div', 'follow-banner', 'follow-banner');
  private target: { clientId: number; name: string } | null = null;
  private lastSeen = '';
  private frame = 0;

  constructor(private readonly o: FollowOptions) {
    this.banner.hidden = true;
    this.banner.setAttribute('role', 'status');
  }

  /** The awareness client id being followed; null when not following. */
  get following(): number | null {
    return this.target?.clientId ?? null;
  }

  /** Follows `clientId` (a participant other than this person). */
  start(clientId: number, name: string): void {
    if (clientId === this.o.awareness.clientID) return;
    if (this.target) this.detach();
    this.target = { clientId, name };
    this.lastSeen = '';
    this.o.awareness.on('change', this.onAwareness);
    for (const type of TAKE_OVER_EVENTS) {
      window.addEventListener(type, this.onTakeOver, { capture: true, passive: true });
    }
    const stop = h('button', 'link-button', 'follow-stop', 'Stop following');
    stop.type = 'button';
    stop.addEventListener('click', () => this.stop('you stopped following'));
    this.banner.replaceChildren(
      h('span', 'follow-text', 'follow-text', `Following ${name}`),
      h('span', 'follow-hint', undefined, 'type, scroll or click to take over'),
      stop,
    );
    this.banner.hidden = false;
    this.o.changed(name, null);
    this.reveal();
  }

  /** Stops following (no-op when not following); `reason` says why, in words. */
  stop(reason: string): void {
    if (!this.target) return;
    this.detach();
    this.target = null;
    this.banner.hidden = true;
    this.banner.replaceChildren();
    this.o.changed(null, reason);
  }

  destroy(): void {
    if (this.target) this.detach();
    this.target = null;
  }

  private detach(): void {
    this.o.awareness.off('change', this.onAwareness);
    for (const type of TAKE_OVER_EVENTS) {
      window.removeEventListener(type, this.onTakeOver, { capture: true });
    }
    cancelAnimationFrame(this.frame);
  }

  private onTakeOver = (e: Event): void => {
    if (e.target instanceof Node && this.banner.contains(e.target)) return;
    // The pointer takes over only in the notebook: clicks in People (another Follow, a role
    // menu) leave the view alone.
    if (e.type !== 'keydown' && !(e.target instanceof Node && this.o.scroller.contains(e.target))) {
      return;
    }
    if (e instanceof KeyboardEvent && ['Shift', 'Control', 'Alt', 'Meta'].includes(e.key)) return;
    this.stop(
      e.type === 'keydown'
        ? 'you typed'
        : e.type === 'pointerdown'
          ? 'you clicked'
          : 'you scrolled',
    );
  };

  private onAwareness = (): void => {
    const t = this.target;
    if (!t) return;
    const state = this.o.awareness.getStates().get(t.clientId);
    if (!state) return this.stop(`${t.name} left`);
    // Reveal only when where they are changed, not on every presence beat.
    const seen = JSON.stringify([state.activeCell ?? null, state.cursor ?? null]);
    if (seen === this.lastSeen) return;
    this.lastSeen = seen;
    this.reveal();
  };

  // Scrolls their cell into view, then their caret within it once the editor has drawn it (a
  // cell far away is a placeholder box until it comes near the viewport and is built).
  private reveal(): void {
    cancelAnimationFrame(this.frame);
    const t = this.target;
    if (!t) return;
    const id = this.o.awareness.getStates().get(t.clientId)?.activeCell;
    if (typeof id !== 'string') return;
    const cell = this.o.cellElement(id);
    if (!cell) return;
    cell.scrollIntoView({ block: 'nearest' });
    this.frame = requestAnimationFrame(() => {
      this.frame = requestAnimationFrame(() => {
        const caret = [...cell.querySelectorAll<HTMLElement>('.cm-ySelectionInfo')].find(
          (el) => el.textContent === t.name,
        );
        (caret ?? this.o.cellElement(id))?.scrollIntoView({ block: 'nearest' });
      });
    });
  }
}
