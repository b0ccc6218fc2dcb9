import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { MigrationDestination } from './destination';
import type { PageBatch } from './page-batch';
import { recycleBuffer } from '@migsim/mmu';
import { allocateVersions, versionsDigest } from './page-version';

const LAYOUT = { slots: [{ id: 0, baseGfn: 0, npages: 64 }] };

function destination(): MigrationDestination {
  return new MigrationDestination({ migrationId: 'm', layout: LAYOUT, memoryModel: 'pages' });
}

function pages(seq: number, ranges: number[], versionRuns: number[], extra: Partial<PageBatch> = {}): PageBatch {
  let count = 0;
  for (let i = 1; i < ranges.length; i += 2) count += ranges[i]!;
  return { migrationId: 'm', seq, kind: 'pages', phase: 'round', syncCount: 1, ranges, versionRuns, zeroPageCount: 0, normalPageCount: count, wireBytes: count * 4104, ...extra };
}

/** Digest of a 64-page source whose pages all have version `base`, except `overrides`. */
function sourceDigest(base: number, overrides: Record<number, number> = {}, absent: number[] = []): number {
  const versions = allocateVersions(64, base);
  for (const [page, version] of Object.entries(overrides)) versions[Number(page)] = version;
  for (const page of absent) versions[page] = 0;
  return versionsDigest(versions);
}

