import type { Language } from '@codemirror/language';
import { classHighlighter, highlightCode } from '@lezer/highlight';

/** Longest source highlighted in a placeholder; longer ones are shown as plain text. */
const MAX_HIGHLIGHT_CHARS = 20_000;

/**
 * Fills `target` with `source` highlighted in `language` (tok-* classes, as the live editors use;
 * null: plain text), without a CodeMirror view: what a cell far from the viewport shows.
 */
export function renderHighlighted(
  target: HTMLElement,
  source: string,
  language: Language | null,
): void {
  target.textContent = '';
  if (!language || source.length > MAX_HIGHLIGHT_CHARS) {
    target.textContent = source;
    return;
  }
  const tree = language.parser.parse(source);
  highlightCode(
    source,
    tree,
    classHighlighter,
    (text, classes) => {
      if (!classes) {
        target.append(text);
        return;
      }
      const span = document.createElement('span');
      span.className = classes;
      span.textContent = text;
      target.append(span);
    },
    () => target.append('\n'),
  );
}
