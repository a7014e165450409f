import type * as Y from 'yjs';
import {
  type KernelChoice,
  type KernelInfo,
  RUNTIME,
  runtimeOf,
} from '../../protocol/runtime-state';
import { h } from './modal';

const CHEVRON =
  '<svg viewBox="0 0 16 16" aria-hidden="true"><path d="M4.5 6.5l3.5 3.5 3.5-3.5" fill="none" stroke="currentColor" stroke-width="1.5" stroke-linecap="round" stroke-linejoin="round"/></svg>';

/** Where the host may take kernels from: shown at the end of the menu, for the host only. */
export interface KernelSources {
  /** "Connect to a Jupyter server…". */
  connect(): void;
  /** "Use this computer's kernels", offered while the kernels are a server's. */
  useLocal(): void;
}

/**
 * The kernel's status in the toolbar as a button ("Python 3 (ipykernel) · Idle", or "No kernel —
 * choose one") that opens a menu of the kernels the host offers, the current one checked, as
 * JupyterLab's "Change kernel…". Works with the keyboard: Enter, Space or ↓ open it; ↑ ↓ Home End
 * move; Enter or Space choose; Escape closes. Reads everything from the runtime map; choosing
 * calls `onChoose`, and the host does the rest.
 */
export class KernelPicker {
  readonly element = h('div', 'kernel-picker');
  private readonly button = h('button', 'kernel-button', 'kernel-picker');
  private readonly status = h('span', 'kernel-status', 'kernel-status');
  private readonly hint = h('span', 'kernel-hint', 'kernel-hint');
  private readonly menu = h('div', 'kernel-menu', 'kernel-menu');
  private allowed = true;
  private refusal = '';
  private sources: KernelSources | null = null;

  constructor(
    private readonly doc: Y.Doc,
    private readonly onChoose: (name: string) => void,
  ) {
    this.button.type = 'button';
    this.button.setAttribute('aria-haspopup', 'menu');
    this.button.setAttribute('aria-expanded', 'false');
    this.button.append(this.status, this.hint);
    this.button.insertAdjacentHTML('beforeend', CHEVRON);
    this.menu.setAttribute('role', 'menu');
    this.menu.setAttribute('aria-label', 'Kernels');
    this.menu.hidden = true;
    this.element.append(this.button, this.menu);
    this.button.addEventListener('click', () => (this.menu.hidden ? this.open() : this.close()));
    this.button.addEventListener('keydown', (e) => {
      if (e.key !== 'ArrowDown' || !this.allowed) return;
      e.preventDefault();
      this.open();
    });
    this.menu.addEventListener('keydown', (e) => this.onMenuKey(e));
    this.menu.addEventListener('focusout', (e) => {
      if (!this.element.contains(e.relatedTarget as Node | null)) this.close(false);
    });
    runtimeOf(doc).observe(() => this.paint());
    this.paint();
  }

  /** Lets this person change the kernel, or not, with `why` as the disabled button's title. */
  setAllowed(allowed: boolean, why: string): void {
    this.allowed = allowed;
    this.refusal = why;
    if (!allowed) this.close(false);
    this.paint();
  }

  /** Lets this person (the host) choose where kernels come from, at the end of the menu. */
  offerSources(sources: KernelSources): void {
    this.sources = sources;
    if (!this.menu.hidden) this.fillMenu();
  }

  /** Opens the menu and focuses the current kernel (or the first). */
  open(): void {
    if (!this.allowed) return;
    this.fillMenu();
    this.menu.hidden = false;
    this.button.setAttribute('aria-expanded', 'true');
    const items = this.items();
    (items.find((i) => i.getAttribute('aria-checked') === 'true') ?? items[0])?.focus();
  }

  /** Closes the menu; `refocus` puts the focus back on the button. */
  close(refocus = true): void {
    if (this.menu.hidden) return;
    this.menu.hidden = true;
    this.button.setAttribute('aria-expanded', 'false');
    if (refocus) this.button.focus();
  }

  private kernel(): KernelInfo | undefined {
    return runtimeOf(this.doc).get(RUNTIME.kernel) as KernelInfo | undefined;
  }

  private choices(): KernelChoice[] {
    const list = runtimeOf(this.doc).get(RUNTIME.kernels);
    return Array.isArray(list) ? (list as KernelChoice[]) : [];
  }

