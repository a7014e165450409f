// Collapsing headings, as JupyterLab 4 does them: a markdown cell's heading level is the highest
// (smallest) level of the headings it holds; a collapsed heading hides the cells after it until the
// next heading of the same or a higher level. Pure functions of levels and collapsed flags.
import { lexer } from 'marked';

/** Could the source hold a markdown heading at all (ATX "#", or a setext underline)? */
const MAY_HAVE_HEADING = /(?:^|\n) {0,3}(?:#|[=-]+[ \t]*(?:\n|$))/;

/** The level (1–6) of the highest heading in markdown `source`, or 0 when it has none. */
export function headingLevel(source: string): number {
  if (!MAY_HAVE_HEADING.test(source)) return 0;
  let level = 0;
  for (const token of lexer(source)) {
    if (token.type === 'heading' && (level === 0 || token.depth < level)) level = token.depth;
  }
  return level;
}

/** What collapsed headings hide. */
export interface SectionVisibility {
  /** Per cell: hidden under a collapsed heading. */
  hidden: boolean[];
  /** Per cell: how many cells its collapsed heading hides (0 for others). */
  hiddenBelow: number[];
}

/**
 * Which cells collapsed headings hide. `levels[i]` is cell i's heading level (0: not a heading),
 * `collapsed[i]` whether it is a collapsed heading. A collapsed heading's section runs to the next
 * heading of the same or a higher level; a heading inside a hidden section is hidden with it.
 */
export function sectionVisibility(
  levels: readonly number[],
  collapsed: readonly boolean[],
): SectionVisibility {
  const hidden = levels.map(() => false);
  const hiddenBelow = levels.map(() => 0);
  let hiding = -1; // the collapsed heading whose section we are in
  for (let i = 0; i < levels.length; i++) {
    const level = levels[i] ?? 0;
    if (hiding >= 0 && level > 0 && level <= (levels[hiding] ?? 0)) hiding = -1;
    if (hiding >= 0) {
      hidden[i] = true;
      hiddenBelow[hiding] = (hiddenBelow[hiding] ?? 0) + 1;
    } else if (level > 0 && collapsed[i]) hiding = i;
  }
  return { hidden, hiddenBelow };
}

/** The index just past the section of the heading at `index` (the next heading as high, or the end). */
export function sectionEnd(levels: readonly number[], index: number): number {
  const level = levels[index] ?? 0;
  if (level === 0) return index + 1;
  let i = index + 1;
  while (i < levels.length && !((levels[i] ?? 0) > 0 && (levels[i] ?? 0) <= level)) i++;
  return i;
}

/**
 * ← in JupyterLab from cell `index` that is not a heading to collapse: the nearest heading above
 * of the same or a higher level than the cell's own (its section's, for a cell that is not a
 * heading), or -1.
 */
export function headingAbove(levels: readonly number[], index: number): number {
  let base = levels[index] ?? 0;
  if (base === 0) {
    for (let i = index - 1; i >= 0 && base === 0; i--) base = levels[i] ?? 0;
    if (base === 0) return -1;
  }
  for (let i = index - 1; i >= 0; i--) {
    const level = levels[i] ?? 0;
    if (level > 0 && level <= base) return i;
  }
  return -1;
}

/** → in JupyterLab from cell `index` that is not a heading to expand: the next heading below, or -1. */
export function headingBelow(levels: readonly number[], index: number): number {
  for (let i = index + 1; i < levels.length; i++) if ((levels[i] ?? 0) > 0) return i;
  return -1;
}
