import { readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { PairbookError } from '../../protocol/errors';
import { KERNEL_OPTIONS, UsageError, oneFile, parseOptions, portOption } from './options';
import { exitCodeWhenAsked } from './parent-watch';
import type { NotebookSession } from '../session/notebook-session';

/** The app's data folder: `$PAIRBOOK_DATA_DIR`, else `~/.local/share/pairbook`. */
export function dataDir(): string {
  return process.env.PAIRBOOK_DATA_DIR || join(homedir(), '.local/share/pairbook');
}

function version(): string {
  const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8'));
  return String(pkg.version);
}

/**
 * `pairbook serve FILE [--port N] [--host ADDR] [--no-kernel] [--jupyter-server URL]`: opens FILE,
 * starts its kernel (with --no-kernel, none until one is chosen in the page; with
 * --jupyter-server, on that server) and serves the notebook editor to a
 * browser at the printed address (with its access token) until Ctrl-C, which saves, shuts the
 * kernel down and exits.
 */
export async function serve(args: string[]): Promise<number> {
  const options = serveOptions(args);
  if (!options) return 2;
  // The session, kernel and server code loads only now: a wrong option is refused at once.
  const { kernelPlan, startKernels } = await import('./kernel-options');
  const { BrowserShellServer } = await import('../browser-shell/browser-shell-server');
  const kernels = kernelPlan('serve', options.values);
  if (!kernels) return 2;
  const opened = await openWithPage(options.file);
  if (!opened) return 1;
  const { session, distDir } = opened;
  const { port } = options;
  const host = options.values.host ?? '127.0.0.1';
  const server = new BrowserShellServer(session, { distDir, port, host, version: version() });
  let url: string;
  try {
    url = await server.start();
  } catch (e) {
    process.stderr.write(
      `pairbook serve: cannot listen on ${host}${port === undefined ? '' : `:${port}`}: ` +
        `${(e as Error).message} — ` +
        'choose another --port\n',
    );
    await session.close();
    return 1;
  }
  if (!/^(127\.|\[::1\]|localhost)/.test(host)) {
    process.stderr.write(
      `pairbook: serving on ${host}, not loopback: anyone with the link can edit\n`,
    );
  }
  // Ctrl-C is taken from here on: whoever reads the address may interrupt at once, even while
  // starting the kernel still holds the event loop.
  const stopped = exitCodeWhenAsked(
    async () => {
      await server.stop();
      await session.close();
    },
    (why) => process.stderr.write(`\npairbook: ${why}: saving ${session.name} and exiting\n`),
  );
  process.stdout.write(`pairbook: serving ${session.name} at ${url}\n`);
  // Run requests wait in the queue while the kernel starts. With --no-kernel none starts, but the
  // kernel picker still offers the kernels.
  startKernels(session, kernels);
  return stopped;
}

/** The options of `pairbook serve`, or a UsageError's message on stderr and null. */
function serveOptions(args: string[]) {
  try {
    const parsed = parseOptions('serve', args, {
      port: { type: 'string' },
      host: { type: 'string' },
      ...KERNEL_OPTIONS,
    });
    return {
      file: oneFile('serve', parsed.positionals),
      port: portOption(parsed.values.port),
      values: parsed.values,
    };
  } catch (e) {
    if (!(e instanceof UsageError)) throw e;
    process.stderr.write(`pairbook serve: ${e.message}\n`);
    return null;
  }
}

/**
 * Opens `file` (first: a refusal comes at once, not after building the page) and the page's
 * bundle, saying what it recovered; null, said on stderr, when either fails.
 */
async function openWithPage(
  file: string,
): Promise<{ session: NotebookSession; distDir: string } | null> {
  const { NotebookSession } = await import('../session/notebook-session');
  const { ensureRendererBundle } = await import('../browser-shell/renderer-bundle');
  let session: NotebookSession;
  try {
    session = await NotebookSession.open(file, { dataDir: dataDir() });
  } catch (e) {
    if (!(e instanceof PairbookError)) throw e;
    process.stderr.write(`pairbook serve: ${e.message}\n`);
    return null;
  }
  let distDir: string;
  try {
    distDir = ensureRendererBundle();
  } catch (e) {
    await session.close();
    if (!(e instanceof PairbookError)) throw e;
    process.stderr.write(`pairbook serve: ${e.message}\n`);
    return null;
  }
  const r = session.recovery;
  if (r) {
    process.stderr.write(
      r.kind === 'replayed'
        ? `pairbook: recovered ${r.updates} unsaved edits from the last run\n`
        : `pairbook: ${r.message}\n`,
    );
  }
  return { session, distDir };
}
