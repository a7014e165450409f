import { readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { PairbookError } from '../../protocol/errors';
import { KERNEL_OPTIONS, UsageError, oneFile, parseOptions, portOption } from './options';
import { stopWhenAsked } from './parent-watch';
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
  let file: string;
  let port: number | undefined;
  let parsed;
  try {
    parsed = parseOptions('serve', args, {
      port: { type: 'string' },
      host: { type: 'string' },
      ...KERNEL_OPTIONS,
    });
    file = oneFile('serve', parsed.positionals);
    port = portOption(parsed.values.port);
  } catch (e) {
    if (!(e instanceof UsageError)) throw e;
    process.stderr.write(`pairbook serve: ${e.message}\n`);
    return 2;
  }
  // The session, kernel and server code loads only now: a wrong option is refused at once.
  const { kernelPlan, startKernels } = await import('./kernel-options');
  const { NotebookSession } = await import('../session/notebook-session');
  const { ensureRendererBundle } = await import('../browser-shell/renderer-bundle');
  const { BrowserShellServer } = await import('../browser-shell/browser-shell-server');
  const kernels = kernelPlan('serve', parsed.values);
  if (!kernels) return 2;
  let session: NotebookSession;
  let distDir: string;
  try {
    // The file first: a refusal comes at once, not after building the page.
    session = await NotebookSession.open(file, { dataDir: dataDir() });
  } catch (e) {
    if (!(e instanceof PairbookError)) throw e;
    process.stderr.write(`pairbook serve: ${e.message}\n`);
    return 1;
  }
  try {
    distDir = ensureRendererBundle();
  } catch (e) {
    await session.close();
    if (!(e instanceof PairbookError)) throw e;
    process.stderr.write(`pairbook serve: ${e.message}\n`);
    return 1;
  }
  if (session.recovery) {
    const r = session.recovery;
    process.stderr.write(
      r.kind === 'replayed'
        ? `pairbook: recovered ${r.updates} unsaved edits from the last run\n`
        : `pairbook: ${r.message}\n`,
    );
  }
  const host = parsed.values.host ?? '127.0.0.1';
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
  const stopped = new Promise<number>((resolve) => {
    let stopping = false;
    const stop = async (signal: string) => {
      if (stopping) return;
      stopping = true;
      process.stderr.write(`\npairbook: ${signal}: saving ${session.name} and exiting\n`);
      let code = 0;
      try {
        await server.stop();
        await session.close();
      } catch (e) {
        process.stderr.write(`pairbook: saving failed: ${(e as Error).message}\n`);
        code = 1;
      }
      resolve(code);
    };
    stopWhenAsked((why) => void stop(why));
  });
  process.stdout.write(`pairbook: serving ${session.name} at ${url}\n`);
  // Run requests wait in the queue while the kernel starts. With --no-kernel none starts, but the
  // kernel picker still offers the kernels.
  startKernels(session, kernels);
  return stopped;
}
