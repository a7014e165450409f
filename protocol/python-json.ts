import { PairbookError, type Result, err, ok } from './errors';

/** A JSON value. */
export type JsonValue = null | boolean | number | string | JsonValue[] | JsonObject;
/** A JSON object. */
export type JsonObject = { [key: string]: JsonValue };

/**
 * A number whose text in the file is not what Python would print for its value (`1.0`, `1E5`,
 * a 20-digit integer). Kept only in save hints, so an unchanged value is written back as it was.
 */
export class RawNumber {
  constructor(
    readonly text: string,
    readonly value: number,
  ) {}
}

/** A JSON value as read from a file, numbers with their original text where that matters. */
export type HintValue = null | boolean | number | string | RawNumber | HintValue[] | HintObject;
/** An object inside a HintValue. */
export type HintObject = { [key: string]: HintValue };

/**
 * Formats `value` exactly as Python's `json.dumps(value, indent=1, sort_keys=True,
 * ensure_ascii=False)` does, which is how Jupyter writes notebooks. `hint` is the value as it was
 * read from the file, walked in step: where a number is unchanged its original text is kept.
 */
export function stringifyPython(value: JsonValue, hint?: HintValue): string {
  const parts: string[] = [];
  write(value, hint, '\n', parts);
  return parts.join('');
}

function write(value: JsonValue, hint: HintValue | undefined, nl: string, out: string[]): void {
  if (value === null) out.push('null');
  else if (typeof value === 'string') out.push(JSON.stringify(value));
  else if (typeof value === 'number') out.push(formatNumber(value, hint));
  else if (typeof value === 'boolean') out.push(value ? 'true' : 'false');
  else if (Array.isArray(value)) {
    if (value.length === 0) return void out.push('[]');
    const inner = nl + ' ';
    const h = Array.isArray(hint) ? hint : undefined;
    out.push('[');
    for (let i = 0; i < value.length; i++) {
      out.push(i === 0 ? inner : ',' + inner);
      write(value[i] as JsonValue, h?.[i], inner, out);
    }
    out.push(nl, ']');
  } else {
    const keys = Object.keys(value).sort(compareCodePoints);
    if (keys.length === 0) return void out.push('{}');
    const inner = nl + ' ';
    const h = isHintObject(hint) ? hint : undefined;
    out.push('{');
    for (let i = 0; i < keys.length; i++) {
      const key = keys[i] as string;
      out.push(i === 0 ? inner : ',' + inner, JSON.stringify(key), ': ');
      write(value[key] as JsonValue, h?.[key], inner, out);
    }
    out.push(nl, '}');
  }
}

/** True for an object in a hint tree (not a list, not a RawNumber). */
export function isHintObject(h: HintValue | undefined): h is HintObject {
  return typeof h === 'object' && h !== null && !Array.isArray(h) && !(h instanceof RawNumber);
}

/** Orders strings by code point, as Python's `sorted` does (JS compares UTF-16 units). */
export function compareCodePoints(a: string, b: string): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const x = a.charCodeAt(i);
    const y = b.charCodeAt(i);
    if (x !== y) return codePointRank(x) - codePointRank(y);
  }
  return a.length - b.length;
}

// Surrogates (astral code points) sort after U+E000–U+FFFF in code point order.
function codePointRank(unit: number): number {
  if (unit >= 0xd800 && unit <= 0xdfff) return unit + 0x2000;
  if (unit >= 0xe000) return unit - 0x800;
  return unit;
}

function formatNumber(value: number, hint: HintValue | undefined): string {
  if (hint instanceof RawNumber && Object.is(hint.value, value)) return hint.text;
  // Integers print as Python ints: shortest digits, never an exponent.
  if (Number.isInteger(value) && !Object.is(value, -0)) {
    return Math.abs(value) < 1e21 ? String(value) : BigInt(value).toString();
  }
  return pythonFloatRepr(value);
}

/** Python's `repr(float)`: shortest round-trip digits, exponent when < 1e-4 or >= 1e16. */
export function pythonFloatRepr(value: number): string {
  if (Number.isNaN(value)) return 'NaN';
  if (!Number.isFinite(value)) return value > 0 ? 'Infinity' : '-Infinity';
  const sign = value < 0 || Object.is(value, -0) ? '-' : '';
  const [mantissa, expText] = Math.abs(value).toExponential().split('e') as [string, string];
  const digits = mantissa.replace('.', '');
  const exp = Number(expText);
  if (exp < -4 || exp >= 16) {
    const m = digits.length > 1 ? `${digits[0]}.${digits.slice(1)}` : digits;
    return `${sign}${m}e${exp < 0 ? '-' : '+'}${String(Math.abs(exp)).padStart(2, '0')}`;
  }
  if (exp < 0) return `${sign}0.${'0'.repeat(-exp - 1)}${digits}`;
  const intPart = digits.slice(0, exp + 1).padEnd(exp + 1, '0');
  const frac = digits.slice(exp + 1);
  return `${sign}${intPart}.${frac || '0'}`;
}

/**
 * Parses JSON text. On failure the error names the line and column, e.g.
 * "nb.ipynb is not valid JSON: line 12, column 5: expected ',' or '}'".
 */
export function parseJson(text: string, what = 'file'): Result<JsonValue> {
  try {
    return ok(JSON.parse(text) as JsonValue);
  } catch {
    // V8's message has no position on every version; scan again to say where it broke.
    const problem = locateJsonError(text);
    const { line, column } = lineAndColumn(text, problem.at);
    return err(
      new PairbookError(
        'invalid-json',
        `${what} is not valid JSON: line ${line}, column ${column}: ${problem.reason}`,
      ),
    );
  }
}

