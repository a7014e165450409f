// The page object of the notebook editor: every selector is a data-testid.
import { type Locator, type Page, expect } from '@playwright/test';

/** An app event recorded by the test hook (renderer/test-hook.ts). */
export interface AppEvent {
  type: string;
  [key: string]: unknown;
}

/** The notebook editor in one browser page. */
export class NotebookPage {
  constructor(readonly page: Page) {}

  /** Opens the shell's address with the test hook and waits until the notebook is synced. */
  async open(url: string): Promise<void> {
    await this.page.goto(`${url}&test=1`);
    await this.page.waitForFunction(
      () =>
        (window as unknown as { __pairbookTest?: { ready: boolean } }).__pairbookTest?.ready ===
        true,
    );
  }

  get cells(): Locator {
    return this.page.getByTestId('cell');
  }

  cell(index: number): Locator {
    return this.cells.nth(index);
  }

  /** The live CodeMirror content of a cell (mounted on demand). */
  editor(index: number): Locator {
    return this.cell(index).getByTestId('cell-editor');
  }

  get toasts(): Locator {
    return this.page.getByTestId('toast');
  }

  get saveState(): Locator {
    return this.page.getByTestId('save-state');
  }

  /** The kernel picker's button in the toolbar: the kernel and its status ("… · Idle"). */
  get kernelPicker(): Locator {
    return this.page.getByTestId('kernel-picker');
  }

  /** The kernels in the open kernel picker menu. */
  get kernelChoices(): Locator {
    return this.page.getByTestId('kernel-menu').getByTestId('kernel-choice');
  }

  /** The dialog asking the host what to do about a file changed on disk. */
  get fileChangedDialog(): Locator {
    return this.page.getByTestId('file-changed');
  }

  /** Clicks into a code cell's text and puts the cursor at its end. */
  async editCodeCell(index: number): Promise<void> {
    const cell = this.cell(index);
    await cell.scrollIntoViewIfNeeded();
    const editor = this.editor(index);
    // A cell coming into view shows a placeholder until its editor mounts, a few ms later.
    await expect(editor).toBeVisible();
    await editor.click();
    await this.page.keyboard.press('ControlOrMeta+End');
  }

  /** Opens a markdown cell's editor by double-clicking its rendering, cursor at the end. */
  async editMarkdownCell(index: number): Promise<void> {
    await this.cell(index).getByTestId('markdown-rendered').dblclick();
    await expect(this.editor(index)).toBeFocused();
    await this.page.keyboard.press('ControlOrMeta+End');
  }

  /** The text of a cell's live editor. */
  async editorText(index: number): Promise<string> {
    // Remote cursors are widgets inside the lines: leave them out.
    return this.editor(index).evaluate((el) =>
      [...el.querySelectorAll('.cm-line')]
        .map((line) => {
          const copy = line.cloneNode(true) as HTMLElement;
          copy.querySelectorAll('.cm-ySelectionCaret, .cm-widgetBuffer').forEach((w) => w.remove());
          return (copy.textContent ?? '').replace(/\u2060/g, '');
        })
        .join('\n'),
    );
  }

  /** App events recorded so far. */
  events(): Promise<AppEvent[]> {
    return this.page.evaluate(
      () => (window as unknown as { __pairbookTest: { events: AppEvent[] } }).__pairbookTest.events,
    );
  }

  /** Waits for the reply to the next request of `type` sent after `since` events, and returns it. */
  async reply(type: string, since = 0): Promise<AppEvent> {
    const handle = await this.page.waitForFunction(
      ({ type, since }) => {
        const events = (window as unknown as { __pairbookTest: { events: AppEvent[] } })
          .__pairbookTest.events;
        return events.slice(since).find((e) => e.type === 'reply' && e.request === type) ?? null;
      },
      { type, since },
    );
    return (await handle.jsonValue()) as AppEvent;
  }

  /** How many app events have been recorded (a mark for `reply`). */
  async eventCount(): Promise<number> {
    return (await this.events()).length;
  }

  /** Leaves edit mode (Escape) so keys act on cells. */
  async commandMode(): Promise<void> {
    await this.page.keyboard.press('Escape');
    await expect(this.page.getByTestId('notebook')).toHaveAttribute('data-mode', 'command');
  }
}
