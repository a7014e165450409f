import { describe, expect, it } from 'vitest';
import { splitSelectors } from '../../../renderer/outputs/scoped-style';

describe('splitSelectors', () => {
  it.each([
    ['.a, .b', ['.a', '.b']],
    ['.dataframe tbody tr th:only-of-type', ['.dataframe tbody tr th:only-of-type']],
    [':is(a, b) c, d', [':is(a, b) c', 'd']],
    ['[title="a,b"], body', ['[title="a,b"]', 'body']],
    ["[title='a,\\'b'], i", ["[title='a,\\'b']", 'i']],
    ['a\\,body, body', ['a\\,body', 'body']],
    ['a:not([x=","]), b', ['a:not([x=","])', 'b']],
  ])('%j is %j', (list, selectors) => {
    expect(splitSelectors(list)).toEqual(selectors);
  });
});
