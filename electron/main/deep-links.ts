import { app } from 'electron';
import { DEEP_LINK_SCHEME, type JoinLink, parseDeepLink } from './deep-link';

/**
 * Registers Pairbook as the OS handler of `pairbook://` links. In development (an unpackaged app
 * run as `electron dist/electron`) the command that reopens it is given explicitly, as Electron's
 * docs require; a packaged app registers itself. The OS may refuse (e.g. no desktop file on
 * Linux); that is reported, not fatal.
 */
export function registerDeepLinkScheme(): void {
  const registered =
    process.defaultApp && process.argv[1]
      ? app.setAsDefaultProtocolClient(DEEP_LINK_SCHEME, process.execPath, [process.argv[1]])
      : app.setAsDefaultProtocolClient(DEEP_LINK_SCHEME);
  if (!registered) {
    console.warn(
      `pairbook: could not register ${DEEP_LINK_SCHEME}:// links with the system — ` +
        'invite links will not open Pairbook until it is installed from a package',
    );
  }
}

/**
 * Receives `pairbook://` links: from `open-url` on macOS (which may fire before the app is ready,
 * so call this first thing) and, through `handle`, from the command line of this or a second
 * instance. Every link is validated; refused ones are logged with the reason and go no further.
 */
export class DeepLinks {
  private readonly queued: JoinLink[] = [];
  private deliver: ((link: JoinLink) => boolean) | null = null;

  constructor() {
    app.on('open-url', (event, url) => {
      event.preventDefault();
      this.handle(url);
    });
  }

  /** Validates `url` and routes it, or queues it until `deliverTo` is set. */
  handle(url: string): void {
    const parsed = parseDeepLink(url);
    if (!parsed.ok) {
      console.warn(`pairbook: ignored a ${DEEP_LINK_SCHEME}:// link: ${parsed.error}`);
      return;
    }
    if (!this.deliver?.(parsed.value)) this.queued.push(parsed.value);
  }

  /**
   * Routes links to `deliver`, which returns false when no window can take one yet; such links
   * wait and are offered again on the next call of `flush`.
   */
  deliverTo(deliver: (link: JoinLink) => boolean): void {
    this.deliver = deliver;
    this.flush();
  }

  /** How many valid links wait for a window. */
  get waiting(): number {
    return this.queued.length;
  }

  /** Offers the waiting links again (a window just opened). */
  flush(): void {
    const waiting = this.queued.splice(0);
    for (const link of waiting) if (!this.deliver?.(link)) this.queued.push(link);
  }
}
