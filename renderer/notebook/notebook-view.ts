import type { LanguageSupport } from '@codemirror/language';
import type { KeyBinding } from '@codemirror/view';
import type { Awareness } from 'y-protocols/awareness';
import * as Y from 'yjs';
import { runtimeOf } from '../../protocol/runtime-state';
import { cellsOf, metaOf } from '../../protocol/ydoc-nbformat';
import { findCodeLanguage, kernelLanguage } from '../editor/languages';
import { CellDrag } from './cell-drag';
import { CellGroups } from './cell-groups';
import { LOCAL_ORIGIN } from './cell-operations';
import { CellSelection } from './cell-selection';
import { CellView } from './cell-view';
import { type CommandTarget, type NotebookCommand, notebookCommands } from './commands';
import { CopyPaste } from './copy-paste';
import { EDIT_MODE_KEYS, type PendingKey, keyChord, resolveCommandKey } from './keymap';
import { headingAbove, headingBelow, sectionVisibility } from './headings';
import { RunStates } from './run-states';
import { VIEW_ORIGIN, type ViewPart, isHidden, writeHidden } from './view-state';

/** What the notebook asks of the app around it (requests to the host, the find bar). */
export interface NotebookActions {
  run(cellIds: string[]): void;
  save(): void;
  interrupt(): void;
  restart(): void;
  find(): void;
  /** Something was rendered (outputs, markdown); for the test hook. */
  rendered(cellId: string): void;
  /** The active cell changed (for presence); optional. */
  activeCell?(cellId: string | null): void;
  /** This person tried to change the notebook while read-only; optional. */
  readOnlyRefused?(): void;
  /** Tells this person something (a toast), e.g. that the clipboard holds no cells; optional. */
  notify?(message: string, level: 'info' | 'warning' | 'error'): void;
}

/** What this person may do to the notebook, as their role allows. */
export interface NotebookPermissions {
  /** Change sources and the cell list. False for viewers. */
  edit: boolean;
  /**
   * Moved and pasted cells keep their outputs. False for guests: only the host's kernel writes
   * outputs (host/hub/role-guard.ts drops a guest's update that writes them).
   */
  moveOutputs: boolean;
}

/** Distance beyond the viewport within which cells are built and keep a live editor. */
const NEAR_MARGIN_PX = 600;
/** Distance beyond the viewport past which built cells are dropped back to empty boxes. */
const FAR_MARGIN_PX = 2400;
/** Main-thread time spent mounting editors before yielding to input and paint, ms. */
const MOUNT_BUDGET_MS = 8;
const IS_MAC = /Mac|iPhone|iPad/.test(navigator.platform);
/** Where this browser keeps Shift-L's choice (a view setting: never in the shared document). */
const LINE_NUMBERS_KEY = 'pairbook:line-numbers';

function storedLineNumbers(): boolean {
  try {
    return localStorage.getItem(LINE_NUMBERS_KEY) === 'true';
  } catch {
    return false;
  }
}

/**
 * The notebook: one CellView per cell of the shared Y.Array, kept in step with it and built near
 * the viewport only; Jupyter's command and edit modes; the active cell and selection; run states
 * from the runtime map. What keys do is in commands.ts, which keys in keymap.ts.
 */
export class NotebookView implements CommandTarget {
  readonly element = document.createElement('div');
  /** This person's undo history: their typing and structural edits, nothing else. */
  readonly undoManager: Y.UndoManager;
  readonly selection = new CellSelection();
  readonly clipboard: CopyPaste;
  private readonly cells: Y.Array<Y.Map<unknown>>;
  private views: CellView[] = [];
  private mode: 'command' | 'edit' = 'command';
  private pending: PendingKey = null;
  private readonly groups: CellGroups;
  private readonly farObserver: IntersectionObserver;
  private readonly viewOf = new WeakMap<Element, CellView>();
  private readonly runStates: RunStates;
  private readonly drag: CellDrag;
  private mountQueued = false;
  private destroyed = false;
  private currentPermissions: NotebookPermissions = { edit: true, moveOutputs: true };
  private reportedActive: string | null = null;
  private showLineNumbers = storedLineNumbers();
  /** What this page shows hidden or not against the metadata (a viewer's own choices). */
  private readonly localView = new Map<string, Partial<Record<ViewPart, boolean>>>();
  private sectionsQueued = false;
  /** The language code cells are highlighted in, and the kernel language it was chosen for. */
  private language: { name: string | null; support: LanguageSupport | null } = {
    name: null,
    support: findCodeLanguage(null)?.support ?? null,
  };
  private observedMetadata: Y.Map<unknown> | null = null;

