import { UsageError, parseOptions, portOption } from './options';
import { stopWhenAsked } from './parent-watch';

/** Port `pairbook signal` listens on by default (y-webrtc's signaling server's). */
export const SIGNAL_PORT = 4444;

/**
 * `pairbook signal`: a standalone signaling server for hosts and guests on different networks
 * (docs/networks.md). Prints its ws:// URL; Ctrl-C stops it.
 */
export async function signal(args: string[]): Promise<number> {
  let port: number;
  let parsed;
  try {
    parsed = parseOptions('signal', args, {
      port: { type: 'string' },
      host: { type: 'string' },
      'trust-proxy': { type: 'boolean' },
    });
    port = portOption(parsed.values.port) ?? SIGNAL_PORT;
    if (parsed.positionals.length > 0) {
      throw new UsageError(`pairbook signal takes no file: got ${parsed.positionals.join(' ')}`);
    }
  } catch (e) {
    if (!(e instanceof UsageError)) throw e;
    process.stderr.write(`pairbook signal: ${e.message}\n`);
    return 2;
  }
  const { SignalingServer } = await import('../hub/signaling-server');
  const trustProxy = parsed.values['trust-proxy'] ?? false;
  const server = new SignalingServer({
    standalone: true,
    trustProxy,
    host: parsed.values.host ?? '127.0.0.1',
    port,
  });
  let url: string;
  try {
    url = await server.start();
  } catch (e) {
    process.stderr.write(`pairbook signal: cannot listen: ${(e as Error).message}\n`);
    return 1;
  }
  const proxy = trustProxy ? ' (client addresses from X-Forwarded-For)' : '';
  process.stdout.write(`pairbook: signaling server on ${url}${proxy}; Ctrl-C stops it\n`);
  return new Promise<number>((resolve) => {
    stopWhenAsked((why) => {
      process.stderr.write(`pairbook: ${why}: stopping the signaling server\n`);
      void server.stop().then(() => resolve(0));
    });
  });
}
