import { MmuError } from './errors';
import { PAGES_PER_1G, PAGES_PER_2M, REGIONS_PER_1G } from './units';

/**
 * Host memory behind an hva range:
 * - `thp`: anonymous memory with transparent huge pages (QEMU madvises guest RAM MADV_HUGEPAGE);
 * - `hugetlb-2m` / `hugetlb-1g`: hugetlbfs pages (never split by the host);
 * - `4k`: plain 4 KiB pages (THP disabled for the range);
 * - `reserved`: pfns `kvm_is_reserved_pfn` reports (PageReserved, MMIO): never collapsible;
 * - `zone-device`: ZONE_DEVICE pages (e.g. device DAX mapped with 4K pages): never collapsible.
 */
export type HostBacking = 'thp' | 'hugetlb-2m' | 'hugetlb-1g' | '4k' | 'reserved' | 'zone-device';

/**
 * State of one host 2 MiB page (hva-aligned). `THP` is 0 so an hva range nobody
 * described is intact THP memory, the usual backing of QEMU guest RAM.
 */
export const HOST_THP = 0;
/** A THP split in the host page tables but still a compound page: `PageTransCompound` true, `PageTransCompoundMap` false. */
export const HOST_THP_SPLIT_COMPOUND = 1;
/** A THP fully split into 4K pages: not compound any more. */
export const HOST_THP_SPLIT = 2;
export const HOST_HUGETLB_2M = 3;
export const HOST_HUGETLB_1G = 4;
/** Plain 4K pages, including a 2M page only partly covered by a backing range (no THP can straddle a mapping). */
export const HOST_4K = 5;
export const HOST_RESERVED = 6;
export const HOST_ZONE_DEVICE = 7;

/** Host state names as tests and reports print them. */
export type HostPageState =
  | 'thp'
  | 'thp-split-compound'
  | 'thp-split'
  | 'hugetlb-2m'
  | 'hugetlb-1g'
  | '4k'
  | 'reserved'
  | 'zone-device';

const STATE_NAMES: readonly HostPageState[] = ['thp', 'thp-split-compound', 'thp-split', 'hugetlb-2m', 'hugetlb-1g', '4k', 'reserved', 'zone-device'];

const KIND_OF_BACKING: Readonly<Record<HostBacking, number>> = {
  thp: HOST_THP,
  'hugetlb-2m': HOST_HUGETLB_2M,
  'hugetlb-1g': HOST_HUGETLB_1G,
  '4k': HOST_4K,
  reserved: HOST_RESERVED,
  'zone-device': HOST_ZONE_DEVICE,
};

/** True when the host maps the 2M page with a PMD, so KVM may map it 2M (`host_pfn_mapping_level` >= 2M). */
export function isHugeMappable(kind: number): boolean {
  return kind === HOST_THP || kind === HOST_HUGETLB_2M || kind === HOST_HUGETLB_1G;
}

/**
 * `PageTransCompound` as Linux 4.1 defines it (include/linux/page-flags.h, with
 * CONFIG_TRANSPARENT_HUGEPAGE=y as in distribution kernels): it is `PageCompound`,
 * which "returns true for both transparent huge pages and hugetlbfs pages". So an
 * intact THP, a THP split in the host but still compound, and hugetlbfs 2M/1G pages
 * all pass; plain 4K, reserved and ZONE_DEVICE pages do not. (With THP compiled out
 * it is constant false and the 4.1 walk zaps nothing; that build is not modelled.)
 */
export function isPageTransCompound(kind: number): boolean {
  return kind === HOST_THP || kind === HOST_THP_SPLIT_COMPOUND || kind === HOST_HUGETLB_2M || kind === HOST_HUGETLB_1G;
}

/**
 * The host's page tables for all hva ranges, one byte per host 2 MiB page,
 * stored sparsely per host 1 GiB (ranges never described cost nothing).
 */
export class HostMemory {
  private readonly chunks = new Map<number, Uint8Array>();

