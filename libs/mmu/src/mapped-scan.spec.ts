import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { RECOVERY_STRATEGIES } from './kernel-profile';
import { testVm } from './testing';

/** firstUnmappedGfn against the page-by-page truth of spteInfo, after random accesses and kernel operations. */
describe('VmMmu.firstUnmappedGfn', () => {
  const PAGES = 4 * 512;
  const at = fc.integer({ min: 0, max: PAGES - 1 });
  const op = fc.oneof(
    { weight: 4, arbitrary: fc.record({ kind: fc.constantFrom('write' as const, 'read' as const), at, len: fc.integer({ min: 1, max: 700 }) }) },
    { weight: 1, arbitrary: fc.record({ kind: fc.constantFrom('enable' as const, 'disable' as const) }) },
    { weight: 1, arbitrary: fc.record({ kind: fc.constant('thp-split' as const), at, stillCompound: fc.boolean() }) },
  );

  it('returns the first page a read would fault on, or the end of the range', () => {
    fc.assert(
      fc.property(fc.constantFrom(...RECOVERY_STRATEGIES), fc.boolean(), fc.boolean(), fc.array(op, { maxLength: 30 }), fc.array(fc.tuple(at, at), { minLength: 1, maxLength: 10 }), (recovery, eagerSplit, populate, ops, ranges) => {
        const mmu = testVm({ memoryMiB: (PAGES * 4) / 1024, vcpus: 1, populate, profile: { recovery, eagerSplit, hugeWriteUnderLogging: 'drop' } });
        for (const o of ops) {
          if (o.kind === 'write' || o.kind === 'read') mmu.accessRange(o.at, Math.min(o.len, PAGES - o.at), o.kind === 'write', 0);
          else if (o.kind === 'enable' || o.kind === 'disable') mmu.setDirtyLogging(0, o.kind === 'enable');
          else if (o.kind === 'thp-split') mmu.hostThpSplit(o.at, o.stillCompound);
        }
        for (const [a, b] of ranges) {
          const [start, end] = a <= b ? [a, b + 1] : [b, a + 1];
          let expected = end;
          for (let gfn = start; gfn < end; gfn++) {
            if (mmu.spteInfo(gfn).level === 0) {
              expected = gfn;
              break;
            }
          }
          expect(mmu.firstUnmappedGfn(start, end)).toBe(expected);
        }
        // Outside every memslot counts as unmapped.
        expect(mmu.firstUnmappedGfn(PAGES - 1, PAGES + 5)).toBe(mmu.spteInfo(PAGES - 1).level === 0 ? PAGES - 1 : PAGES);
      }),
      { numRuns: 300 },
    );
  });
});
