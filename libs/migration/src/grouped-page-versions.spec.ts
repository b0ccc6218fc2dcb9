import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { GroupedPageVersions } from './grouped-page-versions';
import { ABSENT_PAGE_VERSION, allocateVersions, isNewerPageVersion, versionsDigest } from './page-version';

type Op = { kind: 'fill' | 'merge' | 'merge-absent'; start: number; length: number; version: number };

const op = (pages: number): fc.Arbitrary<Op> =>
  fc.record({
    kind: fc.constantFrom<Op['kind']>('fill', 'merge', 'merge-absent'),
    start: fc.integer({ min: 0, max: pages - 1 }),
    length: fc.integer({ min: 1, max: 200 }),
    // Absent (0) is what a post-copy discard writes; 1 the initial version; the rest as the guest's writes leave them.
    version: fc.oneof(fc.constant(0), fc.constant(1), fc.integer({ min: 2, max: 255 })),
  });

describe('grouped page versions', () => {
  it('property: reads, absent counts and the digest are those of a flat array given the same writes', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 400 }).chain((pages) => fc.tuple(fc.constant(pages), fc.array(op(pages), { maxLength: 30 }))), ([pages, ops]) => {
        const grouped = new GroupedPageVersions(pages);
        const flat = allocateVersions(pages, ABSENT_PAGE_VERSION);
        expect(grouped.length).toBe(flat.length);
        for (const { kind, start, length, version } of ops) {
          const end = Math.min(flat.length, start + length);
          if (kind === 'fill') {
            grouped.fill(start, end, version);
            flat.fill(version, start, end);
          } else {
            if (version === ABSENT_PAGE_VERSION) continue;
            grouped.merge(start, end, version, kind === 'merge-absent');
            for (let i = start; i < end; i++) {
              const current = flat[i]!;
              if (kind === 'merge-absent' ? current === ABSENT_PAGE_VERSION : isNewerPageVersion(version, current)) flat[i] = version;
            }
          }
          expect(grouped.digest()).toBe(versionsDigest(flat));
        }
        expect(Array.from(grouped.toArray())).toEqual(Array.from(flat));
        for (let i = 0; i < flat.length; i++) expect(grouped.get(i)).toBe(flat[i]);
        const mid = Math.floor(pages / 3);
        expect(grouped.countAbsent(mid, pages)).toBe(flat.subarray(mid, pages).filter((v) => v === ABSENT_PAGE_VERSION).length);
      }),
      { numRuns: 300 },
    );
  });

  it('a uniform bulk round keeps a byte per 32 pages; only groups whose pages differ get a chunk', () => {
    const pages = 32 * 4096;
    const grouped = new GroupedPageVersions(pages);
    grouped.fill(0, pages, 1);
    const uniformBytes = grouped.modelBytes();
    expect(uniformBytes).toBe(4096 * 5);
    grouped.fill(100, 101, 7);
    expect(grouped.modelBytes()).toBeGreaterThan(uniformBytes);
    expect(grouped.get(100)).toBe(7);
    expect(grouped.get(99)).toBe(1);
    // A whole-group write makes the group uniform again and frees its chunk for the next split.
    grouped.fill(96, 128, 2);
    const afterFree = grouped.modelBytes();
    grouped.fill(4000, 4001, 9);
    expect(grouped.modelBytes()).toBe(afterFree);
    expect(grouped.get(4000)).toBe(9);
    expect(grouped.get(100)).toBe(2);
  });

  it('a released store gives its arrays back, and the next one starts with every page absent', () => {
    // 65,536 groups: arrays large enough for the pool.
    const pages = 32 * 65_536;
    const first = new GroupedPageVersions(pages);
    first.fill(0, pages, 3);
    first.fill(100, 101, 7);
    first.release();
    expect(first.length).toBe(0);
    const second = new GroupedPageVersions(pages);
    expect(second.countAbsent(0, pages)).toBe(pages);
    expect(second.digest()).toBe(versionsDigest(allocateVersions(pages, 0)));
    expect([second.get(0), second.get(100), second.get(pages - 1)]).toEqual([ABSENT_PAGE_VERSION, ABSENT_PAGE_VERSION, ABSENT_PAGE_VERSION]);
  });

  it('in-order batches that end inside groups leave no chunk behind: the store stays at its first chunks however many batches come', () => {
    const pages = 32 * 4096;
    const grouped = new GroupedPageVersions(pages);
    // 1,023-page batches (a 4 MiB batch of 4 KiB pages): each ends inside a group the next one completes.
    for (let start = 0; start < pages; start += 1023) grouped.fill(start, Math.min(pages, start + 1023), 1);
    const flat = allocateVersions(pages, 0).fill(1, 0, pages);
    expect(grouped.digest()).toBe(versionsDigest(flat));
    // A byte and a chunk number per group, and the first 64 chunks made room for (not one per batch).
    expect(grouped.modelBytes()).toBe(4096 * 5 + 64 * 32);
  });
});