describe('migration destination', () => {
  it('resumes once every batch sent before the command is applied, and confirms memory matches', () => {
    const dest = destination();
    expect(dest.receive(pages(0, [0, 32], [1, 32]))).toEqual([]);
    const check = { migrationId: 'm', mode: 'precopy' as const, precedingBatchCount: 2, versionsDigest: sourceDigest(1, { 40: 2 }), absentPageCount: 0 };
    expect(dest.resume(check)).toEqual([]);
    expect(dest.state()).toBe('receiving');
    const out = dest.receive(pages(1, [32, 32], [1, 8, 2, 1, 1, 23]));
    expect(out).toHaveLength(1);
    expect(out[0]).toMatchObject({ type: 'resumed', verification: { verified: true, mode: 'precopy', absentPageCount: 0 } });
    expect(dest.state()).toBe('running');
  });

  it('batches applied out of order keep each page\'s newest version, and a duplicate is applied once', () => {
    const dest = destination();
    dest.receive(pages(1, [0, 4], [3, 4]));
    dest.receive(pages(0, [0, 64], [2, 64]));
    dest.receive(pages(1, [0, 4], [3, 4]));
    expect(dest.receivedBatchCount()).toBe(2);
    expect(Array.from(dest.pageVersions().subarray(0, 6))).toEqual([3, 3, 3, 3, 2, 2]);
  });

  it('a missing page fails the check and says how many pages are absent', () => {
    const dest = destination();
    dest.receive(pages(0, [0, 63], [1, 63]));
    const [out] = dest.resume({ migrationId: 'm', mode: 'precopy', precedingBatchCount: 1, versionsDigest: sourceDigest(1), absentPageCount: 0 });
    expect(out).toMatchObject({ type: 'resumed', verification: { verified: false, absentPageCount: 1, detail: '1 pages absent, expected 0' } });
  });

  it('a stale page (version behind the source) fails the check although every page is present', () => {
    const dest = destination();
    dest.receive(pages(0, [0, 64], [1, 64]));
    const [out] = dest.resume({ migrationId: 'm', mode: 'precopy', precedingBatchCount: 1, versionsDigest: sourceDigest(1, { 7: 2 }), absentPageCount: 0 });
    expect(out).toMatchObject({ verification: { verified: false, detail: 'page versions differ from the source (a lost or corrupted page)' } });
  });

  it('post-copy: pages sent after the switch wait for the package\'s discards, and never overwrite a page already here', () => {
    const dest = destination();
    dest.receive(pages(0, [0, 64], [1, 64]));
    // The first post-copy page arrives before the package: held, or the discard would drop it.
    dest.receive(pages(2, [10, 1], [2, 1], { phase: 'postcopy' }));
    dest.receive({ ...pages(1, [], []), kind: 'postcopy-package', normalPageCount: 0, wireBytes: 16, discardRanges: [10, 2] });
    const [resumed] = dest.resume({ migrationId: 'm', mode: 'postcopy-start', precedingBatchCount: 2, versionsDigest: sourceDigest(1, {}, [10, 11]), absentPageCount: 2 });
    expect(resumed).toMatchObject({ type: 'resumed', verification: { verified: true, mode: 'postcopy-start', absentPageCount: 2 } });
    expect(dest.state()).toBe('running-postcopy');
    expect(dest.pageVersions()[10]).toBe(2);
    expect(dest.pageVersions()[11]).toBe(0);
    // A stale copy of a page the destination holds is ignored (UFFDIO_COPY never overwrites).
    dest.receive(pages(3, [10, 2], [9, 1, 2, 1], { phase: 'postcopy' }));
    expect(Array.from(dest.pageVersions().subarray(10, 12))).toEqual([2, 2]);
    const [done] = dest.complete({ migrationId: 'm', mode: 'postcopy-end', precedingBatchCount: 4, versionsDigest: sourceDigest(1, { 10: 2, 11: 2 }), absentPageCount: 0 });
    expect(done).toMatchObject({ type: 'completed', verification: { verified: true } });
  });

  it('post-copy: a guest write to an absent page is a remote fault, requested once', () => {
    const dest = destination();
    dest.receive(pages(0, [0, 60], [1, 60]));
    dest.receive({ ...pages(1, [], []), kind: 'postcopy-package', normalPageCount: 0, wireBytes: 0, discardRanges: [] });
    dest.resume({ migrationId: 'm', mode: 'postcopy-start', precedingBatchCount: 2, versionsDigest: sourceDigest(1, {}, [60, 61, 62, 63]), absentPageCount: 4 });
    expect(dest.guestWrite(58, 4)).toEqual({ faultPages: 2, requests: [{ type: 'page-request', migrationId: 'm', gfns: [60, 61] }] });
    expect(dest.guestWrite(60, 1)).toEqual({ faultPages: 1, requests: [] });
    dest.channelReset();
    expect(dest.guestWrite(60, 1).requests).toEqual([{ type: 'page-request', migrationId: 'm', gfns: [60] }]);
  });

  it('dropping the half-received VM frees its memory and ignores what still arrives', () => {
    const dest = destination();
    dest.receive(pages(0, [0, 64], [1, 64]));
    expect(dest.modelBytes()).toBeGreaterThan(0);
    dest.drop();
    expect(dest.state()).toBe('dropped');
    expect(dest.modelBytes()).toBe(0);
    expect(dest.receive(pages(1, [0, 1], [2, 1]))).toEqual([]);
  });

  it('once released after the migration, the destination holds no page memory and ignores late batches and commands', () => {
    const dest = destination();
    dest.receive(pages(0, [0, 64], [1, 64]));
    expect(dest.modelBytes()).toBeGreaterThan(0);
    dest.release();
    expect(dest.modelBytes()).toBe(0);
    expect(dest.pageVersions()).toHaveLength(0);
    expect(dest.receive(pages(1, [0, 8], [2, 8]))).toEqual([]);
    expect(dest.resume({ migrationId: 'm', mode: 'precopy', precedingBatchCount: 1, versionsDigest: sourceDigest(1), absentPageCount: 0 })).toEqual([]);
    expect(dest.receivedBatchCount()).toBe(1);
  });

  it('a destination built on a recycled array still starts with every page absent, however it is read', () => {
    const npages = 1 << 17;
    const garbage = new ArrayBuffer(npages);
    new Uint8Array(garbage).fill(7);
    recycleBuffer(garbage);
    const dest = new MigrationDestination({ migrationId: 'm', layout: { slots: [{ id: 0, baseGfn: 0, npages }] }, memoryModel: 'pages' });
    dest.receive(pages(0, [100, 50], [3, 50]));
    expect(dest.absentPageCount()).toBe(npages - 50);
    const versions = dest.pageVersions();
    expect(versions[99]).toBe(0);
    expect(versions[100]).toBe(3);
    expect(versions[npages - 1]).toBe(0);
    const source = new Uint8Array(npages);
    source.fill(3, 100, 150);
    const out = dest.resume({ migrationId: 'm', mode: 'precopy', precedingBatchCount: 1, versionsDigest: versionsDigest(source), absentPageCount: 0 });
    expect(out[0]).toMatchObject({ type: 'resumed', verification: { verified: true } });
  });

  it('property: on a recycled buffer, batches applied in any order leave each page at the version of the last batch that carried it, and absent elsewhere', () => {
    // Large enough for the array pool (64 KiB and up), so the destination gets the garbage-filled buffer back.
    const npages = 1 << 16;
    fc.assert(
      fc.property(
        fc.array(fc.array(fc.record({ start: fc.integer({ min: 0, max: npages - 1 }), length: fc.integer({ min: 1, max: 20_000 }) }), { minLength: 1, maxLength: 4 }), { minLength: 1, maxLength: 7 }),
        fc.integer({ min: 0, max: 1000 }),
        (batchRanges, shuffle) => {
          const garbage = new ArrayBuffer(npages);
          new Uint8Array(garbage).fill(9);
          recycleBuffer(garbage);
          const dest = new MigrationDestination({ migrationId: 'm', layout: { slots: [{ id: 0, baseGfn: 0, npages }] }, memoryModel: 'pages' });
          const expected = new Uint8Array(npages);
          const batches = batchRanges.map((ranges, seq) => {
            // Non-overlapping ranges in ascending order, as a source's walk takes them; batch `seq` carries version seq + 1.
            const flat: number[] = [];
            let next = 0;
            for (const range of [...ranges].sort((a, b) => a.start - b.start)) {
              const start = Math.max(range.start, next);
              const length = Math.min(range.length, npages - start);
              if (length <= 0) continue;
              flat.push(start, length);
              expected.fill(seq + 1, start, start + length);
              next = start + length;
            }
            const count = flat.reduce((sum, value, i) => (i % 2 === 1 ? sum + value : sum), 0);
            return pages(seq, flat, count > 0 ? [seq + 1, count] : []);
          });
          // Delivered in a rotated order: in order when the rotation is 0.
          const rotation = shuffle % batches.length;
          for (const batch of [...batches.slice(rotation), ...batches.slice(0, rotation)]) dest.receive(batch);
          const got = dest.pageVersions();
          const wrong: number[] = [];
          for (let i = 0; i < npages && wrong.length < 5; i++) if (got[i] !== expected[i]) wrong.push(i);
          expect(wrong.map((i) => `page ${i}: ${got[i]}, expected ${expected[i]}`)).toEqual([]);
          expect(dest.absentPageCount()).toBe(expected.filter((v) => v === 0).length);
        },
      ),
      { numRuns: 150 },
    );
  });
});
