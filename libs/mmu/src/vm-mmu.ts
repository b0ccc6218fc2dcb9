import { costModel, type CostModel } from './cost-model';
import { disableLogging } from './recovery/disable-logging';
import { clearDirtyLog, enableLogging, getDirtyLog, getDirtyLogInto, loggedPageCount } from './dirty-log';
import { MmuError } from './errors';
import { accessRange } from './fault-path';
import { firstUnmappedGfn } from './mapped-scan';
import type { HostBacking, HostPageState } from './host-backing';
import { hostRangeChanged, zapGfnRange } from './host-events';
import { validateProfile, type KernelProfile } from './kernel-profile';
import { MmuContext } from './mmu-context';
import { F_GUEST_4K, F_HUGE_WRITABLE, F_UNIFORM_TABLE, F_UNIFORM_WRITABLE, G_WRITABLE, R_HUGE_2M, R_IN_1G, R_TABLE } from './region-state';
import {
  addBatchToCounters,
  addReportToCounters,
  emptyBatch,
  type AccessBatchResult,
  type Coverage,
  type MmuCounters,
  type OperationReport,
} from './reports';
import { SlotState, type MemslotSpec } from './slot-state';
import { WORDS_PER_REGION } from './bits';
import { PAGE_SIZE, PAGES_PER_1G, PAGES_PER_2M, type PageLevel } from './units';

export type { MemslotSpec } from './slot-state';

/** Host memory behind an hva range. */
export interface BackingRange {
  hvaPage: number;
  npages: number;
  backing: HostBacking;
}

/** What one gfn's SPTE looks like now. */
export interface SpteInfo {
  level: 0 | PageLevel;
  writable: boolean;
  /** Mapped by an indirect shadow page (shadow paging, guest maps the region with 4K pages). */
  indirect: boolean;
}

export interface VmMmuOptions {
  profile: KernelProfile;
  vcpus: number;
  costs?: Partial<CostModel>;
}

/**
 * One VM's KVM x86 MMU: its memslots, the host memory behind them, the SPTEs
 * mapping guest memory (per 2M region: unmapped, a huge leaf, or a table of 4K
 * leaves with present / writable / D bits), dirty logging and the recovery
 * strategy that runs when logging stops. All state lives in typed arrays.
 */
export class VmMmu {
  readonly profile: KernelProfile;
  readonly vcpus: number;
  readonly costs: Readonly<CostModel>;
  private readonly ctx: MmuContext;
  /** Kernel-side operations so far (see `kernelChangeCount`). */
  private kernelChanges = 0;

  constructor(options: VmMmuOptions) {
    const profile = { ...options.profile };
    validateProfile(profile);
    if (!Number.isSafeInteger(options.vcpus) || options.vcpus < 1) {
      throw new MmuError('INVALID_VCPU', `vcpus must be an integer >= 1, got ${String(options.vcpus)}`);
    }
    this.profile = Object.freeze(profile);
    this.vcpus = options.vcpus;
    this.costs = Object.freeze(costModel(options.costs));
    this.ctx = new MmuContext(this.profile, this.costs, this.vcpus);
  }

  /** Add a memslot (KVM_SET_USER_MEMORY_REGION). Its gfns must not overlap another slot's. */
  addMemslot(spec: MemslotSpec): void {
    this.kernelChanges++;
    const { id, baseGfn, npages, hvaPage } = spec;
    for (const [name, value, min] of [['id', id, 0], ['baseGfn', baseGfn, 0], ['npages', npages, 1], ['hvaPage', hvaPage, 0]] as const) {
      if (!Number.isSafeInteger(value) || value < min) throw new MmuError('INVALID_MEMSLOT', `memslot field "${name}" must be an integer >= ${min}, got ${String(value)}`);
    }
    const ctx = this.ctx;
    if (ctx.slots.some((s) => s.id === id)) throw new MmuError('DUPLICATE_MEMSLOT', `memslot id ${id} already exists`);
    for (const other of ctx.slots) {
      if (baseGfn < other.endGfn && other.baseGfn < baseGfn + npages) {
        throw new MmuError('MEMSLOT_OVERLAP', `memslot ${id} [gfn ${baseGfn}, ${baseGfn + npages}) overlaps memslot ${other.id} [gfn ${other.baseGfn}, ${other.endGfn})`);
      }
    }
    const slot = new SlotState(spec);
    slot.refresh(0, slot.regionCount, ctx.host, this.profile);
    ctx.slots.push(slot);
    ctx.slots.sort((a, b) => a.baseGfn - b.baseGfn);
  }

