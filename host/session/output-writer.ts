import * as Y from 'yjs';
import type { Output } from '../../protocol/nbformat';
import type { JsonObject } from '../../protocol/python-json';
import { createOutputMap } from '../../protocol/ydoc-nbformat';

/**
 * Writes a cell's outputs from index `from` on into its `outputs` Y.Array, changing as little
 * as it can: a stream that only grew gets the new text appended to its Y.Text, so a cell that
 * prints for minutes costs small updates, not the whole text again at every batch.
 */
export function writeOutputs(outputs: Y.Array<Y.Map<unknown>>, from: number, next: Output[]): void {
  let i = from;
  for (; i < next.length + from && i < outputs.length; i++) {
    const want = next[i - from] as Output;
    const have = outputs.get(i);
    if (!patchInPlace(have, want)) {
      outputs.delete(i, 1);
      outputs.insert(i, [createOutputMap(want as JsonObject)]);
    }
  }
  if (i < outputs.length) outputs.delete(i, outputs.length - i);
  if (i - from < next.length) {
    outputs.push(next.slice(i - from).map((o) => createOutputMap(o as JsonObject)));
  }
}

// Updates `have` to `want` when both are the same stream; returns false when it cannot.
function patchInPlace(have: Y.Map<unknown>, want: Output): boolean {
  if (want.output_type !== 'stream' || have.get('output_type') !== 'stream') return false;
  if (have.get('name') !== want.name) return false;
  const text = have.get('text');
  if (!(text instanceof Y.Text)) return false;
  const old = text.toString();
  const next = want.text as string;
  if (old === next) return true;
  let common = 0;
  const max = Math.min(old.length, next.length);
  while (common < max && old.charCodeAt(common) === next.charCodeAt(common)) common++;
  if (common < old.length) text.delete(common, old.length - common);
  if (common < next.length) text.insert(common, next.slice(common));
  return true;
}
