import { describe, expect, it } from 'vitest';
import { MigrationBitmap } from './migration-bitmap';
import { PageBatchBuilder } from './page-batch-builder';
import { RamLayout } from './ram-layout';
import { SourcePageState } from './source-page-state';

/** The walk skips blocks of 1,024 pages it knows are clean; a page set there later is still found. */
describe('migration bitmap: the block summary', () => {
  const layout = new RamLayout({ slots: [{ id: 0, baseGfn: 0, npages: 40 * 1024 }] });

  it('pages set in a block the walk found empty (a later sync, a lost batch) are taken in the next pass', () => {
    const bitmap = new MigrationBitmap(layout.indexPages);
    const builder = new PageBatchBuilder(bitmap, new SourcePageState(layout, 0));
    bitmap.markRange(5, 3);
    expect(builder.take(Infinity).indexRanges).toEqual([5, 3]);
    // A pass over the rest finds every other block empty and marks it so.
    bitmap.markRange(30 * 1024 + 7, 2);
    expect(builder.take(Infinity).indexRanges).toEqual([30 * 1024 + 7, 2]);
    expect(bitmap.blockMayBeDirty(1024 >>> 5)).toBe(false);
    // New dirty pages in blocks marked empty: through a synced KVM log word, and a re-marked range.
    const log = new Uint32Array(layout.indexPages / 32);
    log[(12 * 1024) >>> 5] = 0b1010;
    bitmap.orSlotBitmap(0, log, layout.indexPages);
    bitmap.markRange(2 * 1024, 1);
    // The walk goes on from where it stopped (past page 30,727) and wraps around.
    expect(builder.take(Infinity).indexRanges).toEqual([2 * 1024, 1, 12 * 1024 + 1, 1, 12 * 1024 + 3, 1]);
    expect(bitmap.dirtyPageCount).toBe(0);
  });

  it('setAll marks every block: the bulk pass takes every page once', () => {
    const bitmap = new MigrationBitmap(layout.indexPages);
    bitmap.setAll(layout);
    const taken = new PageBatchBuilder(bitmap, new SourcePageState(layout, 0)).take(Infinity);
    expect(taken.indexRanges).toEqual([0, 40 * 1024]);
  });
});
