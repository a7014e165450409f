// The address a signaling socket is counted under for the per-address cap.
import { isIP } from 'node:net';

/** The key sockets are counted under: an IPv4 address, or an IPv6 address's /64. */
export function addressKey(address: string): string {
  const plain = address.replace(/%.*$/, '').toLowerCase();
  const v4 = /^(?:::ffff:)?(\d{1,3}(?:\.\d{1,3}){3})$/.exec(plain);
  if (v4) return v4[1] as string;
  if (!plain.includes(':')) return plain;
  const [head = '', tail] = plain.split('::');
  const h = head ? head.split(':') : [];
  const t = tail ? tail.split(':') : [];
  const groups =
    tail === undefined ? h : [...h, ...Array<string>(8 - h.length - t.length).fill('0'), ...t];
  return `${groups
    .slice(0, 4)
    .map((g) => Number.parseInt(g || '0', 16).toString(16))
    .join(':')}::/64`;
}

/**
 * The client address a reverse proxy appended to X-Forwarded-For (the last entry: those before it
 * are whatever the client sent); null when there is none or it is not an IP address.
 */
export function forwardedAddress(header: string | string[] | undefined): string | null {
  const joined = Array.isArray(header) ? header.join(',') : (header ?? '');
  const last = joined.split(',').at(-1)?.trim() ?? '';
  if (isIP(last)) return last;
  // Some proxies add the port: 203.0.113.7:41234, [2001:db8::7]:41234.
  const withPort = /^\[([^\]]+)\]:\d+$/.exec(last) ?? /^([\d.]+):\d+$/.exec(last);
  return withPort && isIP(withPort[1] as string) ? (withPort[1] as string) : null;
}
