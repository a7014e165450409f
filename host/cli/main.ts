import { KERNEL_USAGE } from './options';

// Commands load their code only when run: `--help` and a wrong option answer at once.
const SERVE_USAGE = `usage: pairbook serve FILE.ipynb [--port N] [--host 127.0.0.1] ${KERNEL_USAGE}`;
const HOST_USAGE =
  'usage: pairbook host FILE.ipynb [--role viewer|editor|runner] [--knock] [--json]\n' +
  '       [--listen ADDR] [--port N] [--signaling wss://...] [--ice URL] [--expires MINUTES]\n' +
  `       ${KERNEL_USAGE}`;

/** One CLI command: its one-line summary, its full usage (for --help), and what it does. */
interface Command {
  summary: string;
  usage: string;
  run(args: string[]): Promise<number>;
}

const COMMANDS: Record<string, Command> = {
  check: {
    summary: 'pairbook check FILE...    report whether each notebook opens and saves losslessly',
    usage:
      'usage: pairbook check FILE...\n' +
      'Reads each notebook, loads it and saves it to memory: "ok" when nothing would be lost.\n' +
      'Exit 0 when every file is ok, 1 otherwise.',
    run: async (args) => (await import('./check')).check(args),
  },
  upgrade: {
    summary:
      'pairbook upgrade FILE     write an nbformat 4 copy of an nbformat 2/3 notebook beside it',
    usage:
      'usage: pairbook upgrade FILE.ipynb\n' +
      'Writes FILE.v4.ipynb (nbformat 4.5) beside an nbformat 2 or 3 notebook; FILE is not touched.',
    run: async (args) => (await import('./upgrade')).upgrade(args),
  },
  serve: {
    summary: 'pairbook serve FILE [--port N]  edit a notebook in the browser',
    usage:
      `${SERVE_USAGE}\n` +
      'Opens FILE and prints the address of its editor (with its access token) for a browser.\n' +
      '  --port N               the port (default 8777, or the next free one)\n' +
      '  --host ADDR            the address to listen on (default 127.0.0.1)\n' +
      '  --no-kernel            start no kernel until one is chosen in the page\n' +
      "  --jupyter-server URL   use that Jupyter server's kernels (its link with ?token=)\n" +
      'Ctrl-C saves, stops the kernel and exits; so does the end of the process that started it.',
    run: async (args) => (await import('./serve')).serve(args),
  },
  host: {
    summary: 'pairbook host FILE [--role R] [--knock] [--json]  share it',
    usage:
      `${HOST_USAGE}\n` +
      'Shares FILE from a machine with no display and prints the invite link.\n' +
      '  --role R               what guests may do: viewer, editor (default) or runner\n' +
      '  --knock                ask before anyone joins (type "admit PEER" or "deny PEER")\n' +
      '  --json                 one JSON line per event on stdout\n' +
      '  --listen ADDR, --port N  where the signaling server listens (default 127.0.0.1, any port)\n' +
      '  --signaling wss://...  use this signaling server instead (repeatable)\n' +
      '  --ice URL              a STUN or TURN server for guests on other networks (repeatable):\n' +
      '                         stun:HOST:PORT, turn:HOST:PORT?transport=udp|tcp, turns:HOST:PORT;\n' +
      "                         TURN's coturn secret from PAIRBOOK_TURN_SECRET (docs/networks.md)\n" +
      '  --expires MINUTES      the link expires after this many minutes\n' +
      '  --no-kernel            start no kernel until a runner chooses one\n' +
      "  --jupyter-server URL   use that Jupyter server's kernels (its link with ?token=)\n" +
      'Ctrl-C stops sharing, saves and exits; so does the end of the process that started it.',
    run: async (args) => (await import('./host')).host(args),
  },
  signal: {
    summary: 'pairbook signal [--port N] [--host ADDR]  run a signaling server for a team',
    usage:
      'usage: pairbook signal [--port N] [--host ADDR] [--trust-proxy]\n' +
      'Runs a standalone signaling server that hosts name with `pairbook host --signaling URL`,\n' +
      'for guests who cannot reach the host directly (docs/networks.md). Each invite is reserved\n' +
      'to the host that first claimed it; the limits are those of the embedded server.\n' +
      '  --port N               the port (default 4444; 0: any free one)\n' +
      '  --host ADDR            the address to listen on (default 127.0.0.1: behind a TLS proxy)\n' +
      "  --trust-proxy          count sockets per client address from X-Forwarded-For's last\n" +
      '                         entry; only when every connection comes through your proxy\n' +
      'Ctrl-C stops it; so does the end of the process that started it.',
    run: async (args) => (await import('./signal')).signal(args),
  },
};

const isHelp = (arg: string | undefined) => arg === '--help' || arg === '-h' || arg === 'help';

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
    const usage = Object.values(COMMANDS).map((c) => `  ${c.summary}`);
    const said = name && !isHelp(name) ? `pairbook: unknown command "${name}"\n` : '';
    (isHelp(name) ? process.stdout : process.stderr).write(`${said}usage:\n${usage.join('\n')}\n`);
    return isHelp(name) ? 0 : 2;
  }
  const dashDash = args.indexOf('--');
  if (
    args.slice(0, dashDash < 0 ? undefined : dashDash).some((a) => a === '--help' || a === '-h')
  ) {
    process.stdout.write(`${command.usage}\n`);
    return 0;
  }
  try {
    return await command.run(args);
  } catch (e) {
    // A value nested deeper than the JavaScript stack allows, in a file or a message.
    if (!(e instanceof RangeError) || !/call stack/i.test(e.message)) throw e;
    process.stderr.write(
      `pairbook ${name}: a value nested too deeply to process (${e.message}); ` +
        'if the notebook opens in Jupyter, please report it\n',
    );
    return 1;
  }
}
