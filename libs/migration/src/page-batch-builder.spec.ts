import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { MigrationBitmap } from './migration-bitmap';
import { recycleBuffer } from '@migsim/mmu';
import { NEXT_PAGE_VERSION, versionsDigest } from './page-version';
import { PageBatchBuilder } from './page-batch-builder';
import { NORMAL_PAGE_WIRE_BYTES, ZERO_PAGE_WIRE_BYTES } from './qemu-constants';
import { RamLayout } from './ram-layout';
import { SourcePageState } from './source-page-state';

function expand(indexRanges: number[], versionRuns: number[]): { index: number; version: number }[] {
  const versions: number[] = [];
  for (let i = 0; i < versionRuns.length; i += 2) for (let k = 0; k < versionRuns[i + 1]!; k++) versions.push(versionRuns[i]!);
  const pages: { index: number; version: number }[] = [];
  for (let i = 0; i < indexRanges.length; i += 2) for (let k = 0; k < indexRanges[i + 1]!; k++) pages.push({ index: indexRanges[i]! + k, version: versions[pages.length]! });
  expect(pages.length).toBe(versions.length);
  return pages;
}

describe('page batches off the migration bitmap', () => {
  it('the bulk round takes every page once, 4104 bytes each, in RAM order', () => {
    const layout = new RamLayout({ slots: [{ id: 0, baseGfn: 0, npages: 1000 }] });
    const pages = new SourcePageState(layout, 0);
    const bitmap = new MigrationBitmap(layout.indexPages);
    bitmap.setAll(layout);
    expect(bitmap.dirtyPageCount).toBe(1000);
    const builder = new PageBatchBuilder(bitmap, pages);
    const taken = builder.take(Number.POSITIVE_INFINITY);
    expect(taken.indexRanges).toEqual([0, 1000]);
    expect(taken.versionRuns).toEqual([1, 1000]);
    expect(taken.wireBytes).toBe(1000 * NORMAL_PAGE_WIRE_BYTES);
    expect(bitmap.dirtyPageCount).toBe(0);
    expect(bitmap.recount()).toBe(0);
  });

  it('a batch the budget ends inside a word leaves the rest of it, which the next batch takes as one range and one run', () => {
    const layout = new RamLayout({ slots: [{ id: 0, baseGfn: 0, npages: 256 }] });
    const pages = new SourcePageState(layout, 0);
    pages.recordWrite(40, 4);
    const bitmap = new MigrationBitmap(layout.indexPages);
    bitmap.setAll(layout);
    const builder = new PageBatchBuilder(bitmap, pages);
    // 37 pages: the last one starts under the budget and crosses it.
    const first = builder.take(36 * NORMAL_PAGE_WIRE_BYTES + 1);
    expect(first.indexRanges).toEqual([0, 37]);
    expect(first.versionRuns).toEqual([1, 37]);
    // Pages 37..63 are what is left of word 1 (40..43 written once); then words 2 and 3.
    const second = builder.take(Number.POSITIVE_INFINITY);
    expect(second.indexRanges).toEqual([37, 219]);
    expect(second.versionRuns).toEqual([1, 3, 2, 4, 1, 212]);
    expect(second.wireBytes).toBe(219 * NORMAL_PAGE_WIRE_BYTES);
  });

  it('never-written pages in the zero share cost 9 bytes; a written one is normal again', () => {
    const layout = new RamLayout({ slots: [{ id: 0, baseGfn: 0, npages: 100 }] });
    const pages = new SourcePageState(layout, 0.5);
    pages.recordWrite(60, 1);
    const bitmap = new MigrationBitmap(layout.indexPages);
    bitmap.setAll(layout);
    const taken = new PageBatchBuilder(bitmap, pages).take(Number.POSITIVE_INFINITY);
    expect(taken.zeroPageCount).toBe(49);
    expect(taken.normalPageCount).toBe(51);
    expect(taken.wireBytes).toBe(51 * NORMAL_PAGE_WIRE_BYTES + 49 * ZERO_PAGE_WIRE_BYTES);
    expect(expand(taken.indexRanges, taken.versionRuns).find((p) => p.index === 60)?.version).toBe(2);
  });

  it('property: batches carry each dirty page exactly once, with its version, wrapping from the cursor, and stop at the first page past the budget', () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 1, max: 300 }), { minLength: 1, maxLength: 3 }),
        fc.double({ min: 0, max: 1, noNaN: true }),
        fc.array(fc.tuple(fc.nat(), fc.integer({ min: 1, max: 40 })), { maxLength: 30 }),
        fc.array(fc.tuple(fc.nat(), fc.integer({ min: 1, max: 100 })), { maxLength: 40 }),
        fc.array(fc.integer({ min: 1, max: 200_000 }), { minLength: 1, maxLength: 20 }),
        (slotSizes, zeroFraction, writes, dirty, budgets) => {
          let base = 0;
          const layout = new RamLayout({ slots: slotSizes.map((npages, id) => ({ id, baseGfn: (base += npages + 7) - npages - 7, npages })) });
          const pages = new SourcePageState(layout, zeroFraction);
          const gfns = layout.slots.flatMap((slot) => Array.from({ length: slot.npages }, (_, i) => slot.baseGfn + i));
          for (const [at, count] of writes) pages.recordWrite(gfns[at % gfns.length]!, Math.min(count, 3));
          const bitmap = new MigrationBitmap(layout.indexPages);
          const expected = new Set<number>();
          // Runs of dirty pages (long runs exercise the 32-page word path).
          for (const [at, length] of dirty) {
            for (let k = 0; k < length; k++) {
              const index = layout.indexOfGfn(gfns[(at + k) % gfns.length]!);
              bitmap.markRange(index, 1);
              expected.add(index);
            }
          }
          expect(bitmap.dirtyPageCount).toBe(expected.size);
          const builder = new PageBatchBuilder(bitmap, pages);
          builder.cursorWord = Math.floor(layout.indexPages / 64);
          const seen: number[] = [];
          let turn = 0;
          while (bitmap.dirtyPageCount > 0) {
            const budget = budgets[turn++ % budgets.length]!;
            const taken = builder.take(budget);
            const batchPages = expand(taken.indexRanges, taken.versionRuns);
            let bytes = 0;
            for (const page of batchPages) {
              const cost = pages.isZeroPage(page.index) ? ZERO_PAGE_WIRE_BYTES : NORMAL_PAGE_WIRE_BYTES;
              // Each page starts while the batch is still under budget (QEMU's rate check precedes a page).
              expect(bytes).toBeLessThan(budget);
              bytes += cost;
              expect(page.version).toBe(pages.versionOf(page.index));
              seen.push(page.index);
            }
            expect(taken.wireBytes).toBe(bytes);
            expect(taken.zeroPageCount + taken.normalPageCount).toBe(batchPages.length);
            // The encoding the page-by-page walk gives: no range continues the one before it, no run repeats its version.
            for (let i = 2; i < taken.indexRanges.length; i += 2) expect(taken.indexRanges[i - 2]! + taken.indexRanges[i - 1]!).not.toBe(taken.indexRanges[i]);
            for (let i = 2; i < taken.versionRuns.length; i += 2) expect(taken.versionRuns[i - 2]).not.toBe(taken.versionRuns[i]);
          }
          expect(new Set(seen).size).toBe(seen.length);
          expect(new Set(seen)).toEqual(expected);
          // Pages come in bitmap order starting at the cursor, wrapping once.
          const start = Math.floor(layout.indexPages / 64) * 32;
          const rotated = [...expected].sort((a, b) => ((a - start + layout.indexPages) % layout.indexPages) - ((b - start + layout.indexPages) % layout.indexPages));
          expect(seen).toEqual(rotated);
          expect(bitmap.recount()).toBe(0);
        },
      ),
      { numRuns: 150 },
    );
  });

  it('property: on a recycled buffer, versions set up only at a group\'s first write are what every batch and the digest carry', () => {
    // Large enough for the array pool (64 KiB and up): the source gets the garbage-filled buffer back.
    const npages = (1 << 16) + 5;
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.nat(), fc.integer({ min: 1, max: 70 }), fc.integer({ min: 1, max: 3 })), { maxLength: 25 }),
        fc.array(fc.tuple(fc.nat(), fc.integer({ min: 1, max: 3000 })), { minLength: 1, maxLength: 12 }),
        fc.integer({ min: 4104, max: 3_000_000 }),
        (writes, dirty, budget) => {
          const garbage = new ArrayBuffer(npages + 27);
          new Uint8Array(garbage).fill(200);
          recycleBuffer(garbage);
          const layout = new RamLayout({ slots: [{ id: 0, baseGfn: 0, npages }] });
          const pages = new SourcePageState(layout, 0);
          const expected = new Uint8Array(layout.indexPages).fill(1, 0, npages);
          for (const [at, count, times] of writes) {
            const first = at % npages;
            const length = Math.min(count, npages - first);
            for (let t = 0; t < times; t++) pages.recordWrite(first, length);
            for (let p = first; p < first + length; p++) for (let t = 0; t < times; t++) expected[p] = NEXT_PAGE_VERSION[expected[p]!]!;
          }
          expect(pages.versions.length).toBe(expected.length);
          expect(Array.from(pages.versionsSnapshot())).toEqual(Array.from(expected));
          expect(pages.digest()).toBe(versionsDigest(expected));
          const bitmap = new MigrationBitmap(layout.indexPages);
          for (const [at, length] of dirty) bitmap.markRange(at % npages, Math.min(length, npages - (at % npages)));
          const builder = new PageBatchBuilder(bitmap, pages);
          while (bitmap.dirtyPageCount > 0) {
            const taken = builder.take(budget);
            for (const page of expand(taken.indexRanges, taken.versionRuns)) expect(page.version).toBe(expected[page.index]);
          }
          pages.release();
        },
      ),
      { numRuns: 60 },
    );
  });
});

