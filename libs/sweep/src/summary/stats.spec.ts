import { describe, expect, it } from 'vitest';
import { distribution, pairedDifference, proportion } from './stats';

describe('sweep statistics', () => {
  it('Wilson intervals: honest at 0 and at 1, symmetric at one half', () => {
    expect(proportion(0, 200)).toEqual({ count: 0, total: 200, rate: 0, ci95: [0, 0.0188453] });
    expect(proportion(200, 200).ci95).toEqual([0.981155, 1]);
    expect(proportion(10, 20)).toEqual({ count: 10, total: 20, rate: 0.5, ci95: [0.299298, 0.700702] });
    expect(proportion(0, 0)).toEqual({ count: 0, total: 0, rate: null, ci95: null });
  });

  it('quantiles interpolate between order statistics (R type 7)', () => {
    expect(distribution([4, 1, 3, 2, 5])).toEqual({ n: 5, mean: 3, min: 1, p5: 1.2, p25: 2, p50: 3, p75: 4, p95: 4.8, max: 5 });
    expect(distribution([]).p50).toBeNull();
  });

  it('paired differences: mean, 95 % interval, and which way each seed went', () => {
    expect(pairedDifference([1, 2, 3, 0, -1, 1])).toEqual({ n: 6, meanDifference: 1, ci95: [-0.131586, 2.13159], higher: 4, lower: 1, equal: 1 });
    expect(pairedDifference([2])).toEqual({ n: 1, meanDifference: 2, ci95: null, higher: 1, lower: 0, equal: 0 });
  });
});
