import type { HostBacking, HostPageState } from './host-backing';
import type { KernelProfile } from './kernel-profile';
import type { MemslotSpec } from './slot-state';
import { PAGES_PER_1G, PAGES_PER_2M, type PageLevel } from './units';

/**
 * A deliberately simple model of what the MMU must guarantee, written page by
 * page from the definitions (lpage_info, host mapping level, dirty logging),
 * with none of VmMmu's data layout. Property tests drive both with the same
 * operations and compare.
 */
export class ReferenceMmu {
  readonly slots: MemslotSpec[] = [];
  /** Host 2M page -> state; absent = intact THP. */
  private readonly host = new Map<number, HostPageState>();
  /** Global 2M region numbers the guest maps with 4K pages. */
  private readonly guest4k = new Set<number>();
  private readonly logging = new Map<number, boolean>();
  /** Per logged slot, one byte per page: written (or initially set) and not yet reported or cleared. */
  private readonly pending = new Map<number, Uint8Array>();
  /** Memo of wholeHost1g, forgotten on every host change. */
  private readonly whole1g = new Map<number, boolean>();

  constructor(readonly profile: KernelProfile) {}

  addMemslot(spec: MemslotSpec): void {
    this.slots.push({ ...spec });
  }

  setBacking(hvaPage: number, npages: number, backing: HostBacking): void {
    for (let h = Math.floor(hvaPage / PAGES_PER_2M); h * PAGES_PER_2M < hvaPage + npages; h++) {
      const whole = h * PAGES_PER_2M >= hvaPage && (h + 1) * PAGES_PER_2M <= hvaPage + npages;
      this.host.set(h, whole ? backing : '4k');
    }
    this.whole1g.clear();
  }

  hostState(hvaPage: number): HostPageState {
    return this.host.get(Math.floor(hvaPage / PAGES_PER_2M)) ?? 'thp';
  }

  hostThpSplit(hvaPage: number, stillCompound: boolean): void {
    const state = this.hostState(hvaPage);
    if (state === 'thp' || state === 'thp-split-compound') this.host.set(Math.floor(hvaPage / PAGES_PER_2M), stillCompound ? 'thp-split-compound' : 'thp-split');
    this.whole1g.clear();
  }

  hostThpCollapse(hvaPage: number): void {
    const state = this.hostState(hvaPage);
    if (state === 'thp-split' || state === 'thp-split-compound') this.host.set(Math.floor(hvaPage / PAGES_PER_2M), 'thp');
    this.whole1g.clear();
  }

  markGuest4kMapped(gfnStart: number, pageCount: number): void {
    for (let gfn = gfnStart; gfn < gfnStart + pageCount; gfn++) if (this.slotOf(gfn)) this.guest4k.add(Math.floor(gfn / PAGES_PER_2M));
  }

  slotOf(gfn: number): MemslotSpec | undefined {
    return this.slots.find((s) => gfn >= s.baseGfn && gfn < s.baseGfn + s.npages);
  }

  hvaOf(gfn: number): number {
    const slot = this.slotOf(gfn)!;
    return slot.hvaPage + (gfn - slot.baseGfn);
  }

  isLogging(slotId: number): boolean {
    return this.logging.get(slotId) === true;
  }

  /** Max mapping level of gfn with dirty logging ignored: min(hardware, host, lpage_info, guest mapping under shadow). */
  hugeMappingLevel(gfn: number): PageLevel {
    const slot = this.slotOf(gfn)!;
    let level: PageLevel = this.profile.maxHardwareLevel;
    const hva = this.hvaOf(gfn);
    const state = this.hostState(hva);
    const hostLevel: PageLevel = state === 'thp' || state === 'hugetlb-2m' ? 2 : state === 'hugetlb-1g' ? (this.wholeHost1g(hva) ? 3 : 2) : 1;
    level = Math.min(level, hostLevel) as PageLevel;
    if (level >= 3 && !this.lpageAllowed(slot, gfn, PAGES_PER_1G)) level = 2;
    if (level >= 2 && !this.lpageAllowed(slot, gfn, PAGES_PER_2M)) level = 1;
    if (this.profile.mmu === 'shadow') {
      if (this.guest4k.has(Math.floor(gfn / PAGES_PER_2M))) level = 1;
      if (level === 3) {
        const first = Math.floor(gfn / PAGES_PER_1G) * (PAGES_PER_1G / PAGES_PER_2M);
        for (let r = first; r < first + PAGES_PER_1G / PAGES_PER_2M; r++) if (this.guest4k.has(r)) level = 2;
      }
    }
    return level;
  }

