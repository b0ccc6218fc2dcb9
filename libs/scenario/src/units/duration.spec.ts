import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseDuration } from './duration';
import { formatDuration } from './format-units';

describe('durations', () => {
  it.each([
    ['300ms', 300e6],
    ['10s', 10e9],
    ['2m', 120e9],
    ['1h', 3600e9],
    ['500us', 500e3],
    ['500µs', 500e3],
    ['250ns', 250],
    ['0.1ms', 100e3],
    ['1.5s', 1.5e9],
    ['1m30s', 90e9],
    ['1h 30m', 5400e9],
  ])('%j is %d ns', (input, ns) => {
    expect(parseDuration(input)).toEqual({ ok: true, value: ns });
  });

  it.each([
    ['3 minutes', {}, 'a duration such as 300ms, 10s or 2m'],
    ['10', {}, 'a duration such as 300ms, 10s or 2m (a number needs a unit)'],
    [10, {}, 'a duration such as 300ms, 10s or 2m (a number needs a unit)'],
    ['-5s', { allowZero: true }, 'a duration of zero or more such as 300ms, 10s or 2m'],
    ['-5s', {}, 'a duration greater than zero such as 300ms, 10s or 2m'],
    ['0s', {}, 'a duration greater than zero such as 300ms, 10s or 2m'],
    ['0.5ns', {}, 'a whole number of nanoseconds, a duration such as 300ms, 10s or 2m'],
    ['2M', {}, 'a duration such as 300ms, 10s or 2m'],
    ['fast', { allowZero: true }, 'a duration such as 300ms, 10s or 2m'],
    ['fast', { bareNumberUnit: 's' as const }, 'a duration such as 300ms, 10s or 2m, or a number of seconds'],
    [-3, { bareNumberUnit: 's' as const }, 'a duration greater than zero such as 300ms, 10s or 2m'],
  ])('%j (options %j) is rejected: expected %s', (input, options, expected) => {
    expect(parseDuration(input, options)).toEqual({ ok: false, expected });
  });

  it('a bare number takes the unit of its field: seconds for KubeVirt timeouts, milliseconds for QEMU downtime-limit', () => {
    expect(parseDuration(150, { bareNumberUnit: 's' })).toEqual({ ok: true, value: 150e9 });
    expect(parseDuration(300, { bareNumberUnit: 'ms' })).toEqual({ ok: true, value: 300e6 });
    expect(parseDuration(0.5, { bareNumberUnit: 'ms' })).toEqual({ ok: true, value: 500e3 });
  });

  it('zero is a valid start time', () => {
    expect(parseDuration(0, { allowZero: true })).toEqual({ ok: true, value: 0 });
    expect(parseDuration('0s', { allowZero: true })).toEqual({ ok: true, value: 0 });
  });

  it('a duration printed by formatDuration parses back to the same nanoseconds', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: Number.MAX_SAFE_INTEGER }), (ns) => {
        expect(parseDuration(formatDuration(ns))).toEqual({ ok: true, value: ns });
      }),
      { numRuns: 500 },
    );
  });
});