  /** State of the host 2M page with index `host2m` (= hva >> 21). */
  kindOf2m(host2m: number): number {
    const chunk = this.chunks.get(Math.floor(host2m / REGIONS_PER_1G));
    return chunk === undefined ? HOST_THP : chunk[host2m - Math.floor(host2m / REGIONS_PER_1G) * REGIONS_PER_1G]!;
  }

  stateName(host2m: number): HostPageState {
    return STATE_NAMES[this.kindOf2m(host2m)]!;
  }

  /** True when all 512 host 2M pages of host 1G page `host1g` are one hugetlbfs 1G page. */
  isHugetlb1g(host1g: number): boolean {
    const chunk = this.chunks.get(host1g);
    if (chunk === undefined) return false;
    for (let k = 0; k < REGIONS_PER_1G; k++) if (chunk[k] !== HOST_HUGETLB_1G) return false;
    return true;
  }

  /**
   * Describe the host memory behind [hvaPage, hvaPage + npages). Each call is one
   * mapping: a 2M host page it covers only partly becomes plain 4K pages (a THP
   * cannot straddle mappings). hugetlbfs ranges must be aligned to their page size.
   */
  setBacking(hvaPage: number, npages: number, backing: HostBacking): void {
    const kind = KIND_OF_BACKING[backing];
    if (kind === undefined) throw new MmuError('INVALID_BACKING', `backing must be one of ${Object.keys(KIND_OF_BACKING).join(', ')}, got ${JSON.stringify(backing)}`);
    if (!Number.isSafeInteger(hvaPage) || hvaPage < 0 || !Number.isSafeInteger(npages) || npages <= 0) {
      throw new MmuError('INVALID_BACKING', `backing range needs integer hvaPage >= 0 and npages > 0, got hvaPage=${hvaPage} npages=${npages}`);
    }
    const align = kind === HOST_HUGETLB_1G ? PAGES_PER_1G : kind === HOST_HUGETLB_2M ? PAGES_PER_2M : 1;
    if (hvaPage % align !== 0 || npages % align !== 0) {
      throw new MmuError('INVALID_BACKING', `${backing} backing must start and end on a ${align === PAGES_PER_1G ? '1 GiB' : '2 MiB'} boundary (hvaPage and npages multiples of ${align}), got hvaPage=${hvaPage} npages=${npages}`);
    }
    const end = hvaPage + npages;
    const first = Math.floor(hvaPage / PAGES_PER_2M);
    const last = Math.floor((end - 1) / PAGES_PER_2M);
    for (let h = first; h <= last; h++) {
      const whole = h * PAGES_PER_2M >= hvaPage && (h + 1) * PAGES_PER_2M <= end;
      this.setKind(h, whole ? kind : HOST_4K);
    }
  }

  /** Host split of the THP at host 2M page `host2m`; returns false when it is not an intact or compound THP. */
  thpSplit(host2m: number, stillCompound: boolean): boolean {
    const kind = this.kindOf2m(host2m);
    if (kind !== HOST_THP && kind !== HOST_THP_SPLIT_COMPOUND) return false;
    const next = stillCompound ? HOST_THP_SPLIT_COMPOUND : HOST_THP_SPLIT;
    if (next === kind) return false;
    this.setKind(host2m, next);
    return true;
  }

  /** khugepaged collapse of a split THP at host 2M page `host2m`; returns false when there is nothing to collapse. */
  thpCollapse(host2m: number): boolean {
    const kind = this.kindOf2m(host2m);
    if (kind !== HOST_THP_SPLIT && kind !== HOST_THP_SPLIT_COMPOUND) return false;
    this.setKind(host2m, HOST_THP);
    return true;
  }

  bytes(): number {
    let total = 0;
    for (const chunk of this.chunks.values()) total += chunk.byteLength;
    return total;
  }

  private setKind(host2m: number, kind: number): void {
    const key = Math.floor(host2m / REGIONS_PER_1G);
    let chunk = this.chunks.get(key);
    if (chunk === undefined) {
      if (kind === HOST_THP) return;
      chunk = new Uint8Array(REGIONS_PER_1G);
      this.chunks.set(key, chunk);
    }
    chunk[host2m - key * REGIONS_PER_1G] = kind;
  }
}
