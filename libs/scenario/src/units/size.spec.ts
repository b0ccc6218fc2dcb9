import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { formatSize } from './format-units';
import { parseSize } from './size';

describe('sizes', () => {
  it.each([
    [4096, 4096],
    ['4096', 4096],
    ['512KiB', 512 * 1024],
    ['16GiB', 16 * 1024 ** 3],
    ['1TiB', 1024 ** 4],
    ['1GB', 1e9],
    ['1kB', 1000],
    ['1KB', 1000],
    ['1.5GiB', 1.5 * 1024 ** 3],
    ['16 GiB', 16 * 1024 ** 3],
    ['0.5MiB', 512 * 1024],
    ['7PiB', 7 * 1024 ** 5],
  ])('%j is %d bytes, SI and IEC exactly as written', (input, bytes) => {
    expect(parseSize(input)).toEqual({ ok: true, value: bytes });
  });

  it.each([
    ['16 gigs', 'a size such as 16GiB or 512MiB'],
    ['16G', 'a size such as 16GiB or 512MiB'],
    ['16gib', 'a size such as 16GiB or 512MiB'],
    ['-4GiB', 'a size greater than zero such as 16GiB or 512MiB'],
    [-4096, 'a size greater than zero such as 16GiB or 512MiB'],
    [0, 'a size greater than zero such as 16GiB or 512MiB'],
    ['0GiB', 'a size greater than zero such as 16GiB or 512MiB'],
    ['1.5B', 'a whole number of bytes, a size such as 16GiB or 512MiB'],
    ['0.1KiB', 'a whole number of bytes, a size such as 16GiB or 512MiB'],
    [1.5, 'a whole number of bytes or a size such as 16GiB or 512MiB'],
    ['8PiB', 'a size below 8PiB'],
    [2 ** 60, 'a size below 8PiB'],
    [Number.NaN, 'a size such as 16GiB or 512MiB'],
    [true, 'a size such as 16GiB or 512MiB'],
  ])('%j is rejected: expected %s', (input, expected) => {
    expect(parseSize(input)).toEqual({ ok: false, expected });
  });

  it('zero is accepted where a field allows it', () => {
    expect(parseSize('0GiB', { allowZero: true })).toEqual({ ok: true, value: 0 });
  });

  it('a size printed by formatSize parses back to the same number of bytes', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: Number.MAX_SAFE_INTEGER }), (bytes) => {
        expect(parseSize(formatSize(bytes))).toEqual({ ok: true, value: bytes });
      }),
      { numRuns: 500 },
    );
  });

  it('decimal sizes are computed exactly, with no floating-point drift', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 1_000_000 }), (thousandths) => {
        const text = `${Math.floor(thousandths / 1000)}.${String(thousandths % 1000).padStart(3, '0')}GB`;
        expect(parseSize(text)).toEqual({ ok: true, value: thousandths * 1_000_000 });
      }),
      { numRuns: 300 },
    );
  });
});
