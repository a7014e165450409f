// Terminal-style overwriting in stream text, as JupyterLab's removeOverwrittenChars
// (outputarea/src/model.ts) does it: first every backspace deletes the character before it on its
// line, then `\r\n` becomes `\n`, and a lone `\r` returns to the start of the line, the text
// after it overwriting the line character by character. A `\r` that ends the text is kept, so the
// next chunk overwrites the line. Two differences, both fixes: JupyterLab's regular expression
// lets two consecutive backspaces cancel each other ("abc\b\b\b" gives "ab"; here ""), and
// keeps a backspace with nothing to delete (here it is dropped, as a terminal ignores it). And
// this is linear in the text, where JupyterLab's loop is quadratic on long progress bars.

/** `text` with backspaces and carriage returns applied (see above). */
export function removeOverwrittenChars(text: string): string {
  return fixCarriageReturns(fixBackspaces(text));
}

// A line longer than this without a newline (a progress bar) is compacted at its last \r, so
// each chunk costs time in proportion to the chunk, not to the whole line.
const COMPACT_LINE_CHARS = 4096;

/**
 * Stream text fed chunk by chunk, with the same result as removeOverwrittenChars of all chunks
 * joined: finished lines are processed once, and only the raw last line is processed again.
 */
export class OverwritingText {
  private done = '';
  private rawLine = '';

  /** Adds `chunk` (raw stream text). */
  append(chunk: string): void {
    const raw = this.rawLine + chunk;
    const lastNewline = raw.lastIndexOf('\n');
    if (lastNewline >= 0) {
      this.done += removeOverwrittenChars(raw.slice(0, lastNewline + 1));
      this.rawLine = raw.slice(lastNewline + 1);
    } else this.rawLine = raw;
    const lastReturn = this.rawLine.lastIndexOf('\r');
    // Exact unless a later backspace would erase back across this \r, which no progress bar does.
    if (this.rawLine.length > COMPACT_LINE_CHARS && lastReturn > 0)
      this.rawLine =
        removeOverwrittenChars(this.rawLine.slice(0, lastReturn)) + this.rawLine.slice(lastReturn);
  }

  /** The text with overwrites applied; a trailing \r is kept. */
  get text(): string {
    return this.done + removeOverwrittenChars(this.rawLine);
  }
}

function fixBackspaces(text: string): string {
  if (!text.includes('\b')) return text;
  const out: string[] = [];
  for (const ch of text) {
    if (ch !== '\b') out.push(ch);
    else if (out.length > 0 && out[out.length - 1] !== '\n') out.pop();
  }
  return out.join('');
}

function fixCarriageReturns(text: string): string {
  if (!text.includes('\r')) return text;
  const lines = text.replace(/\r+\n/g, '\n').split('\n');
  return lines
    .map((line, i) => {
      if (!line.includes('\r')) return line;
      let result = '';
      for (const segment of line.split(/\r+/)) result = segment + result.slice(segment.length);
      return i === lines.length - 1 && line.endsWith('\r') ? result + '\r' : result;
    })
    .join('\n');
}
