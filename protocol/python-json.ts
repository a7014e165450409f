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
  if (Number.isInteger(value) && !Object.is(value, -0)) return BigInt(value).toString();
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
 * "invalid JSON at line 12, column 5: Expected ',' or '}' after property value".
 */
export function parseJson(text: string, what = 'file'): Result<JsonValue> {
  try {
    return ok(JSON.parse(text) as JsonValue);
  } catch (e) {
    const message = (e as Error).message;
    const m = /position (\d+)/.exec(message);
    const pos = m ? Number(m[1]) : text.length;
    const { line, column } = lineAndColumn(text, pos);
    const reason = message
      .replace(/ in JSON at position \d+.*$/s, '')
      .replace(/^Unexpected end of JSON input$/, 'the text ends in the middle of a value');
    return err(
      new PairbookError(
        'invalid-json',
        `${what} is not valid JSON: line ${line}, column ${column}: ${reason}`,
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

const NUMBER = /-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/y;

/**
 * Parses JSON text that JSON.parse has already accepted, keeping as RawNumber every number
 * whose text Python would not reproduce. Used only to build save hints for files that are not
 * in Jupyter's canonical form.
 */
export function parseJsonWithRawNumbers(text: string): HintValue {
  let i = 0;
  const ws = () => {
    while (i < text.length && ' \t\n\r'.includes(text[i] as string)) i++;
  };
  const value = (): HintValue => {
    ws();
    const c = text[i];
    if (c === '{') {
      i++;
      const obj: HintObject = {};
      ws();
      if (text[i] === '}') return (i++, obj);
      for (;;) {
        ws();
        const key = str();
        ws();
        i++; // ':'
        obj[key] = value();
        ws();
        if (text[i++] === '}') return obj;
      }
    }
    if (c === '[') {
      i++;
      const arr: HintValue[] = [];
      ws();
      if (text[i] === ']') return (i++, arr);
      for (;;) {
        arr.push(value());
        ws();
        if (text[i++] === ']') return arr;
      }
    }
    if (c === '"') return str();
    if (text.startsWith('true', i)) return ((i += 4), true);
    if (text.startsWith('false', i)) return ((i += 5), false);
    if (text.startsWith('null', i)) return ((i += 4), null);
    NUMBER.lastIndex = i;
    const lexeme = (NUMBER.exec(text) as RegExpExecArray)[0];
    i += lexeme.length;
    const n = Number(lexeme);
    return formatNumber(n, undefined) === lexeme ? n : new RawNumber(lexeme, n);
  };
  const str = (): string => {
    const start = i;
    i++;
    while (text[i] !== '"') i += text[i] === '\\' ? 2 : 1;
    i++;
    return JSON.parse(text.slice(start, i)) as string;
  };
  return value();
}

/** Python's `str.splitlines(keepends=True)`, which nbformat uses to write multi-line strings. */
export function splitLinesPython(text: string): string[] {
  const lines: string[] = [];
  let start = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x0d && text.charCodeAt(i + 1) === 0x0a) i++;
    else if (!isLineBreak(c)) continue;
    lines.push(text.slice(start, i + 1));
    start = i + 1;
  }
  if (start < text.length) lines.push(text.slice(start));
  return lines;
}

function isLineBreak(c: number): boolean {
  return (
    c === 0x0a ||
    c === 0x0d ||
    c === 0x0b ||
    c === 0x0c ||
    c === 0x1c ||
    c === 0x1d ||
    c === 0x1e ||
    c === 0x85 ||
    c === 0x2028 ||
    c === 0x2029
  );
}