function lineAndColumn(text: string, pos: number): { line: number; column: number } {
  let line = 1;
  let lineStart = 0;
  for (let i = text.indexOf('\n'); i !== -1 && i < pos; i = text.indexOf('\n', i + 1)) {
    line++;
    lineStart = i + 1;
  }
  return { line, column: pos - lineStart + 1 };
}

class JsonSyntaxError extends Error {
  constructor(
    readonly at: number,
    readonly reason: string,
  ) {
    super(reason);
  }
}

/** Finds where and why JSON text is invalid (only called after JSON.parse refused it). */
function locateJsonError(text: string): { at: number; reason: string } {
  try {
    const end = skipSpace(
      text,
      scanJson(text, 0, () => undefined),
    );
    return { at: end, reason: 'unexpected text after the end of the JSON value' };
  } catch (e) {
    if (e instanceof JsonSyntaxError) return { at: e.at, reason: e.reason };
    throw e;
  }
}

const NUMBER = /-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/y;

/**
 * Parses JSON text, keeping as RawNumber every number whose text Python would not reproduce.
 * Used only to build save hints, so that an unchanged number is written back as it was.
 * Throws on invalid JSON (callers parse with parseJson first).
 */
export function parseJsonWithRawNumbers(text: string): HintValue {
  let result: HintValue = null;
  const end = scanJson(text, 0, (v) => {
    result = v;
  });
  if (skipSpace(text, end) !== text.length) throw new JsonSyntaxError(end, 'text after the value');
  return result;
}

function skipSpace(text: string, i: number): number {
  for (
    let c = text.charCodeAt(i);
    c === 32 || c === 9 || c === 10 || c === 13;
    c = text.charCodeAt(++i)
  );
  return i;
}

// A strict recursive-descent JSON reader: hands the value to `emit`, returns the end offset.
function scanJson(text: string, start: number, emit: (v: HintValue) => void): number {
  const fail = (at: number, reason: string): never => {
    throw new JsonSyntaxError(at, reason);
  };
  const value = (i: number): [HintValue, number] => {
    i = skipSpace(text, i);
    const c = text[i];
    if (c === undefined) return fail(i, 'the text ends where a value should be');
    if (c === '{') {
      const obj: HintObject = {};
      i = skipSpace(text, i + 1);
      if (text[i] === '}') return [obj, i + 1];
      for (;;) {
        i = skipSpace(text, i);
        if (text[i] !== '"') fail(i, 'expected a "quoted" property name');
        const [key, afterKey] = string(i);
        i = skipSpace(text, afterKey);
        if (text[i] !== ':') fail(i, "expected ':' after the property name");
        const [v, afterValue] = value(i + 1);
        obj[key] = v;
        i = skipSpace(text, afterValue);
        if (text[i] === '}') return [obj, i + 1];
        if (text[i] !== ',') fail(i, "expected ',' or '}' after a property value");
        i++;
      }
    }
    if (c === '[') {
      const arr: HintValue[] = [];
      i = skipSpace(text, i + 1);
      if (text[i] === ']') return [arr, i + 1];
      for (;;) {
        const [v, after] = value(i);
        arr.push(v);
        i = skipSpace(text, after);
        if (text[i] === ']') return [arr, i + 1];
        if (text[i] !== ',') fail(i, "expected ',' or ']' after a list item");
        i++;
        if (text[skipSpace(text, i)] === ']')
          fail(skipSpace(text, i), "a ',' before ']' (trailing commas are not JSON)");
      }
    }
    if (c === '"') return string(i);
    for (const [word, v] of [
      ['true', true],
      ['false', false],
      ['null', null],
    ] as const) {
      if (text.startsWith(word, i)) return [v, i + word.length];
    }
    NUMBER.lastIndex = i;
    const m = NUMBER.exec(text);
    if (!m) return fail(i, `unexpected character ${JSON.stringify(c)}`);
    const lexeme = m[0];
    const n = Number(lexeme);
    return [
      formatNumber(n, undefined) === lexeme ? n : new RawNumber(lexeme, n),
      i + lexeme.length,
    ];
  };
  const string = (start: number): [string, number] => {
    let i = start + 1;
    for (;;) {
      const c = text.charCodeAt(i);
      if (Number.isNaN(c)) fail(start, 'a string that never ends');
      if (c === 34) break;
      if (c < 32) fail(i, 'a control character inside a string (write it as \\n, \\t, ...)');
      i += c === 92 ? 2 : 1;
    }
    try {
      return [JSON.parse(text.slice(start, i + 1)) as string, i + 1];
    } catch {
      return fail(start, 'a string with an invalid escape');
    }
  };
  const [v, end] = value(start);
  emit(v);
  return end;
}

// A line and its ending, for each of the line boundaries Python's str.splitlines knows (some of
// which are control characters).
const LINE =
  // eslint-disable-next-line no-control-regex
  /[^\n\r\x0b\x0c\x1c-\x1e\x85\u2028\u2029]*(?:\r\n|[\n\r\x0b\x0c\x1c-\x1e\x85\u2028\u2029]|$)/y;

/** Python's `str.splitlines(keepends=True)`, which nbformat uses to write multi-line strings. */
export function splitLinesPython(text: string): string[] {
  const lines: string[] = [];
  LINE.lastIndex = 0;
  while (LINE.lastIndex < text.length) {
    lines.push((LINE.exec(text) as RegExpExecArray)[0]);
  }
  return lines;
}