  constructor(
    readonly doc: Y.Doc,
    private readonly awareness: Awareness,
    scroller: HTMLElement,
    readonly actions: NotebookActions,
  ) {
    this.cells = cellsOf(doc);
    this.undoManager = new Y.UndoManager(this.cells, {
      trackedOrigins: new Set([LOCAL_ORIGIN]),
      captureTimeout: 500,
    });
    this.element.className = 'notebook';
    this.element.dataset.testid = 'notebook';
    this.element.tabIndex = 0;
    this.element.setAttribute('role', 'list');
    this.element.dataset.lineNumbers = String(this.showLineNumbers);
    this.groups = new CellGroups(this.element, scroller, NEAR_MARGIN_PX, this.onNear);
    this.farObserver = new IntersectionObserver(this.onFar, {
      root: scroller,
      rootMargin: `${FAR_MARGIN_PX}px 0px`,
    });
    this.element.addEventListener('keydown', this.onKeyDown);
    this.element.addEventListener('click', this.onClick);
    this.clipboard = new CopyPaste(this);
    this.drag = new CellDrag(this);
    this.cells.observe(this.onCellsChange);
    this.runStates = new RunStates(runtimeOf(doc), () => this.views);
    metaOf(doc).observe(this.onMetaChange);
    this.onMetaChange();
    this.rebuild();
  }

  /**
   * Builds the cells the first screen of `height` px will show, before anything is painted, so
   * the first frame has content; the rest follow the viewport. Editors mount right after.
   */
  showFirstScreen(height: number): void {
    let top = 0;
    for (const v of this.views) {
      if (top > height) break;
      // The first cell, active on opening, is editable from the first frame.
      v.setNearViewport(true, v === this.views[0]);
      top += v.element.getBoundingClientRect().height;
    }
    this.queueEditorMounts();
  }

  /** The views in document order. */
  get cellViews(): readonly CellView[] {
    return this.views;
  }

  /** The index of the active cell. */
  get activeIndex(): number {
    return this.selection.active;
  }

  /** 'command' or 'edit'. */
  get currentMode(): 'command' | 'edit' {
    return this.mode;
  }

  /** What this person may do now. */
  get permissions(): Readonly<NotebookPermissions> {
    return this.currentPermissions;
  }

  /** Applies what this person may do, at once (a role changed). */
  setPermissions(permissions: NotebookPermissions): void {
    const wasReadOnly = !this.currentPermissions.edit;
    this.currentPermissions = { ...permissions };
    this.element.dataset.readOnly = String(!permissions.edit);
    if (wasReadOnly !== !permissions.edit) {
      for (const v of this.views) v.setReadOnly(!permissions.edit);
    }
  }

  /** True when cell editors show line numbers. */
  get lineNumbers(): boolean {
    return this.showLineNumbers;
  }

  /** Shows or hides line numbers in every cell, on this page only; the browser remembers it. */
  setLineNumbers(on: boolean): void {
    this.showLineNumbers = on;
    this.element.dataset.lineNumbers = String(on);
    try {
      localStorage.setItem(LINE_NUMBERS_KEY, String(on));
    } catch {
      // A browser that keeps nothing forgets it on reload; the page still shows it.
    }
    for (const v of this.views) v.setLineNumbers(on);
  }

  /** Whether `part` of `cell` is hidden on this page: the metadata, or this page's own choice. */
  isHidden(cell: CellView, part: ViewPart): boolean {
    return this.localView.get(cell.id)?.[part] ?? isHidden(cell.map, part);
  }

  /**
   * Hides or shows `part` of `cells` for everyone (written to the cell metadata, in JupyterLab's
   * keys), or, for a person who may not change the notebook, on this page only.
   */
  setHidden(cells: readonly CellView[], part: ViewPart, hidden: boolean): void {
    const changing = cells.filter((c) => this.isHidden(c, part) !== hidden);
    if (!changing.length) return;
    if (this.currentPermissions.edit) {
      this.doc.transact(() => {
        for (const cell of changing) writeHidden(cell.map, part, hidden);
      }, VIEW_ORIGIN);
      return;
    }
    for (const cell of changing) {
      this.localView.set(cell.id, { ...this.localView.get(cell.id), [part]: hidden });
      cell.paintViewState();
    }
    if (part === 'heading') this.updateSections();
  }

  /** True when cell `index` is hidden under a collapsed heading. */
  isCellHidden(index: number): boolean {
    return this.views[index]?.isSectionHidden ?? false;
  }

  /** The heading levels of the cells (0: not a markdown heading). */
  headingLevels(): number[] {
    return this.views.map((v) => v.headingLevel);
  }

