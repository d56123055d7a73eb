// findDuplicateJsonKey: repeated member names at any depth, compared after unescaping.
import { describe, expect, it } from 'vitest';
import { findDuplicateJsonKey } from '../../src/http/json-duplicate-keys';

describe('findDuplicateJsonKey', () => {
  it.each([
    ['{"a":1,"a":2}', 'a'],
    ['{"a":1,"\\u0061":2}', 'a'],
    ['{"x":{"b":1,"b":1}}', 'b'],
    ['[{"k":1},{"k":2,"k":3}]', 'k'],
    ['{ "a" : 1 , "a"\n: 2 }', 'a'],
  ])('finds the repeated name in %s', (text, name) => {
    expect(findDuplicateJsonKey(text)).toBe(name);
  });

  it.each([
    '{"a":1,"b":2}',
    '[{"a":1},{"a":2}]',
    '{"a":{"a":{"a":1}}}',
    '{"a":"a","b":["a","a"]}',
    '{"a":"he said \\"a\\": ","b":1}',
    '"a"',
    `${'['.repeat(5000)}${']'.repeat(5000)}`,
  ])('finds none in %s', (text) => {
    expect(findDuplicateJsonKey(text)).toBeNull();
  });
});
