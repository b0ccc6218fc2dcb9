import { describe, expect, it } from 'vitest';
import { LeafTablePool } from './leaf-table-pool';

describe('leaf-table pool', () => {
  it('shrinking moves the live tables to the front, keeps their bits and rewrites every reference', () => {
    const pool = new LeafTablePool();
    const refs: number[] = [];
    for (let k = 0; k < 400; k++) refs.push(pool.allocZeroed(1000));
    expect(pool.capacity).toBeGreaterThanOrEqual(400);
    for (let k = 0; k < 400; k++) if (k % 40 !== 7) pool.free(refs[k]!);
    const kept = refs.filter((_, k) => k % 40 === 7);
    kept.forEach((t, n) => {
      pool.present[t * 16 + 3] = 0xabc0 + n;
      pool.count[t] = n + 1;
    });
    const moved = [...kept];
    pool.shrinkIfSparse((visit) => moved.forEach((t, n) => (moved[n] = visit(t))));
    expect(pool.capacity).toBeLessThan(400);
    expect(pool.liveTables).toBe(10);
    moved.forEach((t, n) => {
      expect(pool.present[t * 16 + 3]).toBe(0xabc0 + n);
      expect(pool.count[t]).toBe(n + 1);
    });
    const fresh = pool.allocZeroed(1000);
    expect(moved).not.toContain(fresh);
  });

  it('growth never goes beyond the number of tables the VM can need', () => {
    const pool = new LeafTablePool();
    for (let k = 0; k < 100; k++) pool.alloc(100);
    expect(pool.capacity).toBe(100);
  });
});
