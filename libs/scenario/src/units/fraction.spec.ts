import { describe, expect, it } from 'vitest';
import { parseFraction, parsePercentInteger } from './fraction';

describe('fractions and percents', () => {
  it.each([
    ['95%', 0.95],
    [0.95, 0.95],
    ['0.95', 0.95],
    ['33.3%', 0.333],
    ['100%', 1],
    ['0%', 0],
    [1, 1],
  ])('%j is %d', (input, fraction) => {
    expect(parseFraction(input)).toEqual({ ok: true, value: fraction });
  });

  it.each([
    [95, 'a fraction from 0 to 1 or a percent from 0% to 100%'],
    ['120%', 'a fraction from 0 to 1 or a percent from 0% to 100%'],
    [-0.1, 'a fraction from 0 to 1 or a percent from 0% to 100%'],
    ['most', 'a fraction such as 0.95 or a percent such as 95%'],
  ])('%j is rejected: expected %s', (input, expected) => {
    expect(parseFraction(input)).toEqual({ ok: false, expected });
  });

  it('QEMU throttle percents are whole numbers, written 20 or "20%"', () => {
    expect(parsePercentInteger(20, 1, 99)).toEqual({ ok: true, value: 20 });
    expect(parsePercentInteger('30%', 1, 99)).toEqual({ ok: true, value: 30 });
    expect(parsePercentInteger(100, 1, 99)).toEqual({ ok: false, expected: 'a whole percent from 1 to 99, such as 20' });
    expect(parsePercentInteger(12.5, 1, 99).ok).toBe(false);
  });
});
