// The elements of a built cell: drag handle, gutter (prompt, run button) and body (input,
// outputs, last-run footer), and the line that asks for the kernel's input().
import { renderOutput } from '../outputs/output-view';

/** A new element with a class and, optionally, a test id. */
export function el(tag: string, className: string, testId?: string): HTMLElement {
  const e = document.createElement(tag);
  e.className = className;
  if (testId) e.dataset.testid = testId;
  return e;
}

/** The parts of a cell on screen; built when the cell comes near the viewport. */
export interface CellParts {
  prompt: HTMLElement;
  runButton: HTMLElement;
  input: HTMLElement;
  editorHost: HTMLElement;
  placeholder: HTMLElement;
  rendered: HTMLElement;
  outputs: HTMLElement;
  footer: HTMLElement;
}

const RUN_ICON = '<svg viewBox="0 0 16 16" aria-hidden="true"><path d="M4 2.5v11l9-5.5z"/></svg>';

/** Builds a cell's parts into its element `cell`. */
export function buildCellParts(cell: HTMLElement): CellParts {
  const parts: CellParts = {
    prompt: el('div', 'cell-prompt', 'cell-prompt'),
    runButton: el('button', 'cell-run icon-button', 'cell-run-button'),
    input: el('div', 'cell-input'),
    editorHost: el('div', 'cell-editor-host'),
    placeholder: el('pre', 'cell-placeholder', 'cell-placeholder'),
    rendered: el('div', 'markdown-body cell-rendered', 'markdown-rendered'),
    outputs: el('div', 'cell-outputs', 'cell-outputs'),
    footer: el('div', 'cell-footer', 'cell-last-run'),
  };
  const { prompt, runButton, input, editorHost, placeholder, rendered, outputs, footer } = parts;
  runButton.title = 'Run this cell (Shift-Enter)';
  runButton.setAttribute('aria-label', 'Run cell');
  runButton.innerHTML = RUN_ICON;
  const dragHandle = el('div', 'cell-drag-handle', 'cell-drag-handle');
  dragHandle.title = 'Drag to move this cell';
  dragHandle.draggable = true;
  const gutter = el('div', 'cell-gutter');
  gutter.append(prompt, runButton);
  const body = el('div', 'cell-body');
  input.append(editorHost, placeholder, rendered);
  body.append(input, outputs, footer);
  cell.append(dragHandle, gutter, body);
  return parts;
}

/** Shows nbformat `outputs` in `box`, hidden when there are none. */
export function showOutputs(box: HTMLElement, outputs: readonly Record<string, unknown>[]): void {
  box.textContent = '';
  box.hidden = outputs.length === 0;
  for (const json of outputs) {
    try {
      box.append(renderOutput(json));
    } catch (e) {
      // One output that cannot be rendered must not hide the others.
      const fail = el('div', 'output-fallback', 'output-fallback');
      fail.textContent = `This output could not be shown: ${(e as Error).message}`;
      box.append(fail);
    }
  }
}

/**
 * A line asking for the kernel's `input()` or `getpass()`. On Enter it removes itself and gives
 * `answer` what the person typed.
 */
export function inputLine(
  prompt: string,
  password: boolean,
  answer: (value: string) => void,
): { row: HTMLElement; field: HTMLInputElement } {
  const row = el('label', 'input-prompt', 'input-prompt');
  const text = el('span', 'input-prompt-text');
  text.textContent = prompt;
  const field = document.createElement('input');
  field.type = password ? 'password' : 'text';
  field.dataset.testid = 'input-prompt-field';
  field.autocomplete = 'off';
  row.append(text, field);
  field.addEventListener('keydown', (e) => {
    e.stopPropagation();
    if (e.key !== 'Enter') return;
    e.preventDefault();
    row.remove();
    answer(field.value);
  });
  return { row, field };
}