  /** The nearest heading above `index` to move to with ←, or -1 (headings.ts). */
  headingAbove(index: number): number {
    return headingAbove(this.headingLevels(), index);
  }

  /** The next heading below `index` to move to with →, or -1. */
  headingBelow(index: number): number {
    return headingBelow(this.headingLevels(), index);
  }

  /** Runs one notebook command (from a key, a button or a menu); false when it did not apply. */
  execute(command: NotebookCommand): boolean {
    // Each command is its own undo step, never merged with typing or another edit.
    if (command !== 'undo' && command !== 'redo') this.undoManager.stopCapturing();
    return notebookCommands[command](this);
  }

  /** The view of cell `id`, if it is in the notebook. */
  cellById(id: string): CellView | undefined {
    return this.views.find((v) => v.id === id);
  }

  /** The view whose element is `element`, if any. */
  viewFor(element: Element | null): CellView | undefined {
    return element ? this.viewOf.get(element) : undefined;
  }

  /** Makes cell `index` active (extending the selection when `extend`) and scrolls to it. */
  select(index: number, extend = false): void {
    if (this.views.length === 0) return;
    const i = Math.max(0, Math.min(index, this.views.length - 1));
    // A cell under a collapsed heading (a cell just added below one too) is shown by expanding
    // the headings that hide it.
    if (this.sectionsQueued) this.updateSections();
    if (this.views[i]?.isSectionHidden) this.expandAround(i);
    if (this.mode === 'edit' && i !== this.selection.active) {
      this.views[this.selection.active]?.leaveEdit();
    }
    this.selection.set(extend ? this.selection.anchor : i, i);
    this.paintSelection();
    // Build the cell before scrolling to it, so it is scrolled to at its real height.
    this.views[i]?.materialize();
    this.views[i]?.element.scrollIntoView({ block: 'nearest' });
    // A deleted cell takes focus with it; command keys must keep working.
    if (this.mode === 'command' && !this.element.contains(document.activeElement)) {
      this.element.focus({ preventScroll: true });
    }
  }

  /** Selects cells `anchor`..`active` where they are, without scrolling. */
  setSelection(anchor: number, active: number): void {
    this.selection.set(anchor, active);
    this.paintSelection();
  }

  /** Enters edit mode in the active cell (showing its input, if hidden, as JupyterLab does). */
  enterEditMode(pos: 'start' | 'end' | number | null = null): void {
    const cell = this.views[this.selection.active];
    if (!cell) return;
    if (this.isHidden(cell, 'input')) this.setHidden([cell], 'input', false);
    this.mode = 'edit';
    this.selection.set(this.selection.active, this.selection.active);
    this.paintSelection();
    cell.edit(pos);
  }

  /** Leaves edit mode; keys act on cells again. */
  enterCommandMode(): void {
    this.mode = 'command';
    this.views[this.selection.active]?.leaveEdit();
    this.paintSelection();
    this.element.focus({ preventScroll: true });
    // A cell kept on screen while it was edited under a heading someone collapsed now hides.
    this.queueSections();
  }

  /** Stops following the document. Idempotent. */
  destroy(): void {
    if (this.destroyed) return;
    this.destroyed = true;
    this.cells.unobserve(this.onCellsChange);
    metaOf(this.doc).unobserve(this.onMetaChange);
    this.observedMetadata?.unobserve(this.onMetadataChange);
    this.runStates.destroy();
    this.clipboard.destroy();
    this.drag.destroy();
    this.groups.destroy();
    this.farObserver.disconnect();
    this.views.forEach((v) => v.destroy());
    this.undoManager.destroy();
  }

  private paintSelection(): void {
    this.selection.paint(this.views);
    this.element.dataset.mode = this.mode;
    const activeId = this.views[this.selection.active]?.id ?? null;
    if (activeId !== this.reportedActive) {
      this.reportedActive = activeId;
      this.actions.activeCell?.(activeId);
    }
  }

  private makeView(map: Y.Map<unknown>): CellView {
    const view = new CellView(map, {
      awareness: this.awareness,
      undoManager: this.undoManager,
      codeLanguage: () => this.language.support,
      editKeys: (cell) => this.editKeys(cell),
      onActivate: (cell, mode) => this.activate(cell, mode),
      onRendered: (cell) => this.actions.rendered(cell.id),
      readOnly: () => !this.currentPermissions.edit,
      lineNumbers: () => this.showLineNumbers,
      isHidden: (cell, part) => this.isHidden(cell, part),
      onViewStateChange: (cell, metadata) => {
        // Metadata written anew (by anyone) replaces this page's own choice for that cell.
        if (metadata && this.localView.delete(cell.id)) cell.paintViewState();
        this.queueSections();
      },
      // Only built cells can be dropped, so only they are watched for going far (an observer
      // over all 1000 boxes cost ~0.7 ms a frame while typing; docs/renderer.md).
      onBuilt: (cell, built) => {
        if (built) this.farObserver.observe(cell.element);
        else this.farObserver.unobserve(cell.element);
      },
    });
    this.viewOf.set(view.element, view);
    return view;
  }

