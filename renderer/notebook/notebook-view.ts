import type { KeyBinding } from '@codemirror/view';
import type { Awareness } from 'y-protocols/awareness';
import * as Y from 'yjs';
import type { Cell } from '../../protocol/nbformat';
import { type CellRun, RUNTIME, runtimeOf } from '../../protocol/runtime-state';
import { cellFromMap, cellsOf } from '../../protocol/ydoc-nbformat';
import {
  LOCAL_ORIGIN,
  changeCellType,
  deleteCells,
  emptyCell,
  insertCells,
  mergeCells,
  moveCell,
  splitCell,
} from './cell-operations';
import {
  CELLS_MIME,
  type ClipboardStrings,
  cellsToClipboard,
  parseClipboardCells,
  readSystemClipboard,
} from './cell-clipboard';
import { CellGroups } from './cell-groups';
import { CellView } from './cell-view';
import {
  EDIT_MODE_KEYS,
  type NotebookCommand,
  type PendingKey,
  keyChord,
  resolveCommandKey,
} from './keyboard-commands';

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

/** Commands that change the notebook, refused while read-only. */
const EDITING_COMMANDS: ReadonlySet<NotebookCommand> = new Set<NotebookCommand>([
  'run-and-insert',
  'insert-above',
  'insert-below',
  'delete-cells',
  'to-code',
  'to-markdown',
  'to-raw',
  'undo',
  'redo',
  'cut-cells',
  'paste-below',
  'paste-above',
  'merge-cells',
  'split-cell',
  'move-up',
  'move-down',
]);

/** Distance beyond the viewport within which cells are built and keep a live editor. */
const NEAR_MARGIN_PX = 600;
/** Distance beyond the viewport past which built cells are dropped back to empty boxes. */
const FAR_MARGIN_PX = 2400;
/** Main-thread time spent mounting editors before yielding to input and paint, ms. */
const MOUNT_BUDGET_MS = 8;
const IS_MAC = /Mac|iPhone|iPad/.test(navigator.platform);

/**
 * The notebook: one CellView per cell of the shared Y.Array, kept in step with it; Jupyter's
 * command and edit modes; the active cell and selection; structural edits as Yjs transactions
 * this person's UndoManager tracks; run states from the runtime map; drag to reorder.
 */
export class NotebookView {
  readonly element = document.createElement('div');
  /** This person's undo history: their typing and structural edits, nothing else. */
  readonly undoManager: Y.UndoManager;
  private readonly cells: Y.Array<Y.Map<unknown>>;
  private views: CellView[] = [];
  private active = 0;
  private anchor = 0;
  private mode: 'command' | 'edit' = 'command';
  private pending: PendingKey = null;
  /** The last cells this person copied: the fallback when the system clipboard is refused. */
  private clipboard: Cell[] = [];
  /** False when the last copy could not reach the system clipboard, which then holds older data. */
  private clipboardInSystem = false;
  /** Cells a C or X key is copying, for the `copy` event its execCommand fires. */
  private pendingCopy: Cell[] | null = null;
  private readonly groups: CellGroups;
  private readonly farObserver: IntersectionObserver;
  private readonly viewOf = new WeakMap<Element, CellView>();
  private readonly painted = new Set<CellView>();
  private mountQueued = false;
  private ticker: ReturnType<typeof setInterval> | null = null;
  private dragFrom: number | null = null;
  private dropMark: [HTMLElement, string] | null = null;
  private destroyed = false;
  private permissions: NotebookPermissions = { edit: true, moveOutputs: true };
  private reportedActive: string | null = null;

