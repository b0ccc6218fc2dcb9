import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { precisionRuleFor, roundForKey } from './precision';

describe('report precision', () => {
  it('picks the rule from the key: fractions, simulated milliseconds, everything else', () => {
    expect(precisionRuleFor('hugeFraction')).toBe('fraction');
    expect(precisionRuleFor('finalHugeFraction')).toBe('fraction');
    expect(precisionRuleFor('relativeThroughput')).toBe('fraction');
    expect(precisionRuleFor('tMs')).toBe('time-ms');
    expect(precisionRuleFor('timeTo95PctMs')).toBe('time-ms');
    expect(precisionRuleFor('lostWorkVcpuSeconds')).toBe('significant');
    expect(precisionRuleFor('mbps')).toBe('significant');
  });

  it('removes float noise and negative zero, and keeps integers exactly', () => {
    expect(roundForKey('tMs', 0.1 + 0.2)).toBe(0.3);
    expect(roundForKey('hugeFraction', 2 / 3)).toBe(0.6667);
    expect(roundForKey('lostWorkVcpuSeconds', 1.1 * 3)).toBe(3.3);
    expect(Object.is(roundForKey('hugeFraction', -0.00001), 0)).toBe(true);
    expect(roundForKey('transferred', 4_714_000_123)).toBe(4_714_000_123);
  });

  it('rounding twice changes nothing (property)', () => {
    fc.assert(
      fc.property(fc.constantFrom('tMs', 'hugeFraction', 'mbps'), fc.double({ noNaN: true, noDefaultInfinity: true }), (key, value) => {
        const once = roundForKey(key, value);
        expect(roundForKey(key, once)).toBe(once);
      }),
      { numRuns: 300 },
    );
  });
});
