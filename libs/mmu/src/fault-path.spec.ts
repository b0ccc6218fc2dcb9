import { describe, expect, it } from 'vitest';
import { DEFAULT_COSTS } from './cost-model';
import { kernelProfile, type KernelProfile } from './kernel-profile';
import { PAGES_PER_1G, PAGES_PER_2M } from './units';
import { VmMmu } from './vm-mmu';

function loggedVm(profile: Partial<KernelProfile>, npages = 2 * PAGES_PER_2M, vcpus = 2): VmMmu {
  const mmu = new VmMmu({ profile: kernelProfile(profile), vcpus });
  mmu.addMemslot({ id: 0, baseGfn: 0, npages, hvaPage: 0 });
  if (npages >= PAGES_PER_1G) mmu.setBacking({ hvaPage: 0, npages, backing: 'hugetlb-1g' });
  mmu.populate();
  mmu.setDirtyLogging(0, true);
  return mmu;
}

describe('fault path', () => {
  it('a fault maps at the max mapping level: 2M for THP, 4K for plain pages', () => {
    const mmu = new VmMmu({ profile: kernelProfile(), vcpus: 1 });
    mmu.addMemslot({ id: 0, baseGfn: 0, npages: 2 * PAGES_PER_2M, hvaPage: 0 });
    mmu.setBacking({ hvaPage: PAGES_PER_2M, npages: PAGES_PER_2M, backing: '4k' });
    expect(mmu.access(5, false)).toBe(DEFAULT_COSTS.fault2mNs);
    expect(mmu.access(PAGES_PER_2M + 5, true)).toBe(DEFAULT_COSTS.fault4kNs);
    expect([mmu.mappingLevel(400), mmu.mappingLevel(PAGES_PER_2M + 5), mmu.mappingLevel(PAGES_PER_2M + 6)]).toEqual([2, 1, 0]);
    expect(mmu.access(6, true)).toBe(0);
  });

  it("legacy MMU ('drop'): a write to a write-protected 2M SPTE under logging drops it and the rest of the region re-faults at 4K", () => {
    const mmu = loggedVm({ hugeWriteUnderLogging: 'drop' });
    const first = mmu.accessRange(10, 1, true);
    expect([first.faults4k, first.splits, first.tlbFlushes]).toEqual([1, 0, 1]);
    expect([mmu.mappingLevel(10), mmu.mappingLevel(11)]).toEqual([1, 0]);
    const rest = mmu.accessRange(0, PAGES_PER_2M, false);
    expect(rest.faults4k).toBe(PAGES_PER_2M - 1);
  });

  it("TDP MMU >= 6.2 ('split-in-place'): the 2M SPTE is split in place; the children keep its write protection", () => {
    const mmu = loggedVm({ hugeWriteUnderLogging: 'split-in-place' });
    const first = mmu.accessRange(10, 1, true);
    expect([first.faults4k, first.splits, first.tlbFlushes]).toEqual([1, 1, 0]);
    expect([mmu.spteInfo(10), mmu.spteInfo(11)]).toEqual([
      { level: 1, writable: true, indirect: false },
      { level: 1, writable: false, indirect: false },
    ]);
    expect(mmu.accessRange(0, PAGES_PER_2M, false).faults4k).toBe(0);
    expect(mmu.accessRange(11, 1, true).fastFaults).toBe(1);
  });

  it("split-in-place of a write-protected 1G SPTE splits it to 2M, then the written 2M to 4K", () => {
    const mmu = loggedVm({ hugeWriteUnderLogging: 'split-in-place' }, PAGES_PER_1G);
    expect(mmu.accessRange(PAGES_PER_2M * 3 + 1, 1, true).splits).toBe(2);
    expect([mmu.mappingLevel(0), mmu.mappingLevel(PAGES_PER_2M * 3)]).toEqual([2, 1]);
    expect(mmu.coverage()).toMatchObject({ bytes1g: 0, bytes2m: 511 * 2 ** 21, bytes4k: 2 ** 21 });
  });

  it('a write to a write-protected 4K SPTE under logging takes a fast page fault and marks the page dirty', () => {
    const mmu = loggedVm({ pml: false, eagerSplit: true });
    const write = mmu.accessRange(7, 3, true);
    expect([write.fastFaults, write.costNs]).toEqual([3, 3 * DEFAULT_COSTS.fastFaultNs]);
    expect(mmu.accessRange(7, 3, true).fastFaults).toBe(0);
    const log = mmu.getDirtyLog(0);
    expect([log.dirtyPageCount, log.bitmap[0]]).toEqual([3, 0b111 << 7]);
  });

  it("PML: writes to clean 4K SPTEs are logged without exits; a vCPU's 512th logged write exits PML-full", () => {
    const mmu = loggedVm({ pml: true, eagerSplit: true });
    const first = mmu.accessRange(0, 511, true, 0);
    expect([first.fastFaults, first.pmlFullExits]).toEqual([0, 0]);
    expect(mmu.accessRange(511, 1, true, 1).pmlFullExits).toBe(0);
    expect(mmu.accessRange(600, 1, true, 0).pmlFullExits).toBe(1);
    expect(mmu.accessRange(0, 1000, true, 0).pmlFullExits).toBe(0);
    expect(mmu.getDirtyLog(0).dirtyPageCount).toBe(1000);
  });

  it("PML: any other VM exit of the vCPU drains its buffer, so the PML-full exit comes later", () => {
    const mmu = loggedVm({ pml: true, eagerSplit: true });
    mmu.accessRange(0, 300, true, 0);
    mmu.hostThpSplit(PAGES_PER_2M, false);
    expect(mmu.accessRange(PAGES_PER_2M, 1, false, 0).faults4k).toBe(1);
    expect(mmu.accessRange(300, 300, true, 0).pmlFullExits).toBe(0);
  });

  it('a write to a read-only memslot exits to userspace and never dirties the page', () => {
    const mmu = new VmMmu({ profile: kernelProfile(), vcpus: 1 });
    mmu.addMemslot({ id: 0, baseGfn: 0, npages: PAGES_PER_2M, hvaPage: 0, readonly: true });
    mmu.setDirtyLogging(0, true);
    const write = mmu.accessRange(0, 4, true);
    expect([write.readonlyWriteExits, write.faults4k]).toEqual([4, 4]);
    expect(mmu.spteInfo(0).writable).toBe(false);
    expect(mmu.getDirtyLog(0).dirtyPageCount).toBe(0);
  });

  it('an access range running past the end of a memslot into unmapped guest memory throws GFN_NOT_IN_MEMSLOT', () => {
    const mmu = new VmMmu({ profile: kernelProfile(), vcpus: 1 });
    mmu.addMemslot({ id: 0, baseGfn: 0, npages: 100, hvaPage: 0 });
    mmu.addMemslot({ id: 1, baseGfn: 200, npages: 100, hvaPage: 100 });
    expect(() => mmu.accessRange(50, 200, true)).toThrow(/GFN_NOT_IN_MEMSLOT.*gfn 100/);
    expect(mmu.accessRange(250, 50, true).faults4k).toBe(50);
    expect(() => mmu.accessRange(0, 1, true, 1)).toThrow(/INVALID_VCPU/);
  });

  it('a sequential write over split, logged memory costs one fast fault per write-protected page and nothing for pages already dirty', () => {
    const mmu = loggedVm({ pml: false, eagerSplit: true }, 64 * PAGES_PER_2M);
    const first = mmu.accessRange(0, 64 * PAGES_PER_2M, true);
    expect(first.fastFaults).toBe(64 * PAGES_PER_2M);
    const again = mmu.accessRange(0, 64 * PAGES_PER_2M, true);
    expect(again.costNs).toBe(0);
  });
});
