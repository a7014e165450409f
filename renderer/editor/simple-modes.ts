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

function simpleMode(lang: SimpleLanguage): StreamParser<State> {
  const keywords = new Set(lang.keywords);
  const atoms = new Set(lang.atoms);
  const builtins = new Set(lang.builtins);
  const definers = new Set(lang.definers ?? []);
  const extra = (lang.identifierExtra ?? '').replace(/[\\\]^-]/g, '\\$&');
  const identifier = new RegExp(`^[A-Za-z_${extra}][\\w${extra}]*`);
  const [open, close] = lang.blockComment ?? [null, null];

  const inString = (stream: StringStream, state: State, quote: string): string => {
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
  };

  return {
    name: lang.name,
    startState: () => ({ inside: null, defining: false }),
    token(stream, state) {
      if (state.inside === 'comment' && close) {
        if (stream.skipTo(close)) {
          stream.pos += close.length;
          state.inside = null;
        } else stream.skipToEnd();
        return 'comment';
      }
      if (state.inside) return inString(stream, state, state.inside);
      if (stream.eatSpace()) return null;
      if (open && stream.match(open)) {
        state.inside = 'comment';
        return 'comment';
      }
      if (stream.match(lang.lineComment)) {
        stream.skipToEnd();
        return 'comment';
      }
      const c = stream.peek() ?? '';
      if (lang.quotes.includes(c)) {
        stream.next();
        state.inside = c;
        return inString(stream, state, c);
      }
      if (stream.match(/^(?:0x[\da-f_]+|(?:\d[\d_]*\.?[\d_]*|\.\d[\d_]*)(?:e[+-]?\d+)?)[ilLn]?/i)) {
        return 'number';
      }
      const word = stream.match(identifier) as RegExpMatchArray | null;
      if (word) {
        const name = word[0];
        if (keywords.has(name)) {
          state.defining = definers.has(name);
          return 'keyword';
        }
        if (state.defining) {
          state.defining = false;
          return 'def';
        }
        if (atoms.has(name)) return 'atom';
        if (builtins.has(name)) return 'builtin';
        return 'variable';
      }
      stream.next();
      return /[-+*/%=<>!&|^~?:$@]/.test(c) ? 'operator' : null;
    },
    languageData: {
      commentTokens: {
        line: lang.lineComment,
        ...(lang.blockComment ? { block: { open, close } } : {}),
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