  /** What a fault on gfn maps now: 4K while its slot is logged. */
  maxMappingLevel(gfn: number): PageLevel {
    return this.isLogging(this.slotOf(gfn)!.id) ? 1 : this.hugeMappingLevel(gfn);
  }

  /** True when the host page is reserved or ZONE_DEVICE: no strategy may ever collapse it. */
  neverCollapsible(gfn: number): boolean {
    const state = this.hostState(this.hvaOf(gfn));
    return state === 'reserved' || state === 'zone-device' || (this.profile.mmu === 'shadow' && this.guest4k.has(Math.floor(gfn / PAGES_PER_2M)));
  }

  /** True when the seed's check (compound page, direct) would let gfn's region come back huge: an intact THP or hugetlbfs. */
  compoundHugeBacked(gfn: number): boolean {
    const state = this.hostState(this.hvaOf(gfn));
    return state === 'thp' || state === 'hugetlb-2m' || state === 'hugetlb-1g';
  }

  enableLogging(slotId: number): void {
    if (this.isLogging(slotId)) return;
    const slot = this.slots.find((s) => s.id === slotId)!;
    this.logging.set(slotId, true);
    this.pending.set(slotId, new Uint8Array(slot.npages).fill(this.profile.initiallySet ? 1 : 0));
  }

  disableLogging(slotId: number): void {
    this.logging.set(slotId, false);
    this.pending.delete(slotId);
  }

  /** A guest write: remembered until the next get-and-clear or clear reports it. */
  write(gfnStart: number, count: number): void {
    for (const slot of this.slots) {
      const pending = this.pending.get(slot.id);
      if (!pending || slot.readonly) continue;
      const lo = Math.max(gfnStart, slot.baseGfn);
      const hi = Math.min(gfnStart + count, slot.baseGfn + slot.npages);
      for (let gfn = lo; gfn < hi; gfn++) pending[gfn - slot.baseGfn] = 1;
    }
  }

  /** Slot pages written and not yet reported that `bitmap` misses (must be empty); then forget them. */
  missingFromLog(slotId: number, bitmap: Uint32Array): number[] {
    const pending = this.pending.get(slotId)!;
    const missing: number[] = [];
    for (let i = 0; i < pending.length; i++) {
      if (pending[i] === 1 && ((bitmap[i >>> 5]! >>> (i & 31)) & 1) === 0) missing.push(i);
    }
    pending.fill(0);
    return missing;
  }

  clearDirtyLog(slotId: number, firstPage: number, pageCount: number): void {
    this.pending.get(slotId)?.fill(0, firstPage, firstPage + pageCount);
  }

  private lpageAllowed(slot: MemslotSpec, gfn: number, pagesPerLevel: number): boolean {
    const end = slot.baseGfn + slot.npages;
    if ((((slot.hvaPage - slot.baseGfn) % pagesPerLevel) + pagesPerLevel) % pagesPerLevel !== 0) return false;
    const start = Math.floor(gfn / pagesPerLevel) * pagesPerLevel;
    return start >= slot.baseGfn && start + pagesPerLevel <= end;
  }

  private wholeHost1g(hva: number): boolean {
    const first = Math.floor(hva / PAGES_PER_1G) * (PAGES_PER_1G / PAGES_PER_2M);
    let whole = this.whole1g.get(first);
    if (whole === undefined) {
      whole = true;
      for (let h = first; h < first + PAGES_PER_1G / PAGES_PER_2M; h++) if (this.host.get(h) !== 'hugetlb-1g') whole = false;
      this.whole1g.set(first, whole);
    }
    return whole;
  }
}
