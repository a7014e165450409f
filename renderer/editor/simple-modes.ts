// Small stream-parser modes (CodeMirror 5 style, run by @codemirror/language's StreamLanguage) for
// the kernel languages Pairbook has no CodeMirror 6 package for yet: R, Julia and JavaScript.
// They highlight what a reader needs (comments, strings, numbers, keywords, constants, builtins,
// definitions); @codemirror/legacy-modes and @codemirror/lang-javascript would do more (see
// docs/renderer.md). Loaded on demand by languages.ts, in their own chunk.
import type { StreamParser, StringStream } from '@codemirror/language';

/** What a simple mode needs to know of a language. */
interface SimpleLanguage {
  name: string;
  keywords: readonly string[];
  /** Constants: TRUE, nothing, undefined… */
  atoms: readonly string[];
  builtins: readonly string[];
  /** Keywords after which a name is being defined (def, function…). */
  definers?: readonly string[];
  lineComment: string;
  /** Block comment delimiters, e.g. ["/*", "*\/"] or ["#=", "=#"]. */
  blockComment?: readonly [string, string];
  quotes: string;
  /** Characters that may start or continue an identifier besides letters, digits and `_`. */
  identifierExtra?: string;
}

interface State {
  /** Inside a block comment, a string (its quote) or neither. */
  inside: 'comment' | string | null;
  /** The last keyword was a definer: the next name is a definition. */
  defining: boolean;
}

/** A language's words and delimiters, made ready for the tokenizer. */
interface Compiled {
  lang: SimpleLanguage;
  keywords: ReadonlySet<string>;
  atoms: ReadonlySet<string>;
  builtins: ReadonlySet<string>;
  definers: ReadonlySet<string>;
  identifier: RegExp;
  open: string | null;
  close: string | null;
}

function compile(lang: SimpleLanguage): Compiled {
  const extra = (lang.identifierExtra ?? '').replace(/[\\\]^-]/g, '\\$&');
  const [open, close] = lang.blockComment ?? [null, null];
  return {
    lang,
    keywords: new Set(lang.keywords),
    atoms: new Set(lang.atoms),
    builtins: new Set(lang.builtins),
    definers: new Set(lang.definers ?? []),
    identifier: new RegExp(`^[A-Za-z_${extra}][\\w${extra}]*`),
    open,
    close,
  };
}

function inString(stream: StringStream, state: State, quote: string): string {
  while (!stream.eol()) {
    const c = stream.next();
    if (c === '\\') stream.next();
    else if (c === quote) {
      state.inside = null;
      return 'string';
    }
  }
  // Python-like languages need no continuation; R, Julia and JS strings run on across lines.
  return 'string';
}

/** The rest of the block comment or string the line starts inside of. */
function continued(m: Compiled, stream: StringStream, state: State, inside: string): string {
  if (inside === 'comment' && m.close) {
    if (stream.skipTo(m.close)) {
      stream.pos += m.close.length;
      state.inside = null;
    } else stream.skipToEnd();
    return 'comment';
  }
  return inString(stream, state, inside);
}

/** A comment or string starting at the stream, or null. */
function opening(m: Compiled, stream: StringStream, state: State): string | null {
  if (m.open && stream.match(m.open)) {
    state.inside = 'comment';
    return 'comment';
  }
  if (stream.match(m.lang.lineComment)) {
    stream.skipToEnd();
    return 'comment';
  }
  const c = stream.peek() ?? '';
  if (!m.lang.quotes.includes(c)) return null;
  stream.next();
  state.inside = c;
  return inString(stream, state, c);
}

/** The style of the word `name`: a keyword, a name being defined, an atom, a builtin. */
function wordStyle(m: Compiled, name: string, state: State): string {
  if (m.keywords.has(name)) {
    state.defining = m.definers.has(name);
    return 'keyword';
  }
  if (state.defining) {
    state.defining = false;
    return 'def';
  }
  if (m.atoms.has(name)) return 'atom';
  if (m.builtins.has(name)) return 'builtin';
  return 'variable';
}

