// Page objects for sharing: the host's Share dialog and participants list, and guests who join
// by link in their own browser context (own storage, as a separate person would have).
import type { Browser, BrowserContext, Page } from '@playwright/test';
import { expect } from '@playwright/test';
import { NotebookPage } from './notebook-page';

/** A role an invite can give. */
export type GuestRole = 'viewer' | 'editor' | 'runner';

/** The host's page, with its sharing controls. */
export class HostSharing {
  constructor(readonly nb: NotebookPage) {}

  get page(): Page {
    return this.nb.page;
  }

  /** Opens the Share dialog, makes a link for `role` and returns it (the browser form). */
  async createLink(role: GuestRole, options: { ask?: boolean } = {}): Promise<string> {
    await this.page.getByTestId('share-button').click();
    const dialog = this.page.getByTestId('share-dialog');
    await expect(dialog).toBeVisible();
    await dialog.getByTestId(`share-role-${role}`).click();
    const ask = dialog.getByTestId('share-ask');
    if ((options.ask ?? false) !== (await ask.isChecked())) await ask.click();
    await dialog.getByTestId('share-create').click();
    const field = dialog.getByTestId('share-link');
    await expect(field).toHaveValue(/\/join#/);
    const link = await field.inputValue();
    await dialog.getByTestId('share-done').click();
    await expect(dialog).toBeHidden();
    return link;
  }

  /** The participants list row of `name`. */
  participant(name: string) {
    return this.page
      .getByTestId('participant')
      .filter({ has: this.page.getByText(name, { exact: false }) });
  }
}

/** A guest: its own browser context and page. */
export class Guest {
  private constructor(
    readonly context: BrowserContext,
    readonly nb: NotebookPage,
    readonly errors: string[],
  ) {}

  /** A fresh context (own localStorage) for a person called `name`. */
  static async open(browser: Browser): Promise<Guest> {
    const context = await browser.newContext();
    const page = await context.newPage();
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(`uncaught: ${e.message}`));
    page.on('console', (m) => {
      if (m.type() === 'error') errors.push(`console: ${m.text()}`);
    });
    return new Guest(context, new NotebookPage(page), errors);
  }

  get page(): Page {
    return this.nb.page;
  }

  /** Opens `link` (browser form), fills in the Join dialog; does not wait for the notebook. */
  async startJoining(link: string, name: string): Promise<void> {
    const at = link.indexOf('#');
    await this.page.goto(`${link.slice(0, at)}?test=1${link.slice(at)}`);
    const dialog = this.page.getByTestId('join-dialog');
    await expect(dialog.getByTestId('join-link')).toHaveValue(/\/join#/);
    await dialog.getByTestId('join-name').fill(name);
    await dialog.getByTestId('join-submit').click();
  }

  /** Joins by `link` as `name` and waits until the notebook is on screen. */
  async join(link: string, name: string): Promise<void> {
    await this.startJoining(link, name);
    await this.page.waitForFunction(
      () =>
        (window as unknown as { __pairbookTest?: { ready: boolean } }).__pairbookTest?.ready ===
        true,
      undefined,
      { timeout: 25_000 },
    );
  }

  async close(): Promise<void> {
    await this.context.close();
  }
}

/**
 * Closes every guest in `guests` (emptying it) and fails the test if a guest page logged an
 * error other than the expected noise of a host going away.
 */
export async function closeGuests(guests: Guest[]): Promise<void> {
  for (const g of guests.splice(0)) {
    const errors = g.errors.filter((e) => !/WebSocket|ERR_CONNECTION_REFUSED|404/.test(e));
    await g.close();
    expect(errors, 'a guest page logged errors').toEqual([]);
  }
}