  // The notebook's metadata map, replaced (a reload) or written (the kernel changed).
  private onMetaChange = (): void => {
    const metadata = metaOf(this.doc).get('metadata');
    const next = metadata instanceof Y.Map ? metadata : null;
    if (next !== this.observedMetadata) {
      this.observedMetadata?.unobserve(this.onMetadataChange);
      this.observedMetadata = next;
      next?.observe(this.onMetadataChange);
    }
    this.onMetadataChange();
  };

  /**
   * Highlights code cells in the kernel's language (metadata.language_info, or the kernelspec's),
   * loading its mode on demand; switches when the kernel changes.
   */
  private onMetadataChange = (): void => {
    const metadata = this.observedMetadata;
    const name = kernelLanguage((key) => metadata?.get(key));
    if (name === this.language.name && this.element.dataset.language) return;
    const description = findCodeLanguage(name);
    const apply = (support: LanguageSupport | null) => {
      if (this.destroyed || this.language.name !== name) return;
      this.language = { name, support };
      this.element.dataset.language = description?.name.toLowerCase() ?? 'text';
      for (const v of this.views) v.updateCodeLanguage();
    };
    this.language = { ...this.language, name };
    if (!description) apply(null);
    else if (description.support) apply(description.support);
    else {
      description.load().then(apply, () => apply(null));
    }
  };

  private queueSections(): void {
    if (this.sectionsQueued || this.destroyed) return;
    this.sectionsQueued = true;
    queueMicrotask(() => {
      this.sectionsQueued = false;
      if (!this.destroyed) this.updateSections();
    });
  }

  /**
   * Hides the cells under collapsed headings, and shows the others. The cell this person is
   * editing stays on screen until they leave it; a selected cell that gets hidden hands the
   * selection to the heading above it.
   */
  private updateSections(): void {
    const anyCollapsed = this.views.some(
      (v) => v.type === 'markdown' && this.isHidden(v, 'heading') && v.headingLevel > 0,
    );
    if (!anyCollapsed) {
      for (const v of this.views) v.setSection(false, 0);
      return;
    }
    const levels = this.headingLevels();
    const collapsed = this.views.map((v, i) => (levels[i] ?? 0) > 0 && this.isHidden(v, 'heading'));
    const { hidden, hiddenBelow } = sectionVisibility(levels, collapsed);
    const editing = this.mode === 'edit' ? this.selection.active : -1;
    this.views.forEach((v, i) =>
      v.setSection(i !== editing && (hidden[i] ?? false), hiddenBelow[i] ?? 0),
    );
    const active = this.selection.active;
    if (active !== editing && hidden[active]) {
      let visible = active;
      while (visible > 0 && hidden[visible]) visible--;
      this.selection.set(visible, visible);
      this.paintSelection();
    }
  }

  /** Expands the collapsed headings that hide cell `index`. */
  private expandAround(index: number): void {
    const levels = this.headingLevels();
    const collapsed = this.views.map((v, i) => (levels[i] ?? 0) > 0 && this.isHidden(v, 'heading'));
    const opening: CellView[] = [];
    // Each collapsed heading above whose section reaches the cell hides it.
    let reach = levels[index] && levels[index] > 0 ? levels[index] : 7;
    for (let i = index - 1; i >= 0; i--) {
      const level = levels[i] ?? 0;
      if (level > 0 && level < reach) {
        reach = level;
        const view = this.views[i];
        if (collapsed[i] && view) opening.push(view);
      }
    }
    this.setHidden(opening, 'heading', false);
    this.updateSections();
  }

  private forget(view: CellView): void {
    this.groups.forget(view.element);
    this.farObserver.unobserve(view.element);
    this.selection.forget(view);
    view.destroy();
  }

  private editKeys(cell: CellView): KeyBinding[] {
    return Object.entries(EDIT_MODE_KEYS).map(([key, command]) => ({
      key,
      preventDefault: true,
      run: () => {
        const index = this.views.indexOf(cell);
        this.selection.set(index, index);
        this.execute(command);
        // The key is the notebook's even where the command does not apply: CodeMirror's own
        // binding must not run instead (Mod-Enter would insert a line).
        return true;
      },
    }));
  }