  private paint(): void {
    const kernel = this.kernel();
    const status = kernel?.status ?? 'none';
    this.element.dataset.state = status;
    this.status.dataset.state = status;
    const where = kernel?.server ? ` on ${kernel.server}` : '';
    const label = `${kernel?.displayName ?? kernel?.name ?? 'Kernel'}${where}`;
    this.status.textContent =
      status === 'none' ? 'No kernel' : `${label} · ${status[0]?.toUpperCase()}${status.slice(1)}`;
    this.hint.textContent = status === 'none' && this.allowed ? ' — choose one' : '';
    this.hint.hidden = !this.hint.textContent;
    this.button.disabled = !this.allowed;
    const what = kernel?.message ? `${kernel.message}. ` : '';
    this.button.title = this.allowed ? `${what}Change kernel…` : `${what}${this.refusal}`;
    this.button.setAttribute(
      'aria-label',
      `Kernel: ${this.status.textContent}. ${this.allowed ? 'Change kernel' : this.refusal}`,
    );
    if (!this.menu.hidden) this.fillMenu();
  }

  private fillMenu(): void {
    const current = this.kernel()?.name ?? null;
    const focused = (document.activeElement as HTMLElement | null)?.dataset.name;
    const server = this.choices().find((c) => c.server)?.server;
    const heading = h(
      'div',
      'kernel-menu-title',
      'kernel-menu-title',
      server ? `Change kernel · on ${server}` : 'Change kernel',
    );
    heading.setAttribute('role', 'presentation');
    const items = this.choices().map((choice) => {
      const item = h('button', 'kernel-choice', 'kernel-choice');
      item.type = 'button';
      item.setAttribute('role', 'menuitemradio');
      item.setAttribute('aria-checked', String(choice.name === current));
      item.dataset.name = choice.name;
      item.tabIndex = -1;
      item.append(
        h('span', 'kernel-choice-check', undefined, choice.name === current ? '✓' : ''),
        h('span', 'kernel-choice-name', undefined, choice.displayName),
        h('span', 'kernel-choice-language', undefined, choice.language),
      );
      item.title = `Start ${choice.displayName} (${choice.name}) for everyone`;
      item.addEventListener('click', () => {
        this.close();
        this.onChoose(choice.name);
      });
      return item;
    });
    const none = h(
      'div',
      'kernel-menu-empty',
      'kernel-menu-empty',
      'The host offers no kernels to choose from',
    );
    const listed = items.length > 0 ? items : [none];
    this.menu.replaceChildren(heading, ...listed, ...this.sourceItems(server));
    if (focused)
      this.items()
        .find((i) => i.dataset.name === focused)
        ?.focus();
  }

  private sourceItems(server: string | undefined): HTMLElement[] {
    const sources = this.sources;
    if (!sources) return [];
    const action = (testId: string, text: string, run: () => void) => {
      const item = h('button', 'kernel-source', testId, text);
      item.type = 'button';
      item.setAttribute('role', 'menuitem');
      item.dataset.name = testId;
      item.tabIndex = -1;
      item.addEventListener('click', () => {
        this.close();
        run();
      });
      return item;
    };
    const separator = h('div', 'kernel-menu-separator');
    separator.setAttribute('role', 'separator');
    return [
      separator,
      action(
        'kernel-connect-server',
        server ? 'Connect to another Jupyter server…' : 'Connect to a Jupyter server…',
        () => sources.connect(),
      ),
      ...(server
        ? [action('kernel-use-local', 'Use this computer’s kernels', () => sources.useLocal())]
        : []),
    ];
  }

  private items(): HTMLElement[] {
    return [
      ...this.menu.querySelectorAll<HTMLElement>('[role="menuitemradio"], [role="menuitem"]'),
    ];
  }

  private onMenuKey(e: KeyboardEvent): void {
    const items = this.items();
    const at = items.indexOf(document.activeElement as HTMLElement);
    const focus = (i: number) => items[(i + items.length) % items.length]?.focus();
    if (e.key === 'ArrowDown') focus(at + 1);
    else if (e.key === 'ArrowUp') focus(at - 1);
    else if (e.key === 'Home') focus(0);
    else if (e.key === 'End') focus(items.length - 1);
    else if (e.key === 'Escape') this.close();
    else if (e.key === 'Tab') return this.close(false);
    else return;
    e.preventDefault();
    e.stopPropagation();
  }
}