  memslots(): readonly MemslotSpec[] {
    return this.ctx.slots.map((s) => s.spec);
  }

  /** Describe the host memory behind an hva range; SPTEs mapping it are zapped (mmu notifier). */
  setBacking(range: BackingRange): void {
    this.kernelChanges++;
    this.ctx.host.setBacking(range.hvaPage, range.npages, range.backing);
    hostRangeChanged(this.ctx, range.hvaPage, range.hvaPage + range.npages);
  }

  /** State of the host 2M page holding `hvaPage`. */
  hostPageState(hvaPage: number): HostPageState {
    return this.ctx.host.stateName(Math.floor(hvaPage / PAGES_PER_2M));
  }

  /** The host splits the THP holding `hvaPage` (memory pressure, KSM); no effect unless it is a THP. */
  hostThpSplit(hvaPage: number, stillCompound: boolean): void {
    this.kernelChanges++;
    const host2m = Math.floor(hvaPage / PAGES_PER_2M);
    if (this.ctx.host.thpSplit(host2m, stillCompound)) hostRangeChanged(this.ctx, host2m * PAGES_PER_2M, (host2m + 1) * PAGES_PER_2M);
  }

  /** khugepaged collapses the split THP holding `hvaPage` back into a huge page; no effect otherwise. */
  hostThpCollapse(hvaPage: number): void {
    this.kernelChanges++;
    const host2m = Math.floor(hvaPage / PAGES_PER_2M);
    if (this.ctx.host.thpCollapse(host2m)) hostRangeChanged(this.ctx, host2m * PAGES_PER_2M, (host2m + 1) * PAGES_PER_2M);
  }

  /**
   * Shadow paging: the guest maps gfns [gfnStart, gfnStart + pageCount) with 4K
   * pages through its own page tables, so KVM shadows the 2M regions holding them
   * with indirect shadow pages (role.direct = 0): mapped at 4K, never collapsible.
   * Unmarked regions are taken as mapped huge by the guest (direct shadow pages).
   * Existing SPTEs of the regions are zapped (the guest changed its mapping).
   * Recorded but without effect under TDP, where every shadow page is direct.
   */
  markGuest4kMapped(gfnStart: number, pageCount: number): void {
    this.kernelChanges++;
    const ctx = this.ctx;
    for (const slot of ctx.slots) {
      const lo = Math.max(gfnStart, slot.baseGfn);
      const hi = Math.min(gfnStart + pageCount, slot.endGfn);
      if (lo >= hi) continue;
      const first = slot.regionOf(lo);
      const last = slot.regionOf(hi - 1);
      for (let i = first; i <= last; i++) slot.flags[i] = slot.flags[i]! | F_GUEST_4K;
      if (this.profile.mmu === 'shadow') {
        const regionLo = Math.max(slot.baseGfn, (slot.firstRegion + first) * PAGES_PER_2M);
        const regionHi = Math.min(slot.endGfn, (slot.firstRegion + last + 1) * PAGES_PER_2M);
        const { leaves, touched } = zapGfnRange(ctx, slot, regionLo, regionHi);
        ctx.counters.sptesZapped += leaves;
        if (touched) ctx.counters.tlbFlushes++;
      }
      slot.refresh(first, last + 1, ctx.host, this.profile);
    }
  }

  /** The guest touches all its memory: every unmapped gfn faults in at its max mapping level. */
  populate(): OperationReport {
    this.kernelChanges++;
    const batch = emptyBatch();
    for (const slot of this.ctx.slots) accessRange(this.ctx, slot.baseGfn, slot.npages, false, 0, batch);
    addBatchToCounters(this.ctx.counters, batch);
    return {
      operation: 'populate',
      simulatedNs: batch.costNs,
      lockHoldMaxNs: 0,
      lockYields: 0,
      tlbFlushes: batch.tlbFlushes,
      sptesZapped: 0,
      rmapEntriesScanned: 0,
      hugeInstalled: 0,
      splits: batch.splits,
    };
  }

  /** One guest access; returns its simulated cost in ns. */
  access(gfn: number, write: boolean, vcpu = 0): number {
    return this.accessRange(gfn, 1, write, vcpu).costNs;
  }

