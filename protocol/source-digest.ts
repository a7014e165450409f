// What a run request says about the code its sender saw: a digest of each cell's source, so the
// host runs exactly that code or refuses (a cell edited by someone else while the request was on
// its way). SHA-256 rather than a fast non-cryptographic hash: an editor must not be able to
// craft other code with the digest of code a runner reviewed. lib0's SHA-256 is synchronous in
// the browser too (WebCrypto's is not), so Shift-Enter sends its request at once.
import { toBase64UrlEncoded } from 'lib0/buffer';
import { digest } from 'lib0/hash/sha256';
import { encodeUtf8 } from 'lib0/string';
import * as Y from 'yjs';
import { cellsOf } from './ydoc-nbformat';

/** Length of a source digest: 128 bits of SHA-256 in base64url. */
export const SOURCE_DIGEST_CHARS = 22;

/** The digest of a cell's source: SHA-256 of its UTF-8 bytes, the first 16 bytes, base64url. */
export function sourceDigest(source: string): string {
  return toBase64UrlEncoded(digest(encodeUtf8(source)).subarray(0, 16));
}

/** True when `value` has the shape of a source digest. */
export function isSourceDigest(value: unknown): value is string {
  return (
    typeof value === 'string' &&
    value.length === SOURCE_DIGEST_CHARS &&
    /^[A-Za-z0-9_-]+$/.test(value)
  );
}

/**
 * The digest of the source of each of `cellIds` as `doc` holds it, in order; '' for an id that
 * is not a cell of `doc` (or has no text source).
 */
export function sourceDigests(doc: Y.Doc, cellIds: string[]): string[] {
  const wanted = new Set(cellIds);
  const sources = new Map<string, string>();
  for (const cell of cellsOf(doc)) {
    if (!(cell instanceof Y.Map)) continue;
    const id = cell.get('id');
    const source = cell.get('source');
    if (typeof id === 'string' && wanted.has(id) && !sources.has(id) && source instanceof Y.Text) {
      sources.set(id, source.toString());
    }
  }
  return cellIds.map((id) => {
    const source = sources.get(id);
    return source === undefined ? '' : sourceDigest(source);
  });
}
