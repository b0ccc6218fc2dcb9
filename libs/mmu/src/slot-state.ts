import type { KernelProfile } from './kernel-profile';
import {
  HOST_RESERVED,
  type HostMemory,
  isHugeMappable,
  isPageTransCompound,
} from './host-backing';
import {
  F_GUEST_4K,
  H_COMPOUND_A,
  H_COMPOUND_B,
  H_RESERVED_A,
  H_RESERVED_B,
} from './region-state';
import { PAGES_PER_1G, PAGES_PER_2M, REGIONS_PER_1G, type PageLevel } from './units';

/** A guest memory slot as KVM_SET_USER_MEMORY_REGION describes it (hva given as a page number). */
export interface MemslotSpec {
  id: number;
  baseGfn: number;
  npages: number;
  /** hva >> 12 of the slot's first page. */
  hvaPage: number;
  readonly?: boolean;
}

/**
 * One memslot's MMU state: per-2M-region typed arrays (no object per region or
 * page), the per-1G-region entries, the cached max mapping levels and the dirty
 * bitmap while logging. Region i covers gfns [(firstRegion + i) * 512, +512);
 * only the slot's own gfns of the first and last region belong to it.
 */
export class SlotState {
  readonly spec: Readonly<MemslotSpec>;
  readonly baseGfn: number;
  readonly npages: number;
  readonly endGfn: number;
  readonly hvaPage: number;
  readonly readonly: boolean;
  readonly firstRegion: number;
  readonly regionCount: number;
  /** Offset in region 0 of the slot's first page, and end offset in the last region. */
  readonly headLo: number;
  readonly tailHi: number;
  readonly firstGiant: number;
  readonly giantCount: number;
  /** (hva - gfn) mod 512: where a region's pages cross from one host 2M page into the next (0 = aligned). */
  readonly hvaOffset2m: number;
  /** floor((hva - gfn) / 512): host 2M page of region R's part A is R + hostShift2m. */
  private readonly hostShift2m: number;

  readonly state: Uint8Array;
  readonly flags: Uint8Array;
  readonly host: Uint8Array;
  /** Max mapping level of each region with dirty logging off (`kvm_mmu_max_mapping_level`). */
  readonly maxLevel: Uint8Array;
  readonly table: Int32Array;
  readonly giant: Uint8Array;
  /** 1 when the whole 1G region may be mapped 1G (lpage_info + host hugetlbfs 1G + hardware). */
  readonly giantOk: Uint8Array;

  logging = false;
  /** Dirty bitmap while logging, region-aligned: bit (off & 31) of word i*16 + (off >> 5) = page off of region i. */
  dirtyBitmap: Uint32Array | null = null;
  /**
   * While logging, one bit per region: set when the region's words of `dirtyBitmap`
   * may hold a set bit (clear = certainly clean), so harvesting the log visits only
   * the regions written since the last harvest.
   */
  dirtyRegions: Uint32Array | null = null;

  /** Flags region i as possibly holding dirty bits. */
  markRegionDirty(i: number): void {
    const regions = this.dirtyRegions!;
    regions[i >>> 5] = regions[i >>> 5]! | (1 << (i & 31));
  }

  present4k = 0;
  huge2mCount = 0;
  huge1gCount = 0;

  constructor(spec: MemslotSpec) {
    this.spec = Object.freeze({ ...spec });
    this.baseGfn = spec.baseGfn;
    this.npages = spec.npages;
    this.endGfn = spec.baseGfn + spec.npages;
    this.hvaPage = spec.hvaPage;
    this.readonly = spec.readonly === true;
    this.firstRegion = Math.floor(this.baseGfn / PAGES_PER_2M);
    const lastRegion = Math.floor((this.endGfn - 1) / PAGES_PER_2M);
    this.regionCount = lastRegion - this.firstRegion + 1;
    this.headLo = this.baseGfn - this.firstRegion * PAGES_PER_2M;
    this.tailHi = this.endGfn - lastRegion * PAGES_PER_2M;
    this.firstGiant = Math.floor(this.baseGfn / PAGES_PER_1G);
    this.giantCount = Math.floor((this.endGfn - 1) / PAGES_PER_1G) - this.firstGiant + 1;
    const delta = this.hvaPage - this.baseGfn;
    this.hostShift2m = Math.floor(delta / PAGES_PER_2M);
    this.hvaOffset2m = delta - this.hostShift2m * PAGES_PER_2M;
    this.state = new Uint8Array(this.regionCount);
    this.flags = new Uint8Array(this.regionCount);
    this.host = new Uint8Array(this.regionCount);
    this.maxLevel = new Uint8Array(this.regionCount);
    this.table = new Int32Array(this.regionCount).fill(-1);
    this.giant = new Uint8Array(this.giantCount);
    this.giantOk = new Uint8Array(this.giantCount);
  }