  /** Guest accesses to gfns [gfnStart, gfnStart + count) in order on one vCPU; word-level fast for runs. */
  accessRange(gfnStart: number, count: number, write: boolean, vcpu = 0): AccessBatchResult {
    if (!Number.isSafeInteger(vcpu) || vcpu < 0 || vcpu >= this.vcpus) {
      throw new MmuError('INVALID_VCPU', `vcpu must be an integer in [0, ${this.vcpus}), got ${String(vcpu)}`);
    }
    if (!Number.isSafeInteger(gfnStart) || !Number.isSafeInteger(count) || gfnStart < 0 || count < 0) {
      throw new MmuError('INVALID_RANGE', `access range needs integer gfnStart >= 0 and count >= 0, got gfnStart=${gfnStart} count=${count}`);
    }
    const batch = emptyBatch();
    accessRange(this.ctx, gfnStart, count, write, vcpu, batch);
    addBatchToCounters(this.ctx.counters, batch);
    return batch;
  }

  /** KVM_MEM_LOG_DIRTY_PAGES on or off (`kvm_mmu_slot_apply_flags`); disabling runs `profile.recovery`. */
  setDirtyLogging(slotId: number, enabled: boolean): OperationReport {
    this.kernelChanges++;
    const slot = this.ctx.slotById(slotId);
    let report: OperationReport;
    if (slot.logging === enabled) {
      report = { operation: enabled ? 'enable-logging' : 'disable-logging', simulatedNs: 0, lockHoldMaxNs: 0, lockYields: 0, tlbFlushes: 0, sptesZapped: 0, rmapEntriesScanned: 0, hugeInstalled: 0, splits: 0 };
      if (!enabled) report.strategy = this.profile.recovery;
      return report;
    }
    report = enabled ? enableLogging(this.ctx, slot) : disableLogging(this.ctx, slot);
    addReportToCounters(this.ctx.counters, report);
    return report;
  }

  /**
   * KVM_GET_DIRTY_LOG: drain every vCPU's PML buffer, return the bitmap (bit i =
   * page i of the slot: `bitmap[i >>> 5] >>> (i & 31) & 1`; the array is the
   * caller's), clear it and re-protect what it reported. With manual protect this
   * is KVM_GET_DIRTY_LOG followed by KVM_CLEAR_DIRTY_LOG of everything reported.
   */
  getDirtyLog(slotId: number): { bitmap: Uint32Array; dirtyPageCount: number; report: OperationReport } {
    this.kernelChanges++;
    const result = getDirtyLog(this.ctx, this.ctx.slotById(slotId));
    addReportToCounters(this.ctx.counters, result.report);
    return result;
  }

  /**
   * KVM_GET_DIRTY_LOG ORed straight into the caller's bitmap (QEMU's
   * `cpu_physical_memory_sync_dirty_bitmap`), without a new array per call:
   * slot page i sets bit (i & 31) of `target[targetWordOffset + (i >>> 5)]`.
   * Same kernel work, cost and clearing as `getDirtyLog`; returns the pages the
   * log reported and how many of those were newly set in `target`. With
   * `targetSummary` (bit b of word s for target words (32s + b) x 32 ..
   * +31), the blocks of 32 target words that got a new bit are marked there.
   */
  getDirtyLogInto(
    slotId: number,
    target: Uint32Array,
    targetWordOffset = 0,
    targetSummary?: Uint32Array,
  ): { dirtyPageCount: number; newlyDirtyPageCount: number; report: OperationReport } {
    this.kernelChanges++;
    const result = getDirtyLogInto(this.ctx, this.ctx.slotById(slotId), target, targetWordOffset, targetSummary);
    addReportToCounters(this.ctx.counters, result.report);
    return result;
  }

  /** KVM_CLEAR_DIRTY_LOG (manual protect): clear and re-protect slot pages [firstPage, firstPage + pageCount). */
  clearDirtyLog(slotId: number, firstPage: number, pageCount: number): OperationReport {
    this.kernelChanges++;
    const report = clearDirtyLog(this.ctx, this.ctx.slotById(slotId), firstPage, pageCount);
    addReportToCounters(this.ctx.counters, report);
    return report;
  }

  /**
   * Pages slot `slotId`'s dirty log holds now: what the next KVM_GET_DIRTY_LOG
   * would report. Not an ioctl (no cost, nothing changes): a simulator reads
   * it to bound what the next sync can find.
   */
  loggedPageCount(slotId: number): number {
    return loggedPageCount(this.ctx.slotById(slotId));
  }

