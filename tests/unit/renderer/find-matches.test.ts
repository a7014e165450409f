import { expect, it } from 'vitest';
import { findMatches } from '../../../renderer/notebook/find-bar';

it('finds every case-insensitive occurrence in every cell, in order', () => {
  expect(findMatches(['Alpha alpha', 'beta', 'ALPHA'], 'alpha')).toEqual([
    { cell: 0, from: 0, to: 5 },
    { cell: 0, from: 6, to: 11 },
    { cell: 2, from: 0, to: 5 },
  ]);
  expect(findMatches(['x'], '')).toEqual([]);
});
