import { check } from './check';
import { upgrade } from './upgrade';
import { serve } from './serve';
import { host } from './host';

/** One CLI command: its one-line usage and what it does. Resolves to the exit code. */
interface Command {
  usage: string;
  run(args: string[]): Promise<number>;
}

const COMMANDS: Record<string, Command> = {
  check: {
    usage: 'pairbook check FILE...    report whether each notebook opens and saves losslessly',
    run: check,
  },
  upgrade: {
    usage:
      'pairbook upgrade FILE     write an nbformat 4 copy of an nbformat 2/3 notebook beside it',
    run: upgrade,
  },
  serve: { usage: 'pairbook serve FILE [--port N]  edit a notebook in the browser', run: serve },
  host: { usage: 'pairbook host FILE [--role R] [--knock] [--json]  share it', run: host },
};

/** Entry point of `npx pairbook`. Returns the process exit code. */
export async function main(argv: string[]): Promise<number> {
  // stdout carries what the CLI says (JSON lines with `host --json`), but @jupyterlab/services
  // logs its WebSocket chatter with console.debug, which Node writes there too.
  console.debug = (...args: unknown[]) => {
    if (process.env.PAIRBOOK_DEBUG) console.error(...args);
  };
  const [name, ...args] = argv;
  const command = name ? COMMANDS[name] : undefined;
  if (!command) {
    const usage = Object.values(COMMANDS).map((c) => `  ${c.usage}`);
    const said = name && name !== '--help' && name !== 'help' ? `unknown command "${name}"\n` : '';
    process.stderr.write(`${said}usage:\n${usage.join('\n')}\n`);
    return name === '--help' || name === 'help' ? 0 : 2;
  }
  return command.run(args);
}