  constructor(
    private readonly doc: Y.Doc,
    private readonly awareness: Awareness,
    private readonly scroller: HTMLElement,
    private readonly actions: NotebookActions,
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
    this.groups = new CellGroups(this.element, scroller, NEAR_MARGIN_PX, this.onNear);
    this.farObserver = new IntersectionObserver(this.onFar, {
      root: scroller,
      rootMargin: `${FAR_MARGIN_PX}px 0px`,
    });
    this.element.addEventListener('keydown', this.onKeyDown);
    this.element.addEventListener('click', this.onClick);
    this.element.addEventListener('dragstart', this.onDragStart);
    this.element.addEventListener('dragover', this.onDragOver);
    this.element.addEventListener('drop', this.onDrop);
    this.element.addEventListener('dragend', this.onDragEnd);
    // Clipboard events go to the focused element or the document; Ctrl-C/X/V in command mode
    // arrive here as native events (the only way to read a paste without a permission prompt).
    document.addEventListener('copy', this.onCopyEvent);
    document.addEventListener('cut', this.onCopyEvent);
    document.addEventListener('paste', this.onPasteEvent);
    this.cells.observe(this.onCellsChange);
    runtimeOf(doc).observeDeep(this.onRuntimeChange);
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
    return this.active;
  }

  /** 'command' or 'edit'. */
  get currentMode(): 'command' | 'edit' {
    return this.mode;
  }

  /** Applies what this person may do, at once (a role changed). */
  setPermissions(permissions: NotebookPermissions): void {
    const wasReadOnly = !this.permissions.edit;
    this.permissions = { ...permissions };
    this.element.dataset.readOnly = String(!permissions.edit);
    if (wasReadOnly !== !permissions.edit) {
      for (const v of this.views) v.setReadOnly(!permissions.edit);
    }
  }

  /** Runs one notebook command (from a key, a button or a menu). */
  execute(command: NotebookCommand): void {
    if (!this.permissions.edit && EDITING_COMMANDS.has(command)) {
      this.actions.readOnlyRefused?.();
      return;
    }
    // Each structural edit is its own undo step, never merged with typing or another edit.
    if (command !== 'undo' && command !== 'redo') this.undoManager.stopCapturing();
    const cell = this.views[this.active];
    const [lo, hi] = this.selectionRange();
    switch (command) {
      case 'run-and-advance':
      case 'run-in-place':
      case 'run-and-insert': {
        const targets = this.views.slice(lo, hi + 1);
        for (const v of targets) if (v.type === 'markdown') v.leaveEdit();
        const code = targets.filter((v) => v.type === 'code').map((v) => v.id);
        if (code.length) this.actions.run(code);
        if (command === 'run-in-place') return this.enterCommandMode();
        if (command === 'run-and-insert' || hi === this.views.length - 1) {
          insertCells(this.doc, hi + 1, [emptyCell('code')]);
          this.select(hi + 1);
          return this.enterEditMode('start');
        }
        this.select(hi + 1);
        if (this.mode === 'edit') this.enterCommandMode();
        return;
      }
      case 'edit':
        return this.enterEditMode('end');
      case 'command-mode':
        return this.enterCommandMode();
      case 'insert-above':
        insertCells(this.doc, lo, [emptyCell('code')]);
        return this.select(lo);
      case 'insert-below':
        insertCells(this.doc, hi + 1, [emptyCell('code')]);
        return this.select(hi + 1);
      case 'delete-cells': {
        deleteCells(this.doc, lo, hi - lo + 1);
        if (this.cells.length === 0) insertCells(this.doc, 0, [emptyCell('code')]);
        return this.select(Math.min(lo, this.views.length - 1));
      }
      case 'to-code':
      case 'to-markdown':
      case 'to-raw': {
        const type =
          command === 'to-code' ? 'code' : command === 'to-markdown' ? 'markdown' : 'raw';
        this.doc.transact(() => {
          for (let i = lo; i <= hi; i++) changeCellType(this.doc, i, type);
        }, LOCAL_ORIGIN);
        return;
      }
      case 'undo':
        this.undoManager.undo();
        return this.select(Math.min(this.active, this.views.length - 1));
      case 'redo':
        this.undoManager.redo();
        return this.select(Math.min(this.active, this.views.length - 1));
      case 'select-previous':
        return this.select(Math.max(0, this.active - 1));
      case 'select-next':
        return this.select(Math.min(this.views.length - 1, this.active + 1));
      case 'extend-previous':
        return this.select(Math.max(0, this.active - 1), true);
      case 'extend-next':
        return this.select(Math.min(this.views.length - 1, this.active + 1), true);
      case 'select-all':
        this.anchor = 0;
        this.active = this.views.length - 1;
        return this.paintSelection();
      case 'copy-cells':
      case 'cut-cells':
        return this.copyCells(command === 'cut-cells', true);
      case 'paste-below':
      case 'paste-above': {
        const target = this.views[command === 'paste-below' ? hi : lo];
        return void this.pasteFromSystem(target?.id ?? null, command === 'paste-below');
      }
      case 'merge-cells':
        if (hi > lo) mergeCells(this.doc, lo, hi - lo + 1);
        else if (lo + 1 < this.views.length) mergeCells(this.doc, lo, 2);
        return this.select(lo);
      case 'split-cell': {
        const offset = cell?.view?.state.selection.main.head ?? 0;
        if (splitCell(this.doc, this.active, offset)) {
          this.select(this.active + 1);
          this.enterEditMode('start');
        }
        return;
      }
      case 'move-up':
        if (lo > 0) {
          moveCell(this.doc, lo - 1, hi, this.permissions.moveOutputs);
          this.anchor = lo - 1;
          this.active = this.active - 1;
          this.paintSelection();
        }
        return;
      case 'move-down':
        if (hi < this.views.length - 1) {
          moveCell(this.doc, hi + 1, lo, this.permissions.moveOutputs);
          this.anchor = this.anchor + 1;
          this.active = this.active + 1;
          this.paintSelection();
        }
        return;
      case 'save':
        return this.actions.save();
      case 'find':
        return this.actions.find();
      case 'interrupt':
        return this.actions.interrupt();
      case 'restart':
        return this.actions.restart();
    }
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
    if (this.mode === 'edit' && i !== this.active) this.views[this.active]?.leaveEdit();
    this.active = i;
    if (!extend) this.anchor = i;
    this.paintSelection();
    // Build the cell before scrolling to it, so it is scrolled to at its real height.
    this.views[i]?.materialize();
    this.views[i]?.element.scrollIntoView({ block: 'nearest' });
    // A deleted cell takes focus with it; command keys must keep working.
    if (this.mode === 'command' && !this.element.contains(document.activeElement)) {
      this.element.focus({ preventScroll: true });
    }
  }

