import { describe, expect, it } from 'vitest';
import type { HostBacking } from '../host-backing';
import { kernelProfile, type KernelProfile, type RecoveryStrategy } from '../kernel-profile';
import { PAGES_PER_1G, PAGES_PER_2M } from '../units';
import { VmMmu, type MemslotSpec } from '../vm-mmu';

/** A populated VM split to 4K by dirty logging (eager split), ready for its logging to be disabled. */
function splitVm(recovery: RecoveryStrategy, slot: Partial<MemslotSpec> = {}, backing: HostBacking = 'thp', profile: Partial<KernelProfile> = {}): VmMmu {
  const mmu = new VmMmu({ profile: kernelProfile({ recovery, eagerSplit: true, ...profile }), vcpus: 4 });
  const spec = { id: 0, baseGfn: 0, npages: 4 * PAGES_PER_2M, hvaPage: 0, ...slot };
  mmu.addMemslot(spec);
  const align = backing === 'hugetlb-1g' ? PAGES_PER_1G : PAGES_PER_2M;
  mmu.setBacking({ hvaPage: 0, npages: Math.ceil((spec.hvaPage + spec.npages) / align) * align, backing });
  mmu.populate();
  mmu.setDirtyLogging(0, true);
  mmu.accessRange(spec.baseGfn, spec.npages, false);
  return mmu;
}

function touchAll(mmu: VmMmu) {
  const slot = mmu.memslots()[0]!;
  return mmu.accessRange(slot.baseGfn, slot.npages, false);
}

