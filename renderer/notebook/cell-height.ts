// A guess at a cell's on-screen height from its document, for the empty box that stands in for a
// cell far from the viewport until it is built and measured. The numbers follow app.css; a wrong
// guess only moves the scrollbar a little (scroll anchoring keeps the view steady), so it is cheap
// rather than exact: it never renders anything.
import * as Y from 'yjs';

/** Height of a line of code in an input (13px × 1.55), px. */
const CODE_LINE_PX = 20.15;
/** Height of a line of text in a stream or error output (12.5px × 1.5), px. */
const OUTPUT_LINE_PX = 18.75;
/** Height of a rendered markdown line, on average (headings are taller), px. */
const MARKDOWN_LINE_PX = 24;
/** Characters that fit on one line of a cell at the page's width, roughly. */
const CHARS_PER_LINE = 110;
/** Cell padding, borders and input padding together, px. */
const CELL_CHROME_PX = 32;
/** Longest text output before it scrolls (app.css .output-text max-height), px. */
const TEXT_OUTPUT_MAX_PX = 480;
/** Longest outputs area before it scrolls (app.css .cell-outputs max-height), px. */
const OUTPUTS_MAX_PX = 1200;
/** A plot without size metadata, px. */
const IMAGE_GUESS_PX = 280;
/** Lines counted at most: past this the output scrolls anyway. */
const MAX_LINES_COUNTED = 64;

/** Visual lines of `text` (wrapped at CHARS_PER_LINE), counting at most MAX_LINES_COUNTED. */
export function countLines(text: string): number {
  let lines = 0;
  let from = 0;
  while (lines < MAX_LINES_COUNTED) {
    const end = text.indexOf('\n', from);
    const length = (end < 0 ? text.length : end) - from;
    lines += Math.max(1, Math.ceil(length / CHARS_PER_LINE));
    if (end < 0 || end === text.length - 1) break;
    from = end + 1;
  }
  return Math.min(lines, MAX_LINES_COUNTED);
}

const textOf = (v: unknown): string =>
  v instanceof Y.Text
    ? v.toString()
    : Array.isArray(v)
      ? v.join('')
      : typeof v === 'string'
        ? v
        : '';

const plainObject = (v: unknown): Record<string, unknown> =>
  v instanceof Y.Map
    ? (v.toJSON() as Record<string, unknown>)
    : v !== null && typeof v === 'object' && !Array.isArray(v)
      ? (v as Record<string, unknown>)
      : {};

/** Characters past which a text output surely scrolls (every line holds CHARS_PER_LINE at most). */
const SCROLLING_TEXT_CHARS = Math.ceil(TEXT_OUTPUT_MAX_PX / OUTPUT_LINE_PX) * CHARS_PER_LINE;

function outputHeight(output: Y.Map<unknown>): number {
  const type = output.get('output_type');
  if (type === 'stream') {
    const text = output.get('text');
    // Reading a long output's text only to learn that it scrolls costs more than the guess is worth.
    if (text instanceof Y.Text && text.length > SCROLLING_TEXT_CHARS) return TEXT_OUTPUT_MAX_PX + 8;
    return Math.min(TEXT_OUTPUT_MAX_PX, countLines(textOf(text)) * OUTPUT_LINE_PX) + 8;
  }
  if (type === 'error') {
    const trace = output.get('traceback');
    const text = Array.isArray(trace) ? trace.join('\n') : textOf(trace);
    return Math.min(TEXT_OUTPUT_MAX_PX, countLines(text) * OUTPUT_LINE_PX) + 8;
  }
  const bundle = plainObject(output.get('data'));
  if ('text/html' in bundle) return 200;
  for (const mime of ['image/png', 'image/jpeg', 'image/svg+xml', 'image/gif']) {
    if (!(mime in bundle)) continue;
    const m = plainObject(plainObject(output.get('metadata'))[mime]);
    return typeof m.height === 'number' ? m.height + 8 : IMAGE_GUESS_PX;
  }
  const plain = bundle['text/plain'];
  return Math.min(TEXT_OUTPUT_MAX_PX, countLines(textOf(plain)) * OUTPUT_LINE_PX) + 8;
}

/** The height, in px, a cell is likely to take once built. */
export function estimateCellHeight(cell: Y.Map<unknown>): number {
  const type = cell.get('cell_type');
  const source = textOf(cell.get('source'));
  if (type === 'markdown') return CELL_CHROME_PX + countLines(source) * MARKDOWN_LINE_PX;
  let height = CELL_CHROME_PX + countLines(source) * CODE_LINE_PX;
  const outputs = cell.get('outputs');
  if (type === 'code' && outputs instanceof Y.Array && outputs.length > 0) {
    let sum = 6;
    for (const o of outputs) if (o instanceof Y.Map) sum += outputHeight(o) + 4;
    height += Math.min(OUTPUTS_MAX_PX, sum);
  }
  return Math.round(height);
}
