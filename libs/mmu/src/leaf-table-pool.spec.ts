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

  it('reserving one table at a time grows geometrically (a region-by-region split stays linear)', () => {
    const pool = new LeafTablePool();
    const tables = 20_000;
    let reallocations = 0;
    let arrays = pool.present;
    for (let k = 0; k < tables; k++) {
      pool.reserve(1, 32_768);
      pool.alloc(32_768);
      if (pool.present !== arrays) {
        reallocations++;
        arrays = pool.present;
      }
    }
    // 64, then 1.5x each time: about 15 reallocations for 20,000 tables (an exact growth made 20,000).
    expect(reallocations).toBeLessThan(20);
    expect(pool.capacity).toBeLessThanOrEqual(32_768);
    expect(pool.capacity).toBeGreaterThanOrEqual(tables);
  });

  it('a large reservation gets exactly the room it asks for, a small one beyond it 1.5x up to what the VM can need', () => {
    const pool = new LeafTablePool();
    pool.reserve(20_000, 40_000);
    expect(pool.capacity).toBe(20_000);
    pool.reserve(20_010, 40_000);
    expect(pool.capacity).toBe(30_000);
    pool.reserve(30_010, 32_768);
    expect(pool.capacity).toBe(32_768);
  });

  it('growth never goes beyond the number of tables the VM can need', () => {
    const pool = new LeafTablePool();
    for (let k = 0; k < 100; k++) pool.alloc(100);
    expect(pool.capacity).toBe(100);
  });
});