  /** Enters edit mode in the active cell. */
  enterEditMode(pos: 'start' | 'end' | number | null = null): void {
    const cell = this.views[this.active];
    if (!cell) return;
    this.mode = 'edit';
    this.anchor = this.active;
    this.paintSelection();
    cell.edit(pos);
  }

  /** Leaves edit mode; keys act on cells again. */
  enterCommandMode(): void {
    this.mode = 'command';
    this.views[this.active]?.leaveEdit();
    this.paintSelection();
    this.element.focus({ preventScroll: true });
  }

  /** Stops following the document. Idempotent. */
  destroy(): void {
    if (this.destroyed) return;
    this.destroyed = true;
    this.cells.unobserve(this.onCellsChange);
    runtimeOf(this.doc).unobserveDeep(this.onRuntimeChange);
    document.removeEventListener('copy', this.onCopyEvent);
    document.removeEventListener('cut', this.onCopyEvent);
    document.removeEventListener('paste', this.onPasteEvent);
    this.groups.destroy();
    this.farObserver.disconnect();
    if (this.ticker) clearInterval(this.ticker);
    this.views.forEach((v) => v.destroy());
    this.undoManager.destroy();
  }

  private selectionRange(): [number, number] {
    return [Math.min(this.active, this.anchor), Math.max(this.active, this.anchor)];
  }

