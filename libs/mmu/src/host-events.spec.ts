import { describe, expect, it } from 'vitest';
import { kernelProfile } from './kernel-profile';
import { PAGES_PER_2M } from './units';
import { VmMmu } from './vm-mmu';

function vm(): VmMmu {
  const mmu = new VmMmu({ profile: kernelProfile({ recovery: 'zap-rmap' }), vcpus: 2 });
  mmu.addMemslot({ id: 0, baseGfn: 0, npages: 4 * PAGES_PER_2M, hvaPage: 8 * PAGES_PER_2M });
  mmu.populate();
  return mmu;
}

describe('host events (mmu notifier invalidations)', () => {
  it('a host THP split zaps the 2M SPTE mapping it, and the region re-faults at 4K while it stays split', () => {
    const mmu = vm();
    const hva = 8 * PAGES_PER_2M + PAGES_PER_2M + 7;
    mmu.hostThpSplit(hva, false);
    expect(mmu.hostPageState(hva)).toBe('thp-split');
    expect([mmu.mappingLevel(PAGES_PER_2M), mmu.mappingLevel(0)]).toEqual([0, 2]);
    expect(mmu.counters().tlbFlushes).toBe(1);
    expect(mmu.accessRange(PAGES_PER_2M, PAGES_PER_2M, false).faults4k).toBe(PAGES_PER_2M);
  });

  it('khugepaged collapse zaps the 4K SPTEs of the split THP and the next fault maps 2M again', () => {
    const mmu = vm();
    mmu.hostThpSplit(8 * PAGES_PER_2M, true);
    mmu.accessRange(0, PAGES_PER_2M, true);
    expect(mmu.coverage().bytes4k).toBe(2 ** 21);
    mmu.hostThpCollapse(8 * PAGES_PER_2M + 3);
    expect(mmu.hostPageState(8 * PAGES_PER_2M)).toBe('thp');
    expect(mmu.coverage().bytes4k).toBe(0);
    expect(mmu.accessRange(0, 1, false).faults2m).toBe(1);
  });

  it('a THP split or collapse request on hugetlbfs or plain 4K memory changes nothing', () => {
    const mmu = vm();
    mmu.setBacking({ hvaPage: 8 * PAGES_PER_2M, npages: PAGES_PER_2M, backing: 'hugetlb-2m' });
    mmu.populate();
    const flushes = mmu.counters().tlbFlushes;
    mmu.hostThpSplit(8 * PAGES_PER_2M, false);
    mmu.hostThpCollapse(8 * PAGES_PER_2M);
    expect([mmu.hostPageState(8 * PAGES_PER_2M), mmu.mappingLevel(0), mmu.counters().tlbFlushes]).toEqual(['hugetlb-2m', 2, flushes]);
  });

  it('a host THP split while logging keeps every dirty page in the log', () => {
    const mmu = vm();
    mmu.setDirtyLogging(0, true);
    mmu.accessRange(0, 600, true);
    mmu.hostThpSplit(8 * PAGES_PER_2M, false);
    mmu.hostThpCollapse(8 * PAGES_PER_2M);
    expect(mmu.getDirtyLog(0).dirtyPageCount).toBe(600);
  });

  it('hugetlbfs ranges must be aligned to their page size', () => {
    const mmu = vm();
    expect(() => mmu.setBacking({ hvaPage: 100, npages: PAGES_PER_2M, backing: 'hugetlb-2m' })).toThrow(/INVALID_BACKING.*2 MiB boundary/);
    expect(() => mmu.setBacking({ hvaPage: 0, npages: PAGES_PER_2M, backing: 'hugetlb-1g' })).toThrow(/INVALID_BACKING.*1 GiB boundary/);
  });
});
