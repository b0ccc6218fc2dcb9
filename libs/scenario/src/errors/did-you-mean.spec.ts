import { describe, expect, it } from 'vitest';
import { closestMatch } from './did-you-mean';

describe('did you mean', () => {
  it.each([
    ['kernal', ['name', 'kernel', 'link'], 'kernel'],
    ['downtime_limit', ['downtime-limit', 'max-bandwidth'], 'downtime-limit'],
    ['DirtyRate', ['dirtyRate', 'pattern'], 'dirtyRate'],
    ['sequentail', ['uniform', 'sequential'], 'sequential'],
    ['dst-2', ['src-1', 'dst-1'], 'dst-1'],
  ])('%s suggests %s', (input, candidates, expected) => {
    expect(closestMatch(input, candidates)).toBe(expected);
  });

  it('unrelated words get no suggestion', () => {
    expect(closestMatch('bandwidth', ['name', 'kernel', 'link'])).toBeUndefined();
    expect(closestMatch('x', ['name', 'vm'])).toBeUndefined();
  });
});