  get id(): number {
    return this.spec.id;
  }

  regionLo(i: number): number {
    return i === 0 ? this.headLo : 0;
  }

  regionHi(i: number): number {
    return i === this.regionCount - 1 ? this.tailHi : PAGES_PER_2M;
  }

  /** Slot region holding `gfn` (which must be in the slot). */
  regionOf(gfn: number): number {
    return Math.floor(gfn / PAGES_PER_2M) - this.firstRegion;
  }

  giantOf(i: number): number {
    return Math.floor((this.firstRegion + i) / REGIONS_PER_1G) - this.firstGiant;
  }

  /** Slot regions [from, to) of 1G region g. */
  giantRegions(g: number): [number, number] {
    const first = (this.firstGiant + g) * REGIONS_PER_1G - this.firstRegion;
    return [Math.max(0, first), Math.min(this.regionCount, first + REGIONS_PER_1G)];
  }

  /** Max mapping level of region i right now: 4K while the slot is dirty-logged. */
  effectiveLevel(i: number): PageLevel {
    return this.logging ? 1 : (this.maxLevel[i]! as PageLevel);
  }

  bytes(): number {
    return (
      this.state.byteLength +
      this.flags.byteLength +
      this.host.byteLength +
      this.maxLevel.byteLength +
      this.table.byteLength +
      this.giant.byteLength +
      this.giantOk.byteLength +
      (this.dirtyBitmap?.byteLength ?? 0) +
      (this.dirtyRegions?.byteLength ?? 0)
    );
  }

  /**
   * Recompute the cached host bits and max mapping levels of regions [from, to)
   * (widened to whole 1G regions, whose 1G permission depends on all of them).
   */
  refresh(from: number, to: number, host: HostMemory, profile: KernelProfile): void {
    const gFrom = this.giantOf(from);
    const gTo = this.giantOf(to - 1);
    for (let g = gFrom; g <= gTo; g++) {
      this.giantOk[g] = this.giant1gAllowed(g, host, profile) ? 1 : 0;
      const [rFrom, rTo] = this.giantRegions(g);
      for (let i = rFrom; i < rTo; i++) this.refreshRegion(i, host, profile);
    }
  }

  private refreshRegion(i: number, host: HostMemory, profile: KernelProfile): void {
    const hostA = this.firstRegion + i + this.hostShift2m;
    const kindA = host.kindOf2m(hostA);
    let bits = (isPageTransCompound(kindA) ? H_COMPOUND_A : 0) | (kindA === HOST_RESERVED ? H_RESERVED_A : 0);
    if (this.hvaOffset2m !== 0) {
      const kindB = host.kindOf2m(hostA + 1);
      bits |= (isPageTransCompound(kindB) ? H_COMPOUND_B : 0) | (kindB === HOST_RESERVED ? H_RESERVED_B : 0);
    }
    this.host[i] = bits;
    const level2 =
      profile.maxHardwareLevel >= 2 &&
      this.lpage2mAllowed(i) &&
      !(profile.mmu === 'shadow' && (this.flags[i]! & F_GUEST_4K) !== 0) &&
      isHugeMappable(kindA);
    this.maxLevel[i] = level2 ? (this.giantOk[this.giantOf(i)] ? 3 : 2) : 1;
  }

  /**
   * lpage_info (`kvm_alloc_memslot_metadata`): a level is disallowed for the first
   * and last entry of a slot whose base or end is not aligned to it, and for the
   * whole slot when gfn and hva are misaligned relative to each other.
   */
  lpage2mAllowed(i: number): boolean {
    if (this.hvaOffset2m !== 0) return false;
    if (i === 0 && this.headLo !== 0) return false;
    if (i === this.regionCount - 1 && this.tailHi !== PAGES_PER_2M) return false;
    return true;
  }

  lpage1gAllowed(g: number): boolean {
    if ((((this.hvaPage - this.baseGfn) % PAGES_PER_1G) + PAGES_PER_1G) % PAGES_PER_1G !== 0) return false;
    const start = (this.firstGiant + g) * PAGES_PER_1G;
    return start >= this.baseGfn && start + PAGES_PER_1G <= this.endGfn;
  }

  private giant1gAllowed(g: number, host: HostMemory, profile: KernelProfile): boolean {
    if (profile.maxHardwareLevel < 3 || !this.lpage1gAllowed(g)) return false;
    const start = (this.firstGiant + g) * PAGES_PER_1G;
    if (!host.isHugetlb1g((start + this.hvaPage - this.baseGfn) / PAGES_PER_1G)) return false;
    if (profile.mmu === 'shadow') {
      const [rFrom, rTo] = this.giantRegions(g);
      for (let i = rFrom; i < rTo; i++) if ((this.flags[i]! & F_GUEST_4K) !== 0) return false;
    }
    return true;
  }
}
