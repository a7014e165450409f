import { pythonLanguage } from '@codemirror/lang-python';
import { classHighlighter, highlightCode } from '@lezer/highlight';

/** Longest source highlighted in a placeholder; longer ones are shown as plain text. */
const MAX_HIGHLIGHT_CHARS = 20_000;

/**
 * Fills `target` with `source` as highlighted Python (tok-* classes, as the live editors use),
 * without a CodeMirror view: what a cell far from the viewport shows.
 */
export function renderHighlighted(target: HTMLElement, source: string, language: string): void {
  target.textContent = '';
  if (language !== 'python' || source.length > MAX_HIGHLIGHT_CHARS) {
    target.textContent = source;
    return;
  }
  const tree = pythonLanguage.parser.parse(source);
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
