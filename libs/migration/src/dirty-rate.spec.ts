import { describe, expect, it } from 'vitest';
import { measuredDirtyRate } from './dirty-rate';

describe('measuredDirtyRate (calc-dirty-rate)', () => {
  it('reports whole MB/s, so nearly equal paces measure the same', () => {
    // 20 MB/s for one second is 4,882.8 pages of 4 KiB.
    expect(measuredDirtyRate(4882, 1e9)).toBe(20e6);
    expect(measuredDirtyRate(4880, 1e9)).toBe(20e6);
    expect(measuredDirtyRate(4883, 1e9)).toBe(20e6);
    expect(measuredDirtyRate(19_531, 1e9)).toBe(80e6);
    expect(measuredDirtyRate(0, 1e9)).toBe(0);
    // Over ten seconds, 40 MB/s.
    expect(measuredDirtyRate(97_656, 10e9)).toBe(40e6);
  });
});