  private activate(cell: CellView, mode: 'command' | 'edit'): void {
    const index = this.views.indexOf(cell);
    if (index < 0) return;
    if (index !== this.selection.active && this.mode === 'edit') {
      this.views[this.selection.active]?.leaveEdit();
    }
    this.selection.set(index, index);
    this.mode = mode;
    this.paintSelection();
    if (mode === 'edit') {
      if (!cell.view?.hasFocus) cell.edit(null);
    } else {
      this.element.focus({ preventScroll: true });
    }
  }

  private rebuild(): void {
    this.views.forEach((v) => this.forget(v));
    this.groups.prune();
    this.views = this.cells.toArray().map((m) => this.makeView(m));
    this.groups.insert(
      this.views.map((v) => v.element),
      null,
    );
    this.runStates.update();
    this.paintSelection();
    this.updateSections();
  }

  private onCellsChange = (event: Y.YArrayEvent<Y.Map<unknown>>): void => {
    const activeId = this.views[this.selection.active]?.id;
    let index = 0;
    for (const d of event.changes.delta) {
      if (d.retain) index += d.retain;
      if (d.delete) {
        this.views.splice(index, d.delete).forEach((v) => this.forget(v));
      }
      if (d.insert) {
        const added = (d.insert as Y.Map<unknown>[]).map((m) => this.makeView(m));
        this.groups.insert(
          added.map((v) => v.element),
          this.views[index]?.element ?? null,
        );
        this.views.splice(index, 0, ...added);
        index += added.length;
      }
    }
    if (event.changes.deleted.size) this.groups.prune();
    this.queueSections();
    // Keep the same cell active when others insert or delete cells above it.
    const kept = this.views.findIndex((v) => v.id === activeId);
    if (kept >= 0 && event.transaction.origin !== LOCAL_ORIGIN) this.selection.shiftTo(kept);
    this.selection.clamp(this.views.length);
    this.runStates.update();
    this.paintSelection();
  };

  private onNear = (changes: readonly (readonly [Element, boolean])[]): void => {
    for (const [element, near] of changes) this.viewOf.get(element)?.setNearViewport(near, false);
    this.queueEditorMounts();
  };

  private onFar = (entries: IntersectionObserverEntry[]): void => {
    for (const e of entries) {
      this.viewOf.get(e.target)?.setFar(!e.isIntersecting, e.boundingClientRect.height);
    }
  };

  // Editors mount a few at a time between frames, so scrolling and typing never wait for a
  // screenful of CodeMirror views to be built at once.
  private queueEditorMounts(): void {
    if (this.mountQueued || this.destroyed) return;
    this.mountQueued = true;
    setTimeout(() => {
      this.mountQueued = false;
      if (this.destroyed) return;
      const until = performance.now() + MOUNT_BUDGET_MS;
      for (const v of this.views) {
        if (!v.wantsEditor) continue;
        if (performance.now() > until) return this.queueEditorMounts();
        v.mountEditor();
      }
    }, 0);
  }

  private onClick = (e: MouseEvent): void => {
    const target = e.target as HTMLElement;
    const control = target.closest(
      '[data-testid="cell-run-button"], .cell-collapser, .cell-hidden-part, .heading-toggle, .hidden-cells',
    ) as HTMLElement | null;
    const view = this.viewFor(control?.closest('.cell') ?? null);
    if (!control || !view) return;
    this.activate(view, 'command');
    const testId = control.dataset.testid;
    if (testId === 'cell-run-button') this.execute('run-in-place');
    else if (testId === 'input-collapser' || testId === 'input-hidden') {
      this.setHidden([view], 'input', !this.isHidden(view, 'input'));
    } else if (testId === 'output-collapser' || testId === 'outputs-hidden') {
      this.setHidden([view], 'outputs', !this.isHidden(view, 'outputs'));
    } else if (testId === 'heading-toggle') {
      this.setHidden([view], 'heading', !this.isHidden(view, 'heading'));
    } else if (testId === 'hidden-cells') this.setHidden([view], 'heading', false);
  };

  private onKeyDown = (e: KeyboardEvent): void => {
    if (this.mode === 'edit' || (e.target as HTMLElement).closest('.cm-editor')) return;
    const { command, pending } = resolveCommandKey(keyChord(e, IS_MAC), this.pending);
    this.pending = pending;
    if (!command) return;
    e.preventDefault();
    e.stopPropagation();
    this.execute(command);
  };
}
