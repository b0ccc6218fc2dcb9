import { describe, expect, it } from 'vitest';
import { formatSeeds, parseSeeds } from './seed-range';

describe('--seeds', () => {
  it('reads a range, one seed, and lists of both, sorted and each once', () => {
    expect(parseSeeds('1..5')).toEqual([1, 2, 3, 4, 5]);
    expect(parseSeeds('7')).toEqual([7]);
    expect(parseSeeds('10..12, 1,11,3..4')).toEqual([1, 3, 4, 10, 11, 12]);
    expect(parseSeeds('4294967294..4294967295')).toEqual([4294967294, 4294967295]);
  });

  it('writes them back in the shortest form it reads', () => {
    expect(formatSeeds(parseSeeds('1..200'))).toBe('1..200');
    expect(formatSeeds(parseSeeds('1..3,5,7..8'))).toBe('1..3,5,7..8');
  });

  it.each([
    ['10..1', '--seeds: found "10..1", a range that ends before it starts; expected seeds from 0 to 4294967295'],
    ['1-200', '--seeds: found "1-200" in "1-200", expected seeds from 0 to 4294967295: a range A..B with A <= B (1..200)'],
    ['', '--seeds: found nothing, expected seeds from 0 to 4294967295'],
    ['1..4294967296', '--seeds: found "1..4294967296", expected seeds from 0 to 4294967295'],
    ['-3', '--seeds: found "-3" in "-3", expected'],
    ['1..2000000', '--seeds: found "1..2000000", more than 1,000,000 seeds; expected at most that many'],
  ])('refuses %j, saying what it found and what it expects', (text, message) => {
    expect(() => parseSeeds(text)).toThrow(message);
  });
});
