// The elements of a built cell: drag handle, gutter (prompt, run button) and body (input,
// outputs, last-run footer), what they show, and the line that asks for the kernel's input().
import { type Attachments, renderMarkdown } from '../outputs/markdown';
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
  /** Above the outputs, when they are stale: why (stale-marker.ts). */
  staleNote: HTMLElement;
  /** Shown instead of the input while it is hidden: "…" and the first line. */
  inputHidden: HTMLElement;
  /** Shown instead of the outputs while they are hidden. */
  outputsHidden: HTMLElement;
  /** A markdown heading's collapse toggle, in the gutter. */
  headingToggle: HTMLElement;
  /** Below a collapsed heading: how many cells it hides; a click shows them. */
  hiddenCells: HTMLElement;
}

const RUN_ICON = '<svg viewBox="0 0 16 16" aria-hidden="true"><path d="M4 2.5v11l9-5.5z"/></svg>';

const CARET_ICON = '<svg viewBox="0 0 16 16" aria-hidden="true"><path d="M4 6l4 4 4-4z"/></svg>';

function collapser(part: 'input' | 'outputs'): HTMLElement {
  const bar = el('div', 'cell-collapser', `${part === 'input' ? 'input' : 'output'}-collapser`);
  bar.dataset.part = part;
  bar.title = part === 'input' ? 'Hide or show the input' : 'Hide or show the outputs';
  return bar;
}

/**
 * Shows which parts of a built cell are hidden: the input or outputs (a "…" placeholder with a
 * preview of what is hidden), a heading's collapsed state and how many cells it hides.
 */
export function paintViewState(
  parts: CellParts,
  state: {
    inputHidden: boolean;
    outputsHidden: boolean;
    /** The heading's level (1–6), or 0 for a cell that is not a markdown heading. */
    headingLevel: number;
    headingCollapsed: boolean;
    hiddenCells: number;
    firstLine: string;
    outputCount: number;
  },
): void {
  parts.input.hidden = state.inputHidden;
  parts.inputHidden.hidden = !state.inputHidden;
  if (state.inputHidden) parts.inputHidden.textContent = `…  ${state.firstLine}`;
  const outputsHidden = state.outputsHidden && state.outputCount > 0;
  parts.outputs.classList.toggle('outputs-collapsed', outputsHidden);
  parts.outputsHidden.hidden = !outputsHidden;
  if (outputsHidden) {
    parts.outputsHidden.textContent = `…  ${state.outputCount} output${state.outputCount === 1 ? '' : 's'} hidden`;
  }
  parts.headingToggle.hidden = state.headingLevel === 0;
  parts.headingToggle.classList.toggle('collapsed', state.headingCollapsed);
  parts.headingToggle.setAttribute('aria-expanded', String(!state.headingCollapsed));
  parts.headingToggle.dataset.level = String(state.headingLevel);
  const hiding = state.headingLevel > 0 && state.headingCollapsed && state.hiddenCells > 0;
  parts.hiddenCells.hidden = !hiding;
  if (hiding) {
    parts.hiddenCells.textContent = `${state.hiddenCells} cell${state.hiddenCells === 1 ? '' : 's'} hidden`;
  }
}

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
    staleNote: el('div', 'stale-note', 'stale-note'),
    inputHidden: el('button', 'cell-hidden-part', 'input-hidden'),
    outputsHidden: el('button', 'cell-hidden-part', 'outputs-hidden'),
    headingToggle: el('button', 'heading-toggle icon-button', 'heading-toggle'),
    hiddenCells: el('button', 'hidden-cells', 'hidden-cells'),
  };
  const { prompt, runButton, input, editorHost, placeholder, rendered, outputs, footer } = parts;
  const { inputHidden, outputsHidden, headingToggle, hiddenCells, staleNote } = parts;
  staleNote.hidden = true;
  runButton.title = 'Run this cell (Shift-Enter)';
  runButton.setAttribute('aria-label', 'Run cell');
  runButton.innerHTML = RUN_ICON;
  const dragHandle = el('div', 'cell-drag-handle', 'cell-drag-handle');
  dragHandle.title = 'Drag to move this cell';
  dragHandle.draggable = true;
  headingToggle.title = 'Collapse or expand this section (← / →)';
  headingToggle.setAttribute('aria-label', 'Collapse section');
  headingToggle.innerHTML = CARET_ICON;
  headingToggle.hidden = true;
  hiddenCells.hidden = true;
  inputHidden.title = 'Show the input';
  outputsHidden.title = 'Show the outputs';
  for (const hidden of [inputHidden, outputsHidden]) hidden.hidden = true;
  const gutter = el('div', 'cell-gutter');
  gutter.append(prompt, runButton, headingToggle);
  const body = el('div', 'cell-body');
  input.append(editorHost, placeholder, rendered);
  // JupyterLab's collapsers: the bar left of the input and of the outputs hides them.
  const inputArea = el('div', 'cell-area');
  inputArea.append(collapser('input'), input, inputHidden);
  const outputArea = el('div', 'cell-area cell-output-area');
  outputArea.append(collapser('outputs'), outputs, outputsHidden);
  body.append(inputArea, staleNote, outputArea, footer, hiddenCells);
  cell.append(dragHandle, gutter, body);
  return parts;
}

/** Shows a markdown cell's `text` rendered in `box` (with its attachments), or how to edit it. */
export function showMarkdown(box: HTMLElement, text: string, attachments?: Attachments): void {
  box.innerHTML = text.trim()
    ? renderMarkdown(text, attachments ?? null)
    : '<p class="empty-markdown">Empty markdown cell — double-click to edit</p>';
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
