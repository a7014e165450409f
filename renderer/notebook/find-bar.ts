import type * as Y from 'yjs';
import { cellsOf } from '../../protocol/ydoc-nbformat';
import type { NotebookView } from './notebook-view';

/** One place the query was found: cell index and character range in its source. */
export interface FindMatch {
  cell: number;
  from: number;
  to: number;
}

/** Every case-insensitive occurrence of `query` in `sources`, in document order. */
export function findMatches(sources: readonly string[], query: string): FindMatch[] {
  if (!query) return [];
  const q = query.toLowerCase();
  const matches: FindMatch[] = [];
  sources.forEach((source, cell) => {
    const text = source.toLowerCase();
    for (let at = text.indexOf(q); at >= 0; at = text.indexOf(q, at + q.length)) {
      matches.push({ cell, from: at, to: at + q.length });
    }
  });
  return matches;
}

const button = (testId: string, label: string, svg: string): HTMLButtonElement => {
  const b = document.createElement('button');
  b.className = 'icon-button';
  b.dataset.testid = testId;
  b.title = label;
  b.setAttribute('aria-label', label);
  b.innerHTML = svg;
  return b;
};

/**
 * Find in notebook: searches the source of every cell in the shared document (mounted or not),
 * steps through the matches and selects each one in its cell.
 */
export class FindBar {
  readonly element = document.createElement('div');
  private readonly input = document.createElement('input');
  private readonly count = document.createElement('span');
  private matches: FindMatch[] = [];
  private current = -1;

  constructor(
    private readonly doc: Y.Doc,
    private readonly notebook: NotebookView,
  ) {
    this.element.className = 'find-bar';
    this.element.dataset.testid = 'find-bar';
    this.element.hidden = true;
    this.input.type = 'search';
    this.input.placeholder = 'Find in notebook';
    this.input.dataset.testid = 'find-input';
    this.input.setAttribute('aria-label', 'Find in notebook');
    this.count.className = 'find-count';
    this.count.dataset.testid = 'find-count';
    const prev = button(
      'find-previous',
      'Previous match (Shift-Enter)',
      '<svg viewBox="0 0 16 16"><path d="M3.5 10l4.5-4.5 4.5 4.5" fill="none" stroke="currentColor" stroke-width="1.6"/></svg>',
    );
    const next = button(
      'find-next',
      'Next match (Enter)',
      '<svg viewBox="0 0 16 16"><path d="M3.5 6l4.5 4.5 4.5-4.5" fill="none" stroke="currentColor" stroke-width="1.6"/></svg>',
    );
    const close = button(
      'find-close',
      'Close (Escape)',
      '<svg viewBox="0 0 16 16"><path d="M4 4l8 8M12 4l-8 8" stroke="currentColor" stroke-width="1.6"/></svg>',
    );
    this.element.append(this.input, this.count, prev, next, close);
    this.input.addEventListener('input', () => this.search());
    this.input.addEventListener('keydown', (e) => {
      if (e.key === 'Enter') {
        e.preventDefault();
        this.step(e.shiftKey ? -1 : 1);
      } else if (e.key === 'Escape') {
        e.preventDefault();
        this.close();
      }
    });
    prev.addEventListener('click', () => this.step(-1));
    next.addEventListener('click', () => this.step(1));
    close.addEventListener('click', () => this.close());
  }

  /** Shows the bar with the input focused. */
  open(): void {
    this.element.hidden = false;
    this.input.focus();
    this.input.select();
    this.search();
  }

  /** Hides the bar and returns to the notebook. */
  close(): void {
    this.element.hidden = true;
    this.notebook.cellViews.forEach((v) => v.element.classList.remove('find-hit'));
    this.notebook.enterCommandMode();
  }

  private search(): void {
    const sources = cellsOf(this.doc)
      .toArray()
      .map((c) => String(c.get('source') ?? ''));
    this.matches = findMatches(sources, this.input.value);
    const hit = new Set(this.matches.map((m) => m.cell));
    this.notebook.cellViews.forEach((v, i) => v.element.classList.toggle('find-hit', hit.has(i)));
    this.current = -1;
    this.paintCount();
  }

  private step(direction: 1 | -1): void {
    if (this.matches.length === 0) return this.search();
    this.current = (this.current + direction + this.matches.length) % this.matches.length;
    const m = this.matches[this.current] as FindMatch;
    this.notebook.select(m.cell);
    this.notebook.cellViews[m.cell]?.select(m.from, m.to);
    this.paintCount();
  }

  private paintCount(): void {
    const n = this.matches.length;
    this.count.textContent = !this.input.value
      ? ''
      : n === 0
        ? 'No results'
        : this.current < 0
          ? `${n} ${n === 1 ? 'match' : 'matches'}`
          : `${this.current + 1} of ${n}`;
  }
}
