import { type ParseArgsConfig, parseArgs } from 'node:util';

/** The kernel options `serve` and `host` share, for parseOptions. */
export const KERNEL_OPTIONS = {
  'no-kernel': { type: 'boolean' },
  'jupyter-server': { type: 'string' },
} as const;

/** Their usage line. */
export const KERNEL_USAGE = '[--no-kernel] [--jupyter-server URL]';

/** A refusal of the command line: one line saying what is wrong and what to do. Exit code 2. */
export class UsageError extends Error {}

type Options = NonNullable<ParseArgsConfig['options']>;

/**
 * node:util parseArgs with messages a person can act on. `--expires -5` is read as the value
 * "-5" (parseArgs calls it ambiguous), so the option's own check can say what is wrong with it.
 * Throws UsageError.
 */
export function parseOptions<O extends Options>(command: string, args: string[], options: O) {
  const joined: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const arg = args[i] as string;
    const name = arg.startsWith('--') ? arg.slice(2) : null;
    const next = args[i + 1];
    if (name && options[name]?.type === 'string' && next !== undefined && /^-\d/.test(next)) {
      joined.push(`${arg}=${next}`);
      i++;
    } else joined.push(arg);
  }
  try {
    return parseArgs({ args: joined, allowPositionals: true, options, strict: true });
  } catch (e) {
    const code = (e as { code?: string }).code;
    const option = /'(-[^' ]+)/.exec((e as Error).message)?.[1] ?? '';
    const help = `see pairbook ${command} --help`;
    if (code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION')
      throw new UsageError(`unknown option ${option} (${help})`);
    if (code === 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE')
      throw new UsageError(
        options[option.replace(/^-+/, '')]?.type === 'boolean'
          ? `${option} takes no value (${help})`
          : `${option} needs a value (${help})`,
      );
    throw new UsageError(`${(e as Error).message} (${help})`);
  }
}

/** The one notebook file of `serve` and `host`. */
export function oneFile(command: string, positionals: string[]): string {
  const [file, ...extra] = positionals;
  if (!file) throw new UsageError(`name the notebook: pairbook ${command} FILE.ipynb`);
  if (extra.length > 0)
    throw new UsageError(
      `one notebook at a time: got ${[file, ...extra].map((f) => JSON.stringify(f)).join(', ')}`,
    );
  return file;
}

/** --port: a whole number 0–65535 (0: any free port); undefined when not given. */
export function portOption(value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const port = /^\d+$/.test(value) ? Number(value) : NaN;
  if (!(port >= 0 && port <= 65535))
    throw new UsageError(
      `--port must be a whole number from 0 to 65535 (0: any free port), not ${JSON.stringify(value)}`,
    );
  return port;
}
