// `--ice URL` of `pairbook host` (docs/networks.md): STUN and TURN servers for the hub and its
// links. TURN credentials come from the environment, never the command line (other users of the
// machine can read a process's arguments): PAIRBOOK_TURN_SECRET, coturn's shared secret, from
// which the host mints short-lived credentials per link; or PAIRBOOK_TURN_USERNAME and
// PAIRBOOK_TURN_CREDENTIAL, a static user only the host uses.
import { parseIceUrl } from '../../protocol/invite';
import { type IceConfig, checkIceConfig } from '../hub/ice-servers';
import { UsageError } from './options';

/** The environment variables read for TURN credentials. */
export const TURN_ENV = [
  'PAIRBOOK_TURN_SECRET',
  'PAIRBOOK_TURN_USERNAME',
  'PAIRBOOK_TURN_CREDENTIAL',
];

/**
 * The ICE settings of `--ice` URLs and `env`; undefined when there are none. Throws a UsageError
 * saying what is wrong. Takes the credentials out of `env`, so the kernels the host starts (which
 * run guests' code) do not inherit them.
 */
export function iceOption(
  urls: readonly string[],
  env: Record<string, string | undefined> = process.env,
): IceConfig | undefined {
  const [secret, username, credential] = TURN_ENV.map((name) => env[name]);
  for (const name of TURN_ENV) delete env[name];
  if (urls.length === 0) return undefined;
  const stun: string[] = [];
  const turn: string[] = [];
  for (const url of urls) {
    const u = parseIceUrl(url);
    if (!u) {
      throw new UsageError(
        `--ice must be stun:HOST[:PORT] or turn:HOST[:PORT][?transport=udp|tcp] (turns: for ` +
          `TLS), without credentials, not ${JSON.stringify(url)}`,
      );
    }
    (u.scheme.startsWith('stun') ? stun : turn).push(url);
  }
  const config: IceConfig = stun.length ? { stun } : {};
  if (turn.length > 0) {
    if (secret) config.turn = { urls: turn, secret };
    else if (username && credential) config.turn = { urls: turn, username, credential };
    else {
      throw new UsageError(
        "--ice turn: needs the TURN server's shared secret in PAIRBOOK_TURN_SECRET (or a user " +
          'in PAIRBOOK_TURN_USERNAME and PAIRBOOK_TURN_CREDENTIAL): credentials never go on ' +
          'the command line',
      );
    }
  }
  try {
    checkIceConfig(config);
  } catch (e) {
    throw new UsageError(`--ice: ${(e as Error).message}`);
  }
  return config;
}