  // Touches only the cells whose selection changes: O(selection), not O(notebook).
  private paintSelection(): void {
    const [lo, hi] = this.selectionRange();
    const now = new Set(this.views.slice(lo, hi + 1));
    for (const v of this.painted) if (!now.has(v)) v.setSelection(false, false);
    this.painted.clear();
    for (const v of now) {
      v.setSelection(v === this.views[this.active], true);
      this.painted.add(v);
    }
    this.element.dataset.mode = this.mode;
    const activeId = this.views[this.active]?.id ?? null;
    if (activeId !== this.reportedActive) {
      this.reportedActive = activeId;
      this.actions.activeCell?.(activeId);
    }
  }

  /**
   * Copies the selected cells (and deletes them when `cut`). From a key (`viaKey`: C or X) it asks
   * the browser for a `copy` event, which Chromium allows during a keypress; the event handler
   * writes the system clipboard. The in-page copy is kept either way.
   */
  private copyCells(cut: boolean, viaKey: boolean, data: DataTransfer | null = null): void {
    const [lo, hi] = this.selectionRange();
    const cells = this.views.slice(lo, hi + 1).map((v) => cellFromMap(v.map));
    this.clipboard = cells;
    if (data) this.clipboardInSystem = writeCells(data, cells);
    else if (viaKey) {
      this.pendingCopy = cells;
      try {
        document.execCommand('copy');
      } catch (e) {
        console.warn('pairbook: the browser refused to copy cells to the system clipboard', e);
      }
      // The handler clears pendingCopy when the event came and it wrote the clipboard.
      this.clipboardInSystem = this.pendingCopy === null;
      this.pendingCopy = null;
    }
    if (!cut) return;
    deleteCells(this.doc, lo, hi - lo + 1);
    if (this.cells.length === 0) insertCells(this.doc, 0, [emptyCell('code')]);
    this.select(Math.min(lo, this.views.length - 1));
  }

  /**
   * Pastes next to cell `anchorId` (below it when `below`) what the system clipboard holds; V has
   * no paste event, so this reads it with navigator.clipboard (Chromium may ask the person once).
   * When reading is refused, or the last copy never reached the system clipboard, the in-page
   * copy is pasted instead.
   */
  private async pasteFromSystem(anchorId: string | null, below: boolean): Promise<void> {
    let data: ClipboardStrings | null = null;
    if (this.clipboardInSystem || !this.clipboard.length) {
      try {
        data = await readSystemClipboard(navigator.clipboard);
      } catch (e) {
        console.warn('pairbook: the system clipboard could not be read; using the in-page copy', e);
      }
    }
    if (!data && !this.clipboard.length) {
      this.actions.notify?.(
        'Pairbook may not read the clipboard here: allow clipboard access, or paste with Ctrl-V',
        'warning',
      );
      return;
    }
    this.pasteCells(data ?? { cells: JSON.stringify(this.clipboard) }, anchorId, below);
  }

  /** Checks clipboard contents and inserts them as new cells next to `anchorId`, or says why not. */
  private pasteCells(data: ClipboardStrings, anchorId: string | null, below: boolean): void {
    if (this.destroyed) return;
    // A role can change while the clipboard is read.
    if (!this.permissions.edit) return this.actions.readOnlyRefused?.();
    const parsed = parseClipboardCells(data, this.permissions.moveOutputs);
    if (!parsed.ok) return this.actions.notify?.(parsed.error.message, 'warning');
    const anchor = this.views.findIndex((v) => v.id === anchorId);
    const at = anchor < 0 ? this.views.length : below ? anchor + 1 : anchor;
    this.undoManager.stopCapturing();
    insertCells(this.doc, at, parsed.value);
    this.select(at + parsed.value.length - 1);
  }

  // A clipboard event is the notebook's when it is in command mode with the focus in it, and (for
  // copy and cut) no text is selected: selected output text copies as text.
  private ownsClipboardEvent(e: ClipboardEvent): boolean {
    if (this.destroyed || this.mode !== 'command') return false;
    const focus = document.activeElement;
    if (!focus || !this.element.contains(focus)) return false;
    if (focus.closest('.cm-editor, input, textarea, [contenteditable="true"]')) return false;
    if (e.type === 'paste') return true;
    const selection = document.getSelection();
    return !selection || selection.isCollapsed || selection.toString() === '';
  }

