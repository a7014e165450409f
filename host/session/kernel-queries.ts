// Completion and inspection for a client: the source it sees, asked of the kernel, positions
// translated between the editor's UTF-16 units and the messaging protocol's code points.
import type { Kernel } from '../../kernel-bridge';
import type { RequestResult } from '../../protocol/hub-messages';

/** Code points in `code` before UTF-16 position `at`. */
function codePointsBefore(code: string, at: number): number {
  let n = 0;
  for (let i = 0; i < at; i++) {
    const c = code.charCodeAt(i);
    // The high half of a surrogate pair counts; its low half does not.
    if (c < 0xdc00 || c > 0xdfff) n++;
  }
  return n;
}

/** The UTF-16 position of code point `n` of `code` (its length when past the end). */
function utf16At(code: string, n: number): number {
  let i = 0;
  for (let seen = 0; seen < n && i < code.length; seen++) {
    const c = code.charCodeAt(i);
    i += c >= 0xd800 && c <= 0xdbff && i + 1 < code.length ? 2 : 1;
  }
  return i;
}

/** What `kernel` could complete at UTF-16 position `cursor` of `code`. */
export async function completeWith(
  kernel: Kernel,
  code: string,
  cursor: number,
): Promise<RequestResult> {
  const reply = await kernel.complete(code, codePointsBefore(code, cursor));
  return {
    kind: 'completions',
    matches: reply.matches,
    from: utf16At(code, reply.cursor_start),
    to: utf16At(code, reply.cursor_end),
  };
}

/** What `kernel` knows of the name at UTF-16 position `cursor` of `code`, as text. */
export async function inspectWith(
  kernel: Kernel,
  code: string,
  cursor: number,
  detail: 0 | 1,
): Promise<RequestResult> {
  const reply = await kernel.inspect(code, codePointsBefore(code, cursor), detail);
  const text = reply.data['text/plain'];
  return { kind: 'inspection', found: reply.found, text: typeof text === 'string' ? text : '' };
}