  isDirtyLogging(slotId: number): boolean {
    return this.ctx.slotById(slotId).logging;
  }

  /** The level a fault on `gfn` maps now: min(hardware, host, lpage_info), 4K while its slot is logged. */
  maxMappingLevel(gfn: number): PageLevel {
    const slot = this.requireSlot(gfn);
    return slot.effectiveLevel(slot.regionOf(gfn));
  }

  /** The max mapping level ignoring dirty logging (what `kvm_mmu_max_mapping_level` returns). */
  hugeMappingLevel(gfn: number): PageLevel {
    const slot = this.requireSlot(gfn);
    return slot.maxLevel[slot.regionOf(gfn)]! as PageLevel;
  }

  /** Level of the SPTE mapping `gfn` (0 = unmapped, also for gfns outside every slot). */
  mappingLevel(gfn: number): 0 | PageLevel {
    return this.spteInfo(gfn).level;
  }

  /** The first gfn of [gfnStart, gfnEnd) no SPTE maps (or in no memslot), else gfnEnd: where a read would fault. */
  firstUnmappedGfn(gfnStart: number, gfnEnd: number): number {
    return firstUnmappedGfn(this.ctx, gfnStart, gfnEnd);
  }

  spteInfo(gfn: number): SpteInfo {
    const slot = this.ctx.slotOf(gfn);
    if (slot === null) return { level: 0, writable: false, indirect: false };
    const i = slot.regionOf(gfn);
    const st = slot.state[i];
    if (st === R_IN_1G) return { level: 3, writable: (slot.giant[slot.giantOf(i)]! & G_WRITABLE) !== 0, indirect: false };
    if (st === R_HUGE_2M) return { level: 2, writable: (slot.flags[i]! & F_HUGE_WRITABLE) !== 0, indirect: false };
    if (st !== R_TABLE) return { level: 0, writable: false, indirect: false };
    const flags = slot.flags[i]!;
    const indirect = this.profile.mmu === 'shadow' && (flags & F_GUEST_4K) !== 0;
    if ((flags & F_UNIFORM_TABLE) !== 0) return { level: 1, writable: (flags & F_UNIFORM_WRITABLE) !== 0, indirect };
    const off = gfn - (slot.firstRegion + i) * PAGES_PER_2M;
    const k = slot.table[i]! * WORDS_PER_REGION + (off >>> 5);
    const bit = 1 << (off & 31);
    const pool = this.ctx.pool;
    if ((pool.present[k]! & bit) === 0) return { level: 0, writable: false, indirect: false };
    return { level: 1, writable: (pool.writable[k]! & bit) !== 0, indirect };
  }

  coverage(): Coverage {
    let pages = 0;
    let bytes4k = 0;
    let bytes2m = 0;
    let bytes1g = 0;
    for (const slot of this.ctx.slots) {
      pages += slot.npages;
      bytes4k += slot.present4k * PAGE_SIZE;
      bytes2m += slot.huge2mCount * PAGES_PER_2M * PAGE_SIZE;
      bytes1g += slot.huge1gCount * PAGES_PER_1G * PAGE_SIZE;
    }
    return { bytes4k, bytes2m, bytes1g, bytesUnmapped: pages * PAGE_SIZE - bytes4k - bytes2m - bytes1g };
  }

  counters(): MmuCounters {
    return { ...this.ctx.counters };
  }

  /**
   * How many kernel-side operations (memslot, backing and host changes,
   * populate, dirty logging on/off, get/clear of the dirty log) ran so far;
   * guest accesses never count. While it stays the same and no slot is
   * logged, a guest write to a page it already wrote is free and changes
   * nothing (only kernel operations write-protect or zap SPTEs), which lets
   * the guest skip such writes.
   */
  kernelChangeCount(): number {
    return this.kernelChanges;
  }

  /** Bytes of typed-array state held now. */
  modelBytes(): number {
    return this.ctx.bytes();
  }

  private requireSlot(gfn: number): SlotState {
    const slot = this.ctx.slotOf(gfn);
    if (slot === null) throw new MmuError('GFN_NOT_IN_MEMSLOT', `gfn ${gfn} (0x${gfn.toString(16)}) is in no memslot`);
    return slot;
  }
}
