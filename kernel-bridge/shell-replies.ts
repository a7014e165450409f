// complete_reply and inspect_reply as the rest of Pairbook may trust them: whatever a kernel
// sends (a kernel is someone's code), what comes out has the declared shape and bounded sizes.
import type { JsonObject } from '../protocol/python-json';
import type { CompleteReplyContent, InspectReplyContent } from './messages';

/** Most completions kept from one reply (IPython offers a few thousand after `import `). */
export const MAX_MATCHES = 2000;
/** Longest completion kept. */
export const MAX_MATCH_CHARS = 1000;
/** Most characters of an inspection's text kept (a docstring; numpy's longest are ~20 000). */
export const MAX_INSPECT_CHARS = 64 * 1024;

const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * `raw` as a CompleteReplyContent for code of `codePoints` code points: an error reply or a
 * malformed one is no completions at the cursor.
 */
export function completeReply(
  raw: unknown,
  cursorPos: number,
  codePoints: number,
): CompleteReplyContent {
  const none: CompleteReplyContent = {
    status: 'ok',
    matches: [],
    cursor_start: cursorPos,
    cursor_end: cursorPos,
    metadata: {},
  };
  if (!isObject(raw) || raw.status !== 'ok' || !Array.isArray(raw.matches)) return none;
  const within = (n: unknown): n is number =>
    typeof n === 'number' && Number.isInteger(n) && n >= 0 && n <= codePoints;
  const start = within(raw.cursor_start) ? raw.cursor_start : cursorPos;
  const end = within(raw.cursor_end) && raw.cursor_end >= start ? raw.cursor_end : cursorPos;
  const matches = raw.matches
    .filter((m): m is string => typeof m === 'string' && m.length <= MAX_MATCH_CHARS)
    .slice(0, MAX_MATCHES);
  return {
    status: 'ok',
    matches,
    cursor_start: start,
    cursor_end: Math.max(start, end),
    metadata: {},
  };
}

/** `raw` as an InspectReplyContent keeping only its text/plain, cut at MAX_INSPECT_CHARS. */
export function inspectReply(raw: unknown): InspectReplyContent {
  const text = isObject(raw) && isObject(raw.data) ? raw.data['text/plain'] : undefined;
  if (!isObject(raw) || raw.status !== 'ok' || raw.found !== true || typeof text !== 'string') {
    return { status: 'ok', found: false, data: {}, metadata: {} };
  }
  const data: JsonObject = {
    'text/plain': text.length > MAX_INSPECT_CHARS ? `${text.slice(0, MAX_INSPECT_CHARS)}\n…` : text,
  };
  return { status: 'ok', found: true, data, metadata: {} };
}
