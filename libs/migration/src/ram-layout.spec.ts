import { describe, expect, it } from 'vitest';
import { RamLayout } from './ram-layout';

describe('RAM layout', () => {
  const layout = new RamLayout({ slots: [{ id: 1, baseGfn: 1 << 20, npages: 100 }, { id: 0, baseGfn: 0, npages: 70 }] });

  it('lays slots end to end in gfn order, each starting on a multiple of 32 pages', () => {
    expect(layout.slots.map((s) => [s.id, s.offset])).toEqual([
      [0, 0],
      [1, 96],
    ]);
    expect(layout.totalPages).toBe(170);
    expect(layout.indexPages).toBe(224);
  });

  it('maps gfns to indices and back, and splits runs at slot edges', () => {
    expect(layout.indexOfGfn(69)).toBe(69);
    expect(layout.indexOfGfn(70)).toBe(-1);
    expect(layout.indexOfGfn((1 << 20) + 5)).toBe(101);
    expect(layout.gfnOfIndex(101)).toBe((1 << 20) + 5);
    const runs: number[][] = [];
    layout.forEachGfnRun(60, 60, (gfn, count) => runs.push([gfn, count]));
    expect(runs).toEqual([
      [60, 10],
      [1 << 20, 24],
    ]);
    expect(layout.indexOfRun(60, 11)).toBe(-1);
    expect(layout.indexOfRun(60, 10)).toBe(60);
  });

  it('rejects overlapping slots with a MIGRATION_LAYOUT_MISMATCH error', () => {
    expect(() => new RamLayout({ slots: [{ id: 0, baseGfn: 0, npages: 10 }, { id: 1, baseGfn: 5, npages: 10 }] })).toThrow(/memslot 1/);
  });
});
