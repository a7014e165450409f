// The notebook's keys and clicks: command-mode keys on the notebook element, the notebook's keys
// inside a cell's editor (keymap.ts says which), and clicks on a cell's controls (run button,
// collapsers, heading toggle), handled by delegation rather than a listener per cell.
import type { KeyBinding } from '@codemirror/view';
import type { CellFocus } from './cell-focus';
import type { CellSelection } from './cell-selection';
import type { CellView } from './cell-view';
import type { CommandTarget } from './command-target';
import type { NotebookCommand } from './commands';
import { EDIT_MODE_KEYS, type PendingKey, keyChord, resolveCommandKey } from './keymap';

const IS_MAC = /Mac|iPhone|iPad/.test(navigator.platform);

/** What the notebook's input handling sees of it (NotebookView). */
export interface InputTarget extends Pick<
  CommandTarget,
  'cellViews' | 'currentMode' | 'isHidden' | 'setHidden'
> {
  readonly element: HTMLElement;
  readonly selection: CellSelection;
  execute(command: NotebookCommand): boolean;
  viewFor(element: Element | null): CellView | undefined;
}

/** Turns keys and clicks into notebook commands. */
export class NotebookInput {
  /** The first key of a two-key sequence ("d d"), pressed just before. */
  private pending: PendingKey = null;

  constructor(
    private readonly notebook: InputTarget,
    private readonly focus: CellFocus,
  ) {
    notebook.element.addEventListener('keydown', this.onKeyDown);
    notebook.element.addEventListener('click', this.onClick);
  }

  /** The notebook's keys while editing `cell`, for its CodeMirror keymap. */
  editKeys(cell: CellView): KeyBinding[] {
    return Object.entries(EDIT_MODE_KEYS).map(([key, command]) => ({
      key,
      preventDefault: true,
      run: () => {
        const index = this.notebook.cellViews.indexOf(cell);
        this.notebook.selection.set(index, index);
        this.notebook.execute(command);
        // The key is the notebook's even where the command does not apply: CodeMirror's own
        // binding must not run instead (Mod-Enter would insert a line).
        return true;
      },
    }));
  }

  private onClick = (e: MouseEvent): void => {
    const target = e.target as HTMLElement;
    const control = target.closest(
      '[data-testid="cell-run-button"], .cell-collapser, .cell-hidden-part, .heading-toggle, .hidden-cells',
    ) as HTMLElement | null;
    const view = this.notebook.viewFor(control?.closest('.cell') ?? null);
    if (!control || !view) return;
    this.focus.activate(view, 'command');
    const testId = control.dataset.testid;
    if (testId === 'cell-run-button') this.notebook.execute('run-in-place');
    else if (testId === 'input-collapser' || testId === 'input-hidden') this.toggle(view, 'input');
    else if (testId === 'output-collapser' || testId === 'outputs-hidden') {
      this.toggle(view, 'outputs');
    } else if (testId === 'heading-toggle') this.toggle(view, 'heading');
    else if (testId === 'hidden-cells') this.notebook.setHidden([view], 'heading', false);
  };

  private toggle(view: CellView, part: 'input' | 'outputs' | 'heading'): void {
    this.notebook.setHidden([view], part, !this.notebook.isHidden(view, part));
  }

  private onKeyDown = (e: KeyboardEvent): void => {
    if (this.notebook.currentMode === 'edit' || (e.target as HTMLElement).closest('.cm-editor')) {
      return;
    }
    const { command, pending } = resolveCommandKey(keyChord(e, IS_MAC), this.pending);
    this.pending = pending;
    if (!command) return;
    e.preventDefault();
    e.stopPropagation();
    this.notebook.execute(command);
  };
}
