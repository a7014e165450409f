// The language code cells are highlighted in: the notebook's kernel language, from
// metadata.language_info.name (what the kernel said) or metadata.kernelspec.language, looked up
// among CodeMirror LanguageDescriptions (as @codemirror/language-data's list is, and loaded on
// demand the same way). A notebook that names no language is Python; one whose language has no
// mode here is plain text.
import { python } from '@codemirror/lang-python';
import { LanguageDescription, LanguageSupport, StreamLanguage } from '@codemirror/language';

const streamMode = (name: 'r' | 'julia' | 'javascript') => () =>
  import('./simple-modes').then((modes) => new LanguageSupport(StreamLanguage.define(modes[name])));

/** The kernel languages with a mode, by the names kernels give them. */
export const codeLanguages: readonly LanguageDescription[] = [
  LanguageDescription.of({
    name: 'Python',
    alias: ['python3', 'python2', 'ipython', 'ipython3', 'py'],
    extensions: ['py'],
    // Loaded with the editor: most notebooks are Python, and the first screen must not wait.
    support: python(),
  }),
  LanguageDescription.of({ name: 'R', alias: ['rlang'], extensions: ['r'], load: streamMode('r') }),
  LanguageDescription.of({ name: 'Julia', extensions: ['jl'], load: streamMode('julia') }),
  LanguageDescription.of({
    name: 'JavaScript',
    alias: ['js', 'node', 'nodejs', 'ecmascript', 'typescript', 'ts'],
    extensions: ['js', 'mjs', 'ts'],
    load: streamMode('javascript'),
  }),
];

const field = (value: unknown, key: string): unknown =>
  typeof value === 'object' && value !== null && !Array.isArray(value)
    ? (value as Record<string, unknown>)[key]
    : undefined;

/**
 * The kernel language a notebook's metadata names (language_info.name, else
 * kernelspec.language), or null when it names none. `get` reads a key of metadata.
 */
export function kernelLanguage(get: (key: string) => unknown): string | null {
  for (const [key, name] of [
    ['language_info', 'name'],
    ['kernelspec', 'language'],
  ] as const) {
    const value = field(get(key), name);
    if (typeof value === 'string' && value.trim()) return value.trim();
  }
  return null;
}

/** The description of kernel language `name` (null: none named, so Python), or null for plain text. */
export function findCodeLanguage(name: string | null): LanguageDescription | null {
  if (name === null) return codeLanguages[0] ?? null;
  return LanguageDescription.matchLanguageName(codeLanguages, name, false);
}
