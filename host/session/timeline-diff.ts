// A line diff of two texts (longest common subsequence over the lines between a common head and
// tail), with unchanged runs far from a change folded into a count.
import type { DiffLine } from '../../protocol/timeline-messages';

/** Unchanged lines shown around each change. */
const CONTEXT = 3;
/** Past this many lines × lines in the differing middle, it is shown as removed + added. */
const MAX_TABLE = 4_000_000;

/** The lines of `after` against those of `before`. */
export function diffLines(before: string, after: string): DiffLine[] {
  const a = before === '' ? [] : before.split('\n');
  const b = after === '' ? [] : after.split('\n');
  let head = 0;
  while (head < a.length && head < b.length && a[head] === b[head]) head++;
  let tail = 0;
  while (
    tail < a.length - head &&
    tail < b.length - head &&
    a[a.length - 1 - tail] === b[b.length - 1 - tail]
  )
    tail++;
  const out: DiffLine[] = a.slice(0, head).map((text) => ({ op: '=', text }));
  out.push(...middle(a.slice(head, a.length - tail), b.slice(head, b.length - tail)));
  out.push(...a.slice(a.length - tail).map((text) => ({ op: '=' as const, text })));
  return fold(out);
}

function middle(a: string[], b: string[]): DiffLine[] {
  if (a.length * b.length > MAX_TABLE) {
    return [
      ...a.map((text) => ({ op: '-' as const, text })),
      ...b.map((text) => ({ op: '+' as const, text })),
    ];
  }
  // lcs[i][j]: longest common subsequence of a[i..] and b[j..], in one flat table.
  const w = b.length + 1;
  const lcs = new Uint32Array((a.length + 1) * w);
  for (let i = a.length - 1; i >= 0; i--) {
    for (let j = b.length - 1; j >= 0; j--) {
      lcs[i * w + j] =
        a[i] === b[j]
          ? lcs[(i + 1) * w + j + 1]! + 1
          : Math.max(lcs[(i + 1) * w + j]!, lcs[i * w + j + 1]!);
    }
  }
  const out: DiffLine[] = [];
  let i = 0;
  let j = 0;
  while (i < a.length || j < b.length) {
    if (i < a.length && j < b.length && a[i] === b[j]) {
      out.push({ op: '=', text: a[i++]! });
      j++;
    } else if (i < a.length && (j >= b.length || lcs[(i + 1) * w + j]! >= lcs[i * w + j + 1]!)) {
      out.push({ op: '-', text: a[i++]! });
    } else {
      out.push({ op: '+', text: b[j++]! });
    }
  }
  return out;
}

// Unchanged lines more than CONTEXT from any change become one 'skip'.
function fold(lines: DiffLine[]): DiffLine[] {
  const near = new Uint8Array(lines.length);
  lines.forEach((l, i) => {
    if (l.op === '=') return;
    for (let k = Math.max(0, i - CONTEXT); k <= Math.min(lines.length - 1, i + CONTEXT); k++)
      near[k] = 1;
  });
  const out: DiffLine[] = [];
  let skipped = 0;
  lines.forEach((l, i) => {
    if (l.op === '=' && !near[i]) {
      skipped++;
      return;
    }
    if (skipped > 0) out.push({ op: 'skip', count: skipped });
    skipped = 0;
    out.push(l);
  });
  if (skipped > 0) out.push({ op: 'skip', count: skipped });
  return out;
}