function token(m: Compiled, stream: StringStream, state: State): string | null {
  if (state.inside) return continued(m, stream, state, state.inside);
  if (stream.eatSpace()) return null;
  const quoted = opening(m, stream, state);
  if (quoted) return quoted;
  const c = stream.peek() ?? '';
  if (stream.match(/^(?:0x[\da-f_]+|(?:\d[\d_]*\.?[\d_]*|\.\d[\d_]*)(?:e[+-]?\d+)?)[ilLn]?/i)) {
    return 'number';
  }
  const word = stream.match(m.identifier) as RegExpMatchArray | null;
  if (word) return wordStyle(m, word[0], state);
  stream.next();
  return /[-+*/%=<>!&|^~?:$@]/.test(c) ? 'operator' : null;
}

function simpleMode(lang: SimpleLanguage): StreamParser<State> {
  const m = compile(lang);
  return {
    name: lang.name,
    startState: () => ({ inside: null, defining: false }),
    token: (stream, state) => token(m, stream, state),
    languageData: {
      commentTokens: {
        line: lang.lineComment,
        ...(lang.blockComment ? { block: { open: m.open, close: m.close } } : {}),
      },
    },
  };
}

/** R (IRkernel). */
export const r = simpleMode({
  name: 'r',
  keywords: [
    'if',
    'else',
    'repeat',
    'while',
    'function',
    'for',
    'in',
    'next',
    'break',
    'return',
    'library',
    'require',
  ],
  atoms: ['NULL', 'NA', 'Inf', 'NaN', 'NA_integer_', 'NA_real_', 'NA_character_', 'TRUE', 'FALSE'],
  builtins: ['list', 'quote', 'bquote', 'eval', 'c', 'print', 'cat', 'paste', 'data.frame'],
  definers: [],
  lineComment: '#',
  quotes: '"\'`',
  identifierExtra: '.',
});

/** Julia (IJulia). */
export const julia = simpleMode({
  name: 'julia',
  keywords: [
    'begin',
    'function',
    'type',
    'struct',
    'immutable',
    'let',
    'macro',
    'for',
    'while',
    'quote',
    'if',
    'else',
    'elseif',
    'try',
    'finally',
    'catch',
    'do',
    'end',
    'export',
    'import',
    'using',
    'module',
    'baremodule',
    'return',
    'break',
    'continue',
    'global',
    'local',
    'const',
    'abstract',
    'primitive',
    'mutable',
    'where',
    'in',
    'isa',
  ],
  atoms: ['true', 'false', 'nothing', 'missing', 'NaN', 'Inf'],
  builtins: ['println', 'print', 'push!', 'length', 'size', 'zeros', 'ones', 'collect', 'map'],
  definers: ['function', 'struct', 'macro', 'module'],
  lineComment: '#',
  blockComment: ['#=', '=#'],
  quotes: '"',
  identifierExtra: '!',
});

/** JavaScript (IJavascript, Deno's kernel). */
export const javascript = simpleMode({
  name: 'javascript',
  keywords: [
    'break',
    'case',
    'catch',
    'class',
    'const',
    'continue',
    'debugger',
    'default',
    'delete',
    'do',
    'else',
    'export',
    'extends',
    'finally',
    'for',
    'function',
    'if',
    'import',
    'in',
    'instanceof',
    'let',
    'new',
    'of',
    'return',
    'super',
    'switch',
    'this',
    'throw',
    'try',
    'typeof',
    'var',
    'void',
    'while',
    'with',
    'yield',
    'async',
    'await',
    'from',
  ],
  atoms: ['true', 'false', 'null', 'undefined', 'NaN', 'Infinity'],
  builtins: ['console', 'Math', 'JSON', 'Object', 'Array', 'Promise', 'require', 'process'],
  definers: ['function', 'class'],
  lineComment: '//',
  blockComment: ['/*', '*/'],
  quotes: '"\'`',
  identifierExtra: '$',
});
