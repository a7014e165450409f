// Copying and pasting cells through the system clipboard (docs/renderer.md, "Copying cells"):
// C, X and V from keys; Ctrl/Cmd-C, -X and -V as the browser's own copy, cut and paste events.
import type { Cell } from '../../protocol/nbformat';
import { cellFromMap } from '../../protocol/ydoc-nbformat';
import { insertCells } from './cell-operations';
import {
  CELLS_MIME,
  type ClipboardStrings,
  cellsToClipboard,
  parseClipboardCells,
  readSystemClipboard,
} from './cell-clipboard';
import type { CommandTarget } from './command-target';
import type { NotebookCommand } from './commands';

/** What copying and pasting see of the notebook (NotebookView). */
export interface CopyPasteTarget extends Omit<CommandTarget, 'clipboard'> {
  readonly element: HTMLElement;
  execute(command: NotebookCommand): boolean;
}

/** The notebook's side of the clipboard, with the last copy kept in the page. */
export class CopyPaste {
  /** The last cells this person copied: the fallback when the system clipboard is refused. */
  private copied: Cell[] = [];
  /** False when the last copy could not reach the system clipboard, which then holds older data. */
  private copiedInSystem = false;
  /** Cells a C or X key is copying, for the `copy` event its execCommand fires. */
  private pendingCopy: Cell[] | null = null;
  private destroyed = false;

  constructor(private readonly notebook: CopyPasteTarget) {
    // Clipboard events go to the focused element or the document; Ctrl-C/X/V in command mode
    // arrive here as native events (the only way to read a paste without a permission prompt).
    document.addEventListener('copy', this.onCopyEvent);
    document.addEventListener('cut', this.onCopyEvent);
    document.addEventListener('paste', this.onPasteEvent);
  }

  /**
   * Copies the selected cells: into `data` when a copy or cut event gives one; from a key (C or X)
   * by asking the browser for a `copy` event, which Chromium allows during a keypress, and which
   * the handler writes. The in-page copy is kept either way.
   */
  copySelection(data: DataTransfer | null = null): void {
    const { cellViews, selection } = this.notebook;
    const cells = cellViews.slice(selection.from, selection.to + 1).map((v) => cellFromMap(v.map));
    this.copied = cells;
    if (data) {
      this.copiedInSystem = writeCells(data, cells);
      return;
    }
    this.pendingCopy = cells;
    try {
      document.execCommand('copy');
    } catch (e) {
      console.warn('pairbook: the browser refused to copy cells to the system clipboard', e);
    }
    // The handler clears pendingCopy when the event came and it wrote the clipboard.
    this.copiedInSystem = this.pendingCopy === null;
    this.pendingCopy = null;
  }

  /**
   * Pastes next to cell `anchorId` (below it when `below`) what the system clipboard holds; V has
   * no paste event, so this reads it with navigator.clipboard (Chromium may ask the person once).
   * When reading is refused, or the last copy never reached the system clipboard, the in-page
   * copy is pasted instead.
   */
  async pasteFromSystem(anchorId: string | null, below: boolean): Promise<void> {
    let data: ClipboardStrings | null = null;
    if (this.copiedInSystem || !this.copied.length) {
      try {
        data = await readSystemClipboard(navigator.clipboard);
      } catch (e) {
        console.warn('pairbook: the system clipboard could not be read; using the in-page copy', e);
      }
    }
    if (!data && !this.copied.length) {
      this.notebook.actions.notify?.(
        'Pairbook may not read the clipboard here: allow clipboard access, or paste with Ctrl-V',
        'warning',
      );
      return;
    }
    this.pasteCells(data ?? { cells: JSON.stringify(this.copied) }, anchorId, below);
  }

  /** Stops taking clipboard events. Idempotent. */
  destroy(): void {
    this.destroyed = true;
    document.removeEventListener('copy', this.onCopyEvent);
    document.removeEventListener('cut', this.onCopyEvent);
    document.removeEventListener('paste', this.onPasteEvent);
  }

  /** Checks clipboard contents and inserts them as new cells next to `anchorId`, or says why not. */
  private pasteCells(data: ClipboardStrings, anchorId: string | null, below: boolean): void {
    if (this.destroyed) return;
    const { actions, cellViews, permissions } = this.notebook;
    // A role can change while the clipboard is read.
    if (!permissions.edit) return actions.readOnlyRefused?.();
    const parsed = parseClipboardCells(data, permissions.moveOutputs);
    if (!parsed.ok) return actions.notify?.(parsed.error.message, 'warning');
    const anchor = cellViews.findIndex((v) => v.id === anchorId);
    const at = anchor < 0 ? cellViews.length : below ? anchor + 1 : anchor;
    this.notebook.undoManager.stopCapturing();
    insertCells(this.notebook.doc, at, parsed.value);
    this.notebook.select(at + parsed.value.length - 1);
  }

  // A clipboard event is the notebook's when it is in command mode with the focus in it, and (for
  // copy and cut) no text is selected: selected output text copies as text.
  private ownsClipboardEvent(e: ClipboardEvent): boolean {
    if (this.destroyed || this.notebook.currentMode !== 'command') return false;
    const focus = document.activeElement;
    if (!focus || !this.notebook.element.contains(focus)) return false;
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
    const { actions, permissions, undoManager } = this.notebook;
    if (cut && !permissions.edit) return actions.readOnlyRefused?.();
    undoManager.stopCapturing();
    this.copySelection(e.clipboardData);
    if (cut) this.notebook.execute('delete-cells');
  };

  private onPasteEvent = (e: ClipboardEvent): void => {
    if (!this.ownsClipboardEvent(e)) return;
    e.preventDefault();
    const d = e.clipboardData;
    this.pasteCells(
      {
        cells: d?.getData(CELLS_MIME),
        html: d?.getData('text/html'),
        text: d?.getData('text/plain'),
      },
      this.notebook.cellViews[this.notebook.selection.to]?.id ?? null,
      true,
    );
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
