import { describe, expect, it } from 'vitest';
import {
  headingAbove,
  headingBelow,
  headingLevel,
  sectionEnd,
  sectionVisibility,
} from '../../../renderer/notebook/headings';

describe('headingLevel', () => {
  it.each([
    ['# Title', 1],
    ['text\n\n### Three\n## Two', 2],
    ['Setext\n======', 1],
    ['Setext\n------', 2],
    ['```\n# comment in code\n```', 0],
    ['#hashtag', 0],
    ['plain text', 0],
    ['    # indented code', 0],
  ])('%j is level %i', (source, level) => {
    expect(headingLevel(source)).toBe(level);
  });
});

describe('sectionVisibility', () => {
  // # A, code, ## B, code, # C, code
  const levels = [1, 0, 2, 0, 1, 0];

  it('hides a collapsed heading’s cells until the next heading as high', () => {
    const collapsed = [true, false, false, false, false, false];
    expect(sectionVisibility(levels, collapsed)).toEqual({
      hidden: [false, true, true, true, false, false],
      hiddenBelow: [3, 0, 0, 0, 0, 0],
    });
  });

  it('hides a nested collapsed heading’s cells only, and the last section runs to the end', () => {
    expect(sectionVisibility(levels, [false, false, true, false, true, false]).hidden).toEqual([
      false,
      false,
      false,
      true,
      false,
      true,
    ]);
  });

  it('keeps a nested collapsed heading hidden inside its collapsed parent', () => {
    const v = sectionVisibility(levels, [true, false, true, false, false, false]);
    expect(v.hidden).toEqual([false, true, true, true, false, false]);
    expect(v.hiddenBelow).toEqual([3, 0, 0, 0, 0, 0]);
  });

  it('finds section ends and the headings ← and → move to', () => {
    expect(sectionEnd(levels, 0)).toBe(4);
    expect(sectionEnd(levels, 2)).toBe(4);
    expect(sectionEnd(levels, 4)).toBe(6);
    expect(headingAbove(levels, 3)).toBe(2);
    expect(headingAbove(levels, 2)).toBe(0);
    expect(headingAbove(levels, 4)).toBe(0);
    expect(headingAbove(levels, 0)).toBe(-1);
    expect(headingBelow(levels, 0)).toBe(2);
    expect(headingBelow(levels, 5)).toBe(-1);
  });
});
