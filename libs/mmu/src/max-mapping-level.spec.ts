import { describe, expect, it } from 'vitest';
import { kernelProfile } from './kernel-profile';
import { PAGES_PER_1G, PAGES_PER_2M } from './units';
import { VmMmu } from './vm-mmu';

function vm(profile = kernelProfile()): VmMmu {
  return new VmMmu({ profile, vcpus: 2 });
}

describe('max mapping level = min(hardware, host, lpage_info), 4K while logging', () => {
  it('lpage_info: a slot whose base is not 2M-aligned maps its first partial region at 4K and the rest at 2M', () => {
    const mmu = vm();
    mmu.addMemslot({ id: 0, baseGfn: 100, npages: 4 * PAGES_PER_2M - 100, hvaPage: 100 });
    expect(mmu.maxMappingLevel(100)).toBe(1);
    expect(mmu.maxMappingLevel(511)).toBe(1);
    expect(mmu.maxMappingLevel(512)).toBe(2);
    mmu.populate();
    expect(mmu.mappingLevel(100)).toBe(1);
    expect(mmu.mappingLevel(600)).toBe(2);
    expect(mmu.coverage().bytes4k).toBe((512 - 100) * 4096);
  });

  it('lpage_info: a slot whose end is not 2M-aligned maps its last partial region at 4K', () => {
    const mmu = vm();
    mmu.addMemslot({ id: 0, baseGfn: 0, npages: 2 * PAGES_PER_2M + 7, hvaPage: 0 });
    expect(mmu.maxMappingLevel(2 * PAGES_PER_2M - 1)).toBe(2);
    expect(mmu.maxMappingLevel(2 * PAGES_PER_2M + 6)).toBe(1);
  });

  it('lpage_info: gfn and hva misaligned relative to each other at 2M forbid huge pages in the whole slot', () => {
    const mmu = vm();
    mmu.addMemslot({ id: 0, baseGfn: 0, npages: 8 * PAGES_PER_2M, hvaPage: 256 });
    for (const gfn of [0, 700, 3000, 8 * PAGES_PER_2M - 1]) expect(mmu.maxMappingLevel(gfn)).toBe(1);
    mmu.populate();
    expect(mmu.coverage().bytes2m).toBe(0);
  });

  it('1G: hugetlbfs 1G pages behind a 1G-aligned slot map 1G; a 1G region only partly in the slot maps 2M', () => {
    const mmu = vm();
    mmu.addMemslot({ id: 0, baseGfn: 0, npages: PAGES_PER_1G + 4 * PAGES_PER_2M, hvaPage: 0 });
    mmu.setBacking({ hvaPage: 0, npages: 2 * PAGES_PER_1G, backing: 'hugetlb-1g' });
    expect(mmu.maxMappingLevel(5)).toBe(3);
    expect(mmu.maxMappingLevel(PAGES_PER_1G + 5)).toBe(2);
    mmu.populate();
    expect(mmu.coverage()).toMatchObject({ bytes1g: 2 ** 30, bytes2m: 4 * 2 ** 21, bytes4k: 0 });
  });

  it('1G: a CPU without 1G EPT leaves (maxHardwareLevel 2) maps hugetlbfs 1G memory with 2M SPTEs', () => {
    const mmu = vm(kernelProfile({ maxHardwareLevel: 2 }));
    mmu.addMemslot({ id: 0, baseGfn: 0, npages: PAGES_PER_1G, hvaPage: 0 });
    mmu.setBacking({ hvaPage: 0, npages: PAGES_PER_1G, backing: 'hugetlb-1g' });
    expect(mmu.maxMappingLevel(0)).toBe(2);
  });

  it('1G: gfn and hva aligned at 2M but not at 1G allow 2M and forbid 1G', () => {
    const mmu = vm();
    mmu.addMemslot({ id: 0, baseGfn: 0, npages: PAGES_PER_1G, hvaPage: PAGES_PER_2M });
    mmu.setBacking({ hvaPage: 0, npages: 2 * PAGES_PER_1G, backing: 'hugetlb-1g' });
    expect(mmu.maxMappingLevel(0)).toBe(2);
  });

  it('host: plain 4K, reserved and zone-device pages map at 4K; THP and hugetlbfs 2M at 2M', () => {
    const mmu = vm();
    mmu.addMemslot({ id: 0, baseGfn: 0, npages: 5 * PAGES_PER_2M, hvaPage: 0 });
    const backings = ['thp', 'hugetlb-2m', '4k', 'reserved', 'zone-device'] as const;
    backings.forEach((backing, k) => mmu.setBacking({ hvaPage: k * PAGES_PER_2M, npages: PAGES_PER_2M, backing }));
    expect(backings.map((_, k) => mmu.maxMappingLevel(k * PAGES_PER_2M))).toEqual([2, 2, 1, 1, 1]);
  });

  it('host: a 2M host page only partly covered by a THP range is plain 4K (a THP cannot straddle mappings)', () => {
    const mmu = vm();
    mmu.addMemslot({ id: 0, baseGfn: 0, npages: 2 * PAGES_PER_2M, hvaPage: 0 });
    mmu.setBacking({ hvaPage: 0, npages: 2 * PAGES_PER_2M, backing: '4k' });
    mmu.setBacking({ hvaPage: 100, npages: 2 * PAGES_PER_2M - 100, backing: 'thp' });
    expect(mmu.hostPageState(0)).toBe('4k');
    expect(mmu.maxMappingLevel(0)).toBe(1);
    expect(mmu.maxMappingLevel(PAGES_PER_2M)).toBe(2);
  });

  it('dirty logging: every gfn of a logged slot maps at 4K, and the huge level comes back when logging stops', () => {
    const mmu = vm();
    mmu.addMemslot({ id: 0, baseGfn: 0, npages: 2 * PAGES_PER_2M, hvaPage: 0 });
    mmu.setDirtyLogging(0, true);
    expect(mmu.maxMappingLevel(0)).toBe(1);
    expect(mmu.hugeMappingLevel(0)).toBe(2);
    mmu.setDirtyLogging(0, false);
    expect(mmu.maxMappingLevel(0)).toBe(2);
  });

  it('shadow paging: a region the guest maps with 4K pages maps at 4K; under TDP the guest mapping does not matter', () => {
    for (const mmuKind of ['shadow', 'tdp'] as const) {
      const mmu = vm(kernelProfile({ mmu: mmuKind }));
      mmu.addMemslot({ id: 0, baseGfn: 0, npages: 2 * PAGES_PER_2M, hvaPage: 0 });
      mmu.markGuest4kMapped(10, 1);
      expect([mmuKind, mmu.maxMappingLevel(0), mmu.maxMappingLevel(PAGES_PER_2M)]).toEqual([mmuKind, mmuKind === 'shadow' ? 1 : 2, 2]);
    }
  });

  it('a gfn outside every memslot has no SPTE and no mapping level', () => {
    const mmu = vm();
    mmu.addMemslot({ id: 0, baseGfn: PAGES_PER_2M, npages: PAGES_PER_2M, hvaPage: 0 });
    mmu.populate();
    expect(mmu.mappingLevel(0)).toBe(0);
    expect(mmu.mappingLevel(2 * PAGES_PER_2M)).toBe(0);
    expect(() => mmu.maxMappingLevel(0)).toThrow(/GFN_NOT_IN_MEMSLOT/);
  });
});
