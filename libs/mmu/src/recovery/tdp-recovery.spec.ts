import { describe, expect, it } from 'vitest';
import type { HostBacking } from '../host-backing';
import { kernelProfile, type KernelProfile, type RecoveryStrategy } from '../kernel-profile';
import { PAGES_PER_1G, PAGES_PER_2M } from '../units';
import { VmMmu } from '../vm-mmu';

function splitVm(recovery: RecoveryStrategy, npages = 4 * PAGES_PER_2M, backing: HostBacking = 'thp', profile: Partial<KernelProfile> = {}): VmMmu {
  const mmu = new VmMmu({ profile: kernelProfile({ recovery, eagerSplit: true, ...profile }), vcpus: 4 });
  mmu.addMemslot({ id: 0, baseGfn: 0, npages, hvaPage: 0 });
  if (backing !== 'thp') mmu.setBacking({ hvaPage: 0, npages: Math.max(npages, backing === 'hugetlb-1g' ? PAGES_PER_1G : 0), backing });
  mmu.populate();
  mmu.setDirtyLogging(0, true);
  return mmu;
}

describe('TDP MMU recovery: zap-tdp and recover-in-place', () => {
  it('zap-tdp: each collapsible 2M table is zapped whole with one TLB flush per zap, and each region re-faults once', () => {
    const mmu = splitVm('zap-tdp');
    const report = mmu.setDirtyLogging(0, false);
    expect(report).toMatchObject({ strategy: 'zap-tdp', tlbFlushes: 4, sptesZapped: 4 * PAGES_PER_2M, hugeInstalled: 0, rmapEntriesScanned: 0 });
    const touch = mmu.accessRange(0, 4 * PAGES_PER_2M, true);
    expect([touch.faults2m, touch.faults4k, touch.tlbFlushes]).toEqual([4, 0, 0]);
    expect(mmu.coverage().bytes2m).toBe(4 * 2 ** 21);
  });

  it('recover-in-place: huge SPTEs are installed in place, flushes are batched and the guest takes no re-fault', () => {
    const mmu = splitVm('recover-in-place');
    const report = mmu.setDirtyLogging(0, false);
    expect(report).toMatchObject({ strategy: 'recover-in-place', tlbFlushes: 1, sptesZapped: 0, hugeInstalled: 4 });
    expect(mmu.coverage().bytes2m).toBe(4 * 2 ** 21);
    const touch = mmu.accessRange(0, 4 * PAGES_PER_2M, false);
    expect(touch.faults2m + touch.faults4k + touch.fastFaults).toBe(0);
    expect(mmu.counters().hugeInstalledInPlace).toBe(4);
  });

  it('recover-in-place: the huge SPTE inherits the permissions of the first present child', () => {
    const mmu = splitVm('recover-in-place', 2 * PAGES_PER_2M, 'thp', { pml: false });
    // Write-protect mode: enabling logging write-protected every 4K leaf. Make region 1's first leaf writable.
    mmu.accessRange(PAGES_PER_2M, 1, true);
    mmu.setDirtyLogging(0, false);
    expect([mmu.spteInfo(0).writable, mmu.spteInfo(PAGES_PER_2M).writable]).toEqual([false, true]);
    const write = mmu.accessRange(0, 1, true);
    expect(write.fastFaults).toBe(1);
    expect(mmu.spteInfo(5).writable).toBe(true);
  });

  it('recover-in-place: a table with no present leaf is left alone, and the next fault replaces it with a flush', () => {
    const mmu = splitVm('recover-in-place', 2 * PAGES_PER_2M);
    mmu.hostThpSplit(0, false);
    mmu.hostThpCollapse(0);
    expect(mmu.mappingLevel(0)).toBe(0);
    const report = mmu.setDirtyLogging(0, false);
    expect(report.hugeInstalled).toBe(1);
    const touch = mmu.accessRange(0, PAGES_PER_2M, false);
    expect([touch.faults2m, touch.tlbFlushes]).toEqual([1, 1]);
  });

  it('recover-in-place: hugetlbfs 1G: one 1G SPTE replaces the 512 split regions in place', () => {
    const mmu = splitVm('recover-in-place', PAGES_PER_1G, 'hugetlb-1g');
    expect(mmu.coverage().bytes4k).toBe(2 ** 30);
    const report = mmu.setDirtyLogging(0, false);
    expect([report.hugeInstalled, report.tlbFlushes]).toEqual([1, 1]);
    expect(mmu.coverage().bytes1g).toBe(2 ** 30);
  });

  it('zap-tdp: hugetlbfs 1G: the 1G parent is zapped in one go and one fault maps 1G again', () => {
    const mmu = splitVm('zap-tdp', PAGES_PER_1G, 'hugetlb-1g');
    const report = mmu.setDirtyLogging(0, false);
    expect([report.tlbFlushes, report.sptesZapped]).toEqual([1, PAGES_PER_1G]);
    const touch = mmu.accessRange(0, PAGES_PER_1G, false);
    expect([touch.faults1g, touch.faults2m]).toEqual([1, 0]);
  });

  it('zap-tdp and recover-in-place leave reserved memory, plain 4K memory and misaligned slot edges at 4K', () => {
    for (const recovery of ['zap-tdp', 'recover-in-place'] as const) {
      for (const backing of ['reserved', '4k', 'zone-device'] as const) {
        const mmu = splitVm(recovery, 2 * PAGES_PER_2M, backing);
        const report = mmu.setDirtyLogging(0, false);
        expect([recovery, backing, report.sptesZapped, report.hugeInstalled, mmu.coverage().bytes4k]).toEqual([recovery, backing, 0, 0, 2 * 2 ** 21]);
      }
      const edge = new VmMmu({ profile: kernelProfile({ recovery, eagerSplit: true }), vcpus: 2 });
      edge.addMemslot({ id: 0, baseGfn: 0, npages: PAGES_PER_2M + 100, hvaPage: 0 });
      edge.populate();
      edge.setDirtyLogging(0, true);
      edge.setDirtyLogging(0, false);
      edge.accessRange(0, PAGES_PER_2M + 100, false);
      expect([recovery, edge.mappingLevel(0), edge.mappingLevel(PAGES_PER_2M + 50)]).toEqual([recovery, 2, 1]);
    }
  });

  it('none: the slot stays at 4K after logging stops; nothing is zapped and nothing is flushed', () => {
    const mmu = splitVm('none');
    const report = mmu.setDirtyLogging(0, false);
    expect(report).toMatchObject({ strategy: 'none', sptesZapped: 0, tlbFlushes: 0, simulatedNs: 0 });
    expect(mmu.accessRange(0, 4 * PAGES_PER_2M, true).faults2m).toBe(0);
    expect(mmu.coverage().bytes4k).toBe(4 * 2 ** 21);
  });

  it('shadow paging: zap-tdp and recover-in-place run the rmap walk with the max-mapping-level check', () => {
    for (const recovery of ['zap-tdp', 'recover-in-place'] as const) {
      const mmu = splitVm(recovery, 2 * PAGES_PER_2M, 'hugetlb-2m', { mmu: 'shadow' });
      const report = mmu.setDirtyLogging(0, false);
      expect([recovery, report.strategy, report.sptesZapped, report.rmapEntriesScanned]).toEqual([recovery, 'zap-max-level', 2 * PAGES_PER_2M, 2 * PAGES_PER_2M]);
    }
  });
});
