import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Rng } from './rng';

function draws(rng: Rng, count: number): number[] {
  return Array.from({ length: count }, () => rng.nextU32());
}

describe('Rng', () => {
  it('the same seed gives the same sequence', () => {
    expect(draws(new Rng(42), 20)).toEqual(draws(new Rng(42), 20));
  });

  it('different seeds give different sequences', () => {
    expect(draws(new Rng(42), 8)).not.toEqual(draws(new Rng(43), 8));
  });

  it('next() stays in [0, 1) and int(lo, hi) in [lo, hi] for any seed', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 2 ** 32 - 1 }), fc.integer({ min: -50, max: 50 }), fc.integer({ min: 0, max: 100 }), (seed, lo, span) => {
        const rng = new Rng(seed);
        for (let i = 0; i < 50; i += 1) {
          const x = rng.next();
          expect(x).toBeGreaterThanOrEqual(0);
          expect(x).toBeLessThan(1);
          const n = rng.int(lo, lo + span);
          expect(n).toBeGreaterThanOrEqual(lo);
          expect(n).toBeLessThanOrEqual(lo + span);
          expect(Number.isInteger(n)).toBe(true);
        }
      }),
      { numRuns: 200 },
    );
  });

  it('int() covers both ends of a small range', () => {
    const rng = new Rng(7);
    const seen = new Set<number>();
    for (let i = 0; i < 200; i += 1) seen.add(rng.int(1, 3));
    expect([...seen].sort()).toEqual([1, 2, 3]);
  });

  it('is roughly uniform: mean of 10,000 draws is within 0.02 of 0.5', () => {
    const rng = new Rng(1);
    let sum = 0;
    for (let i = 0; i < 10_000; i += 1) sum += rng.next();
    expect(Math.abs(sum / 10_000 - 0.5)).toBeLessThan(0.02);
  });

  it('fork independence: adding a VM does not change another VM\'s draws', () => {
    const before = new Rng(2024);
    const vmA1 = before.fork('vm:a');
    const onlyA = draws(vmA1, 10);

    const after = new Rng(2024);
    draws(after, 5); // the parent drew in between
    const vmB = after.fork('vm:b'); // a VM was added and forked first
    draws(vmB, 100);
    const vmA2 = after.fork('vm:a');
    expect(draws(vmA2, 10)).toEqual(onlyA);
  });

  it('forks with different names, or from different seeds, differ', () => {
    const root = new Rng(5);
    expect(draws(root.fork('vm:a'), 8)).not.toEqual(draws(root.fork('vm:b'), 8));
    expect(draws(new Rng(5).fork('vm:a'), 8)).not.toEqual(draws(new Rng(6).fork('vm:a'), 8));
    expect(draws(root.fork('vm:a'), 8)).not.toEqual(draws(new Rng(5), 8));
  });

  it('rejects a reversed range', () => {
    expect(() => new Rng(1).int(3, 2)).toThrow(RangeError);
  });
});
