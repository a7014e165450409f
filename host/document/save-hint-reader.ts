import {
  type HintObject,
  type HintValue,
  RawNumber,
  stringifyPython,
} from '../../protocol/python-json';
import { type SaveHint, createSaveHint } from '../../protocol/ydoc-nbformat';
import { SLICE_MS, nextSlice } from './loop-slices';

/** Longest one slice of readSaveHintInSlices runs before it lets the event loop serve others. */
export const HINT_SLICE_MS = SLICE_MS;

/** Tokens scanned between two looks at the clock. */
const TOKENS_PER_CLOCK_CHECK = 512;

const NUMBER = /-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/y;

/** An object or a list being read, with its key waiting for a value (objects). */
type Frame =
  | { list: false; value: HintObject; key: string | null }
  | { list: true; value: HintValue[]; onlyStrings: boolean };

/**
 * Reads the save hint of a notebook's text (what readSaveHint reads) in slices of about
 * HINT_SLICE_MS, taking turns with other sliced work (loop-slices.ts): for a 20 MB notebook, reading it at
 * once held every guest's edits for about a second.
 *
 * The hint is slim: a save asks of the file's strings only whether they were there, whole or as a
 * list of lines, so every string is kept as '' and every list of strings as []; numbers whose
 * spelling Python would not reproduce are RawNumbers, as parseJsonWithRawNumbers makes them. A
 * save with this hint is byte for byte the save with readSaveHint's, and the hint holds a few
 * objects a cell instead of a second copy of the notebook.
 */
export async function readSaveHintInSlices(
  text: string,
  ids: string[],
  sliceMs = HINT_SLICE_MS,
): Promise<SaveHint> {
  const scanner = new SlimHintScanner(text);
  while (!scanner.scan(performance.now() + sliceMs)) {
    await nextSlice();
  }
  return createSaveHint(scanner.result, ids);
}

/**
 * A JSON reader that can stop at any token and go on later: it keeps its place and the values
 * it is inside of. Expects valid JSON (the notebook was parsed when it was opened); throws on
 * anything else rather than guess.
 */
export class SlimHintScanner {
  /** The value read, once scan() returned true. */
  result: HintValue = null;
  private at = 0;
  private readonly stack: Frame[] = [];
  private done = false;

  constructor(private readonly text: string) {}

  /** Reads on until the text ends (returns true) or the clock passes `deadline` (false). */
  scan(deadline: number): boolean {
    const text = this.text;
    for (let n = 1; !this.done; n++) {
      if (n % TOKENS_PER_CLOCK_CHECK === 0 && performance.now() > deadline) return false;
      const i = skipSpaceAndSeparators(text, this.at);
      const c = text.charCodeAt(i);
      const top = this.stack[this.stack.length - 1];
      if (c === 0x7d || c === 0x5d) {
        // } or ]: the innermost object or list is complete.
        this.stack.pop();
        this.at = i + 1;
        if (!top) throw new Error(`save hint: unexpected ${text[i]} at ${i}`);
        this.put(top.list && top.onlyStrings ? [] : top.value);
      } else if (top && !top.list && top.key === null) {
        const end = stringEnd(text, i);
        top.key = keyAt(text, i, end);
        this.at = end;
      } else this.readValue(i, c);
    }
    return true;
  }

  private readValue(i: number, c: number): void {
    const text = this.text;
    if (c === 0x7b) {
      this.stack.push({ list: false, value: {}, key: null });
      this.at = i + 1;
    } else if (c === 0x5b) {
      this.stack.push({ list: true, value: [], onlyStrings: true });
      this.at = i + 1;
    } else if (c === 0x22) {
      this.at = stringEnd(text, i);
      this.put('');
    } else if (text.startsWith('true', i)) {
      this.at = i + 4;
      this.put(true);
    } else if (text.startsWith('false', i)) {
      this.at = i + 5;
      this.put(false);
    } else if (text.startsWith('null', i)) {
      this.at = i + 4;
      this.put(null);
    } else {
      NUMBER.lastIndex = i;
      const lexeme = NUMBER.exec(text)?.[0];
      if (lexeme === undefined) throw new Error(`save hint: unexpected text at ${i}`);
      const n = Number(lexeme);
      this.at = i + lexeme.length;
      this.put(stringifyPython(n) === lexeme ? n : new RawNumber(lexeme, n));
    }
  }

  // Hands a complete value to the object or list it is in, or makes it the result.
  private put(value: HintValue): void {
    const top = this.stack[this.stack.length - 1];
    if (!top) {
      this.result = value;
      this.done = true;
    } else if (top.list) {
      top.value.push(value);
      if (typeof value !== 'string') top.onlyStrings = false;
    } else {
      // As JSON.parse does: an own property, even for a key such as "__proto__".
      Object.defineProperty(top.value, top.key as string, {
        value,
        enumerable: true,
        writable: true,
        configurable: true,
      });
      top.key = null;
    }
  }
}

// Whitespace, and the ',' and ':' between values: the order of tokens already says what they are.
function skipSpaceAndSeparators(text: string, i: number): number {
  for (
    let c = text.charCodeAt(i);
    c === 32 || c === 10 || c === 44 || c === 58 || c === 13 || c === 9;
    c = text.charCodeAt(++i)
  );
  return i;
}

/** The offset just after the string that starts (with its quote) at `start`. */
function stringEnd(text: string, start: number): number {
  if (text.charCodeAt(start) !== 0x22) throw new Error(`save hint: expected a string at ${start}`);
  for (let from = start + 1; ;) {
    const quote = text.indexOf('"', from);
    if (quote === -1) throw new Error(`save hint: a string that never ends at ${start}`);
    let backslashes = 0;
    while (text.charCodeAt(quote - 1 - backslashes) === 0x5c) backslashes++;
    if (backslashes % 2 === 0) return quote + 1;
    from = quote + 1;
  }
}

function keyAt(text: string, start: number, end: number): string {
  const raw = text.slice(start + 1, end - 1);
  return raw.includes('\\') ? (JSON.parse(text.slice(start, end)) as string) : raw;
}