describe('zap-rmap (Linux 4.1 kvm_mmu_zap_collapsible_sptes)', () => {
  it('zap-rmap: THP-backed 4K SPTEs are dropped and the next faults map 2M again', () => {
    const mmu = splitVm('zap-rmap');
    expect(mmu.coverage().bytes4k).toBe(4 * 2 ** 21);
    const report = mmu.setDirtyLogging(0, false);
    expect(report).toMatchObject({ strategy: 'zap-rmap', sptesZapped: 4 * PAGES_PER_2M, rmapEntriesScanned: 4 * PAGES_PER_2M, hugeInstalled: 0 });
    expect(mmu.coverage()).toMatchObject({ bytes4k: 0, bytes2m: 0 });
    const touch = touchAll(mmu);
    expect(touch.faults2m).toBe(4);
    expect(mmu.coverage().bytes2m).toBe(4 * 2 ** 21);
  });

  it('zap-rmap: SPTEs of direct shadow pages are dropped; those of indirect shadow pages (guest 4K page tables) are never touched', () => {
    const mmu = new VmMmu({ profile: kernelProfile({ mmu: 'shadow', recovery: 'zap-rmap', eagerSplit: true }), vcpus: 2 });
    mmu.addMemslot({ id: 0, baseGfn: 0, npages: 2 * PAGES_PER_2M, hvaPage: 0 });
    mmu.markGuest4kMapped(PAGES_PER_2M, PAGES_PER_2M);
    mmu.populate();
    mmu.setDirtyLogging(0, true);
    mmu.accessRange(0, 2 * PAGES_PER_2M, true);
    const before = mmu.spteInfo(PAGES_PER_2M + 3);
    expect(before).toEqual({ level: 1, writable: true, indirect: true });
    const report = mmu.setDirtyLogging(0, false);
    expect(report.sptesZapped).toBe(PAGES_PER_2M);
    expect(mmu.spteInfo(PAGES_PER_2M + 3)).toEqual(before);
    expect(mmu.mappingLevel(3)).toBe(0);
    touchAll(mmu);
    expect([mmu.mappingLevel(3), mmu.mappingLevel(PAGES_PER_2M + 3)]).toEqual([2, 1]);
  });

  it('zap-rmap: a reserved pfn is never dropped (kvm_is_reserved_pfn)', () => {
    const mmu = splitVm('zap-rmap', {}, 'reserved');
    const report = mmu.setDirtyLogging(0, false);
    expect(report.sptesZapped).toBe(0);
    expect(report.rmapEntriesScanned).toBe(4 * PAGES_PER_2M);
    expect(mmu.coverage().bytes4k).toBe(4 * 2 ** 21);
  });

  it('zap-rmap: plain 4K host pages are not compound: their SPTEs stay at 4K', () => {
    const mmu = splitVm('zap-rmap', {}, '4k');
    expect(mmu.setDirtyLogging(0, false).sptesZapped).toBe(0);
    expect(touchAll(mmu).faults2m).toBe(0);
    expect(mmu.coverage().bytes4k).toBe(4 * 2 ** 21);
  });

  it('zap-rmap: a THP split in the host but still compound is zapped (PageTransCompound) yet re-faults at 4K: not collapsed', () => {
    const mmu = splitVm('zap-rmap');
    mmu.hostThpSplit(0, true);
    touchAll(mmu);
    const report = mmu.setDirtyLogging(0, false);
    expect(report.sptesZapped).toBe(4 * PAGES_PER_2M);
    const touch = touchAll(mmu);
    expect([touch.faults4k, touch.faults2m]).toEqual([PAGES_PER_2M, 3]);
    expect(mmu.mappingLevel(0)).toBe(1);
  });

  it('zap-max-level: a THP split in the host but still compound is not zapped (PageTransCompoundMap is false)', () => {
    const mmu = splitVm('zap-max-level');
    mmu.hostThpSplit(0, true);
    touchAll(mmu);
    expect(mmu.setDirtyLogging(0, false).sptesZapped).toBe(3 * PAGES_PER_2M);
    expect(mmu.mappingLevel(0)).toBe(1);
  });

  it('zap-rmap: a THP split and no longer compound is not zapped', () => {
    const mmu = splitVm('zap-rmap');
    mmu.hostThpSplit(0, false);
    touchAll(mmu);
    expect(mmu.setDirtyLogging(0, false).sptesZapped).toBe(3 * PAGES_PER_2M);
    expect(mmu.mappingLevel(0)).toBe(1);
  });

  it('zap-rmap: hugetlbfs pages are compound (4.1 PageTransCompound is PageCompound): they are zapped and re-fault huge', () => {
    const mmu2m = splitVm('zap-rmap', {}, 'hugetlb-2m');
    expect(mmu2m.setDirtyLogging(0, false).sptesZapped).toBe(4 * PAGES_PER_2M);
    expect(touchAll(mmu2m).faults2m).toBe(4);
    const mmu1g = splitVm('zap-rmap', { npages: PAGES_PER_1G }, 'hugetlb-1g');
    expect(mmu1g.setDirtyLogging(0, false).sptesZapped).toBe(PAGES_PER_1G);
    expect(touchAll(mmu1g).faults1g).toBe(1);
  });

  it('hugetlbfs under the 4.1 check vs the max-mapping-level check: 4.1 zaps a misaligned hugetlbfs head that can only re-fault at 4K; max-level leaves it', () => {
    const slot = { baseGfn: 100, npages: 4 * PAGES_PER_2M - 100, hvaPage: 100 };
    const rmap = splitVm('zap-rmap', slot, 'hugetlb-2m');
    expect(rmap.setDirtyLogging(0, false).sptesZapped).toBe(slot.npages);
    expect(touchAll(rmap)).toMatchObject({ faults4k: PAGES_PER_2M - 100, faults2m: 3 });
    const maxLevel = splitVm('zap-max-level', slot, 'hugetlb-2m');
    expect(maxLevel.setDirtyLogging(0, false).sptesZapped).toBe(3 * PAGES_PER_2M);
    expect(touchAll(maxLevel)).toMatchObject({ faults4k: 0, faults2m: 3 });
  });

  it('zap-max-level: hugetlbfs 2M memory is collapsed by the max-mapping-level check', () => {
    const mmu = splitVm('zap-max-level', {}, 'hugetlb-2m');
    expect(mmu.setDirtyLogging(0, false).sptesZapped).toBe(4 * PAGES_PER_2M);
    expect(touchAll(mmu).faults2m).toBe(4);
  });

  it('zap-max-level: hugetlbfs 1G memory is zapped and one fault maps the whole 1G again', () => {
    const mmu = splitVm('zap-max-level', { npages: PAGES_PER_1G }, 'hugetlb-1g');
    expect(mmu.setDirtyLogging(0, false).sptesZapped).toBe(PAGES_PER_1G);
    const touch = touchAll(mmu);
    expect([touch.faults1g, touch.faults2m, touch.tlbFlushes]).toEqual([1, 0, 1]);
    expect(mmu.coverage().bytes1g).toBe(2 ** 30);
  });

  it('zap-rmap: the misaligned head of a slot is zapped but re-faults at 4K; zap-max-level leaves it mapped', () => {
    const slot = { baseGfn: 100, npages: 4 * PAGES_PER_2M - 100, hvaPage: 100 };
    const rmap = splitVm('zap-rmap', slot);
    expect(rmap.setDirtyLogging(0, false).sptesZapped).toBe(slot.npages);
    const touch = touchAll(rmap);
    expect([touch.faults4k, touch.faults2m]).toEqual([PAGES_PER_2M - 100, 3]);
    const maxLevel = splitVm('zap-max-level', slot);
    expect(maxLevel.setDirtyLogging(0, false).sptesZapped).toBe(3 * PAGES_PER_2M);
    expect(touchAll(maxLevel).faults4k).toBe(0);
  });

  it('zap-rmap: gfn/hva misalignment: every SPTE is zapped and re-faults at 4K; zap-max-level zaps none', () => {
    const slot = { hvaPage: 256 };
    const rmap = splitVm('zap-rmap', slot);
    expect(rmap.setDirtyLogging(0, false).sptesZapped).toBe(4 * PAGES_PER_2M);
    expect(touchAll(rmap)).toMatchObject({ faults4k: 4 * PAGES_PER_2M, faults2m: 0 });
    const maxLevel = splitVm('zap-max-level', slot);
    expect(maxLevel.setDirtyLogging(0, false).sptesZapped).toBe(0);
  });

  it('zap-rmap: with gfn/hva misaligned, only the pages whose host 2M page is a THP are zapped', () => {
    const mmu = new VmMmu({ profile: kernelProfile({ recovery: 'zap-rmap', eagerSplit: true }), vcpus: 2 });
    mmu.addMemslot({ id: 0, baseGfn: 0, npages: 2 * PAGES_PER_2M, hvaPage: 256 });
    mmu.setBacking({ hvaPage: PAGES_PER_2M, npages: PAGES_PER_2M, backing: 'reserved' });
    mmu.populate();
    mmu.setDirtyLogging(0, true);
    // gfns [0, 256) map host page 0 (THP), [256, 768) host page 1 (reserved), [768, 1024) host page 2 (THP).
    expect(mmu.setDirtyLogging(0, false).sptesZapped).toBe(512);
    expect([mmu.mappingLevel(0), mmu.mappingLevel(300), mmu.mappingLevel(767), mmu.mappingLevel(768)]).toEqual([0, 1, 1, 0]);
  });

  it('the flush before a yield: zap-rmap flushes before yielding mmu_lock when it zapped since the last flush, and once at the end', () => {
    const costs = { lockHoldBeforeYieldNs: 20_000 };
    const mmu = new VmMmu({ profile: kernelProfile({ recovery: 'zap-rmap', eagerSplit: true }), vcpus: 8, costs });
    mmu.addMemslot({ id: 0, baseGfn: 0, npages: 8 * PAGES_PER_2M, hvaPage: 0 });
    mmu.setBacking({ hvaPage: 4 * PAGES_PER_2M, npages: 4 * PAGES_PER_2M, backing: '4k' });
    mmu.populate();
    mmu.setDirtyLogging(0, true);
    const report = mmu.setDirtyLogging(0, false);
    // Each THP region (512 entries scanned and zapped: 39.4 us) exceeds the 20 us budget: flush, then yield.
    // The 4K regions zap nothing (8.7 us each): one yield after three of them, with no flush.
    expect(report.lockYields).toBe(5);
    expect(report.tlbFlushes).toBe(4);
    const flushNs = 2_000 + 8 * 1_200;
    const thpRegionNs = 512 * (2 + 15 + 60) + flushNs;
    expect(report.lockHoldMaxNs).toBe(thpRegionNs);
  });

  it('the flush before a yield: with nothing zapped the walk yields without flushing', () => {
    const mmu = new VmMmu({ profile: kernelProfile({ recovery: 'zap-rmap', eagerSplit: true }), vcpus: 2, costs: { lockHoldBeforeYieldNs: 5_000 } });
    mmu.addMemslot({ id: 0, baseGfn: 0, npages: 4 * PAGES_PER_2M, hvaPage: 0 });
    mmu.setBacking({ hvaPage: 0, npages: 4 * PAGES_PER_2M, backing: '4k' });
    mmu.populate();
    mmu.setDirtyLogging(0, true);
    const report = mmu.setDirtyLogging(0, false);
    expect([report.lockYields, report.tlbFlushes]).toEqual([4, 0]);
  });
});