  private onCopyEvent = (e: ClipboardEvent): void => {
    if (this.pendingCopy) {
      if (e.clipboardData && writeCells(e.clipboardData, this.pendingCopy)) {
        this.pendingCopy = null;
        e.preventDefault();
      }
      return;
    }
    if (!this.ownsClipboardEvent(e) || !e.clipboardData) return;
    e.preventDefault();
    const cut = e.type === 'cut';
    if (cut && !this.permissions.edit) return this.actions.readOnlyRefused?.();
    this.undoManager.stopCapturing();
    this.copyCells(cut, false, e.clipboardData);
  };

  private onPasteEvent = (e: ClipboardEvent): void => {
    if (!this.ownsClipboardEvent(e)) return;
    e.preventDefault();
    const [, hi] = this.selectionRange();
    const d = e.clipboardData;
    this.pasteCells(
      {
        cells: d?.getData(CELLS_MIME),
        html: d?.getData('text/html'),
        text: d?.getData('text/plain'),
      },
      this.views[hi]?.id ?? null,
      true,
    );
  };

  private makeView(map: Y.Map<unknown>): CellView {
    const view = new CellView(map, {
      awareness: this.awareness,
      undoManager: this.undoManager,
      language: 'python',
      editKeys: (cell) => this.editKeys(cell),
      onActivate: (cell, mode) => this.activate(cell, mode),
      onRendered: (cell) => this.actions.rendered(cell.id),
      readOnly: () => !this.permissions.edit,
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

  private forget(view: CellView): void {
    this.groups.forget(view.element);
    this.farObserver.unobserve(view.element);
    this.painted.delete(view);
    view.destroy();
  }

  private editKeys(cell: CellView): KeyBinding[] {
    return Object.entries(EDIT_MODE_KEYS).map(([key, command]) => ({
      key,
      preventDefault: true,
      run: () => {
        this.active = this.views.indexOf(cell);
        this.anchor = this.active;
        this.execute(command);
        return true;
      },
    }));
  }

  private activate(cell: CellView, mode: 'command' | 'edit'): void {
    const index = this.views.indexOf(cell);
    if (index < 0) return;
    if (index !== this.active && this.mode === 'edit') this.views[this.active]?.leaveEdit();
    this.active = index;
    this.anchor = index;
    if (mode === 'edit') {
      this.mode = 'edit';
      this.paintSelection();
      if (!cell.view?.hasFocus) cell.edit(null);
    } else {
      this.mode = 'command';
      this.paintSelection();
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
    this.onRuntimeChange();
    this.paintSelection();
  }

  private onCellsChange = (event: Y.YArrayEvent<Y.Map<unknown>>): void => {
    const activeId = this.views[this.active]?.id;
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
    // Keep the same cell active when others insert or delete cells above it.
    const kept = this.views.findIndex((v) => v.id === activeId);
    if (kept >= 0 && event.transaction.origin !== LOCAL_ORIGIN) {
      const shift = kept - this.active;
      this.active = kept;
      this.anchor = Math.max(0, this.anchor + shift);
    }
    this.active = Math.min(this.active, Math.max(0, this.views.length - 1));
    this.anchor = Math.min(this.anchor, Math.max(0, this.views.length - 1));
    this.onRuntimeChange();
    this.paintSelection();
  };

  private onRuntimeChange = (): void => {
    const runtime = runtimeOf(this.doc);
    const queue = (runtime.get(RUNTIME.queue) as CellRun[] | undefined) ?? [];
    const lastRuns = runtime.get(RUNTIME.lastRuns);
    const position = new Map<string, number>();
    queue.forEach((r, i) => {
      if (!position.has(r.cellId)) position.set(r.cellId, i);
    });
    let anyRunning = false;
    for (const v of this.views) {
      const at = position.get(v.id) ?? -1;
      const queued = queue[at];
      const running = at === 0 && queued?.startedAt != null && queued.endedAt == null;
      anyRunning ||= running;
      const last =
        lastRuns instanceof Y.Map ? (lastRuns.get(v.id) as CellRun | undefined) : undefined;
      v.setRunState({ running, queued: at >= 0 && !running, run: queued ?? last ?? null });
    }
    if (anyRunning && !this.ticker) {
      this.ticker = setInterval(() => {
        const now = Date.now();
        this.views.forEach((v) => v.tick(now));
      }, 200);
    } else if (!anyRunning && this.ticker) {
      clearInterval(this.ticker);
      this.ticker = null;
    }
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
    const run = (e.target as HTMLElement).closest('[data-testid="cell-run-button"]');
    const view = this.viewFor(run?.closest('.cell') ?? null);
    if (!view) return;
    this.activate(view, 'command');
    this.execute('run-in-place');
  };

  private onDragStart = (e: DragEvent): void => {
    if (!this.permissions.edit) {
      e.preventDefault();
      return;
    }
    const handle = (e.target as HTMLElement).closest('.cell-drag-handle');
    const view = this.viewFor(handle?.closest('.cell') ?? null);
    if (!view) return;
    this.dragFrom = this.views.indexOf(view);
    view.element.classList.add('dragging');
    e.dataTransfer?.setData('text/plain', view.id);
    if (e.dataTransfer) e.dataTransfer.effectAllowed = 'move';
    e.dataTransfer?.setDragImage(view.element, 20, 20);
  };

  private onKeyDown = (e: KeyboardEvent): void => {
    if (this.mode === 'edit' || (e.target as HTMLElement).closest('.cm-editor')) return;
    const chord = keyChord(e, IS_MAC);
    const { command, pending } = resolveCommandKey(chord, this.pending);
    this.pending = pending;
    if (!command) return;
    e.preventDefault();
    e.stopPropagation();
    this.execute(command);
  };

  private dropIndex(e: DragEvent): number {
    const target = (e.target as HTMLElement).closest('.cell');
    const view = this.viewFor(target);
    const index = view ? this.views.indexOf(view) : -1;
    if (index < 0) return this.views.length;
    const box = (target as HTMLElement).getBoundingClientRect();
    return e.clientY > box.top + box.height / 2 ? index + 1 : index;
  }

  private onDragOver = (e: DragEvent): void => {
    if (this.dragFrom === null) return;
    e.preventDefault();
    const to = this.dropIndex(e);
    const last = this.views.length - 1;
    const mark: [HTMLElement, string] | null =
      to <= last
        ? [(this.views[to] as CellView).element, 'drop-before']
        : last >= 0
          ? [(this.views[last] as CellView).element, 'drop-after']
          : null;
    if (mark?.[0] === this.dropMark?.[0] && mark?.[1] === this.dropMark?.[1]) return;
    this.dropMark?.[0].classList.remove('drop-before', 'drop-after');
    mark?.[0].classList.add(mark[1]);
    this.dropMark = mark;
  };

  private onDrop = (e: DragEvent): void => {
    if (this.dragFrom === null) return;
    e.preventDefault();
    const from = this.dragFrom;
    const to = this.dropIndex(e);
    this.onDragEnd();
    const target = to > from ? to - 1 : to;
    if (target !== from) {
      moveCell(this.doc, from, target, this.permissions.moveOutputs);
      this.select(target);
    }
  };

  private onDragEnd = (): void => {
    this.dragFrom = null;
    this.dropMark?.[0].classList.remove('drop-before', 'drop-after');
    this.dropMark = null;
    this.element.querySelector('.cell.dragging')?.classList.remove('dragging');
  };
}

/** Writes `cells` in every clipboard form; false when the browser would not take them. */
function writeCells(data: DataTransfer, cells: readonly Cell[]): boolean {
  try {
    for (const [type, value] of Object.entries(cellsToClipboard(cells))) data.setData(type, value);
    return true;
  } catch (e) {
    console.warn('pairbook: the browser refused the cells for the clipboard', e);
    return false;
  }
}
