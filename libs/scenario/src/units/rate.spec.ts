import { describe, expect, it } from 'vitest';
import { formatRate } from './format-units';
import { parseRate } from './rate';

describe('rates', () => {
  it.each([
    ['125MB/s', 125e6],
    ['1Gbps', 125e6],
    ['10Gbit/s', 1.25e9],
    ['100MiB/s', 100 * 1024 ** 2],
    ['1GiB/s', 1024 ** 3],
    ['25Gbps', 3.125e9],
    ['800Mbps', 1e8],
    ['1Gibit/s', 1024 ** 3 / 8],
    ['1 Gbps', 125e6],
    [134217728, 134217728],
    ['1bps', 0.125],
  ])('%j is %d bytes/s', (input, bytesPerSec) => {
    expect(parseRate(input)).toEqual({ ok: true, value: bytesPerSec });
  });

  it.each([
    ['fast', 'a rate such as 125MB/s, 1Gbps or 100MiB/s'],
    ['1GB', 'a rate such as 125MB/s, 1Gbps or 100MiB/s'],
    ['1gbps', 'a rate such as 125MB/s, 1Gbps or 100MiB/s'],
    ['-1Gbps', 'a rate greater than zero such as 125MB/s, 1Gbps or 100MiB/s'],
    [0, 'a rate greater than zero such as 125MB/s, 1Gbps or 100MiB/s'],
    ['2Pbps', 'a rate such as 125MB/s, 1Gbps or 100MiB/s'],
  ])('%j is rejected: expected %s', (input, expected) => {
    expect(parseRate(input)).toEqual({ ok: false, expected });
  });

  it('zero is accepted where a field allows it (an idle VM)', () => {
    expect(parseRate('0MB/s', { allowZero: true })).toEqual({ ok: true, value: 0 });
  });

  it.each([
    [125e6, '125MB/s'],
    [1024 ** 3, '1GiB/s'],
    [0.125, '1bps'],
  ])('%d bytes/s is shown as %s', (bytesPerSec, text) => {
    expect(formatRate(bytesPerSec)).toBe(text);
    expect(parseRate(text)).toEqual({ ok: true, value: bytesPerSec });
  });
});
