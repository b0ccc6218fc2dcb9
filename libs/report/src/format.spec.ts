import { describe, expect, it } from 'vitest';
import { formatBytes, formatCount, formatDurationMs, formatPercent } from './format';

describe('number formats users read', () => {
  it('durations keep 3 significant digits with a unit that fits the size', () => {
    expect([0.4, 96.125, 212.5, 4510, 42_032, 137_000, 754_000].map(formatDurationMs)).toEqual([
      '0.40 ms',
      '96.1 ms',
      '213 ms',
      '4.51 s',
      '42.0 s',
      '137 s',
      '12.6 min',
    ]);
    expect(formatDurationMs(null)).toBe('—');
  });

  it('sizes use binary units', () => {
    expect([9, 4096, 512 * 1024 ** 2, 4_714_000_000, 16 * 1024 ** 3].map(formatBytes)).toEqual(['9 B', '4.00 KiB', '512 MiB', '4.39 GiB', '16.0 GiB']);
  });

  it('counts are grouped by thousands and fractions shown as percentages', () => {
    expect(formatCount(1_048_576)).toBe('1,048,576');
    expect(formatCount(999)).toBe('999');
    expect(formatPercent(0.9523)).toBe('95.2 %');
    expect(formatPercent(1)).toBe('100.0 %');
  });
});
