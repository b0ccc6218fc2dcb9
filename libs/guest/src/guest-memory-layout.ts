import type { Coverage, VmMmu } from '@migsim/mmu';
import { GuestError } from './errors';
import { GUEST_PAGE_BYTES, type ResolvedWorkloadSpec } from './workload-spec';

/** 4 KiB pages in a 2 MiB region: the unit the re-fault pass touches. */
export const REGION_PAGES = 512;

/**
 * Where the guest's memory sits in gfn space and how it maps onto the
 * memslots: guest memory is one contiguous gfn range that the memslots
 * must cover without holes.
 */
export class GuestMemoryLayout {
  readonly baseGfn: number;
  readonly memoryPages: number;
  readonly workingSetPages: number;
  readonly workingSetRegionCount: number;

  constructor(
    private readonly mmu: VmMmu,
    workload: ResolvedWorkloadSpec,
    baseGfn?: number,
  ) {
    const slots = [...mmu.memslots()].sort((a, b) => a.baseGfn - b.baseGfn);
    this.baseGfn = baseGfn ?? (slots.length > 0 ? slots[0].baseGfn : 0);
    this.memoryPages = workload.memoryBytes / GUEST_PAGE_BYTES;
    this.workingSetPages = workload.workingSetBytes / GUEST_PAGE_BYTES;
    this.workingSetRegionCount = Math.ceil(this.workingSetPages / REGION_PAGES);

    const end = this.baseGfn + this.memoryPages;
    let covered = this.baseGfn;
    for (const slot of slots) {
      const slotEnd = slot.baseGfn + slot.npages;
      if (slotEnd <= covered || slot.baseGfn >= end) continue;
      if (slot.baseGfn > covered) break;
      covered = Math.min(slotEnd, end);
      if (covered === end) break;
    }
    if (covered < end) {
      throw new GuestError(
        'GUEST_MEMORY_NOT_IN_MEMSLOTS',
        `guest memory gfn ${this.baseGfn}..${end - 1} (${workload.memoryBytes} bytes) is not covered by memslots: ` +
          `gfn ${covered} is in none; add a memslot or lower workload.memoryBytes`,
      );
    }
  }

  /** How many working-set regions from `region` (at most `limit`) have every page mapped. */
  mappedRegionsFrom(region: number, limit: number): number {
    const startPage = region * REGION_PAGES;
    const endPage = Math.min(this.workingSetPages, (region + limit) * REGION_PAGES);
    const first = this.mmu.firstUnmappedGfn(this.baseGfn + startPage, this.baseGfn + endPage) - this.baseGfn;
    return first >= endPage ? limit : Math.floor((first - startPage) / REGION_PAGES);
  }

  /** Accesses [gfn, gfn + count) through `mmu.accessRange` (which crosses memslots itself); returns cost ns. */
  accessRun(gfn: number, count: number, write: boolean, vcpu: number): number {
    return this.mmu.accessRange(gfn, count, write, vcpu).costNs;
  }

  /**
   * Bytes of the working set at each size with no migration: every 2 MiB
   * region at `mmu.hugeMappingLevel` of its first page (the max mapping
   * level ignoring dirty logging), so it holds whenever it is taken.
   */
  baselineCoverage(): Coverage {
    const bytes = [0, 0, 0, 0];
    for (let region = 0; region < this.workingSetRegionCount; region++) {
      const firstPage = region * REGION_PAGES;
      const pages = Math.min(REGION_PAGES, this.workingSetPages - firstPage);
      bytes[this.mmu.hugeMappingLevel(this.baseGfn + firstPage)] += pages * GUEST_PAGE_BYTES;
    }
    return { bytes4k: bytes[1], bytes2m: bytes[2], bytes1g: bytes[3], bytesUnmapped: 0 };
  }
}
