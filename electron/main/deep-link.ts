import type { Result } from '../../protocol/errors';

/** The scheme Pairbook registers with the OS for invite links. */
export const DEEP_LINK_SCHEME = 'pairbook';
/** Longest link accepted, in characters (an invite with a few signaling URLs fits easily). */
export const MAX_DEEP_LINK_CHARS = 8 * 1024;
/** Longest value of one link parameter, in characters. */
export const MAX_PARAM_CHARS = 4 * 1024;
/** Most parameters one link may carry. */
export const MAX_PARAMS = 16;

/** A `pairbook://join?...` link that passed validation, for the renderer to ask about. */
export interface JoinLink {
  kind: 'join';
  /** The link as received. */
  href: string;
  /** Its query parameters, each key once. What they mean is the invite's business (issue 5). */
  params: Record<string, string>;
}

const PARAM_KEY = /^[a-z][a-z0-9_-]{0,31}$/i;
// C0 and C1 controls and the characters bidi spoofing uses: never part of a real invite.
// eslint-disable-next-line no-control-regex
const UNSAFE_CHARS = /[\u0000-\u001f\u007f-\u009f\u200e\u200f\u202a-\u202e\u2066-\u2069]/;

/**
 * Parses a `pairbook://` link handed to the app by the OS (untrusted: any web page can make one).
 * Accepts only `pairbook://join?key=value&...` with at most MAX_PARAMS distinct, plainly named
 * parameters; the error says why a link was refused. It does not decide whether to join: the
 * renderer asks the person first.
 */
export function parseDeepLink(link: string): Result<JoinLink, string> {
  if (typeof link !== 'string') return { ok: false, error: 'the link is not text' };
  if (link.length > MAX_DEEP_LINK_CHARS) {
    return { ok: false, error: `the link is longer than ${MAX_DEEP_LINK_CHARS} characters` };
  }
  if (UNSAFE_CHARS.test(link) || /\s/.test(link)) {
    return { ok: false, error: 'the link contains spaces or control characters' };
  }
  let url: URL;
  try {
    url = new URL(link);
  } catch {
    return { ok: false, error: 'the link is not a valid address' };
  }
  if (url.protocol !== `${DEEP_LINK_SCHEME}:`) {
    return { ok: false, error: `not a ${DEEP_LINK_SCHEME}:// link` };
  }
  if (url.username || url.password || url.port) {
    return { ok: false, error: 'the link carries a user name, password or port' };
  }
  if (url.hostname !== 'join' || (url.pathname !== '' && url.pathname !== '/')) {
    return { ok: false, error: `unknown link "${url.hostname}${url.pathname}": only join links` };
  }
  if (url.hash) return { ok: false, error: 'the link has a #fragment; invite links have none' };
  const params: Record<string, string> = {};
  let count = 0;
  for (const [key, value] of url.searchParams) {
    if (!PARAM_KEY.test(key)) return { ok: false, error: `unexpected parameter name "${key}"` };
    if (Object.hasOwn(params, key)) return { ok: false, error: `parameter "${key}" repeats` };
    if (value.length === 0) return { ok: false, error: `parameter "${key}" is empty` };
    if (value.length > MAX_PARAM_CHARS || UNSAFE_CHARS.test(value)) {
      return { ok: false, error: `parameter "${key}" is too long or has control characters` };
    }
    if (++count > MAX_PARAMS) return { ok: false, error: `more than ${MAX_PARAMS} parameters` };
    params[key] = value;
  }
  if (count === 0) return { ok: false, error: 'the join link carries no invite' };
  return { ok: true, value: { kind: 'join', href: link, params } };
}
