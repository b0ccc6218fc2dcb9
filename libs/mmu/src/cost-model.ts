import { MmuError } from './errors';

/**
 * Simulated cost of every MMU action, in nanoseconds. Each constant says where
 * its value comes from: a published kernel measurement it is derived from, or
 * the calibration against the 6.13 recovery figures (README, "Calibration"),
 * or an order-of-magnitude estimate (marked as such). Override any of them
 * through `new VmMmu({ costs: { ... } })`.
 */
export interface CostModel {
  /** One present rmap entry visited by an rmap walk (decode the SPTE, find its shadow page and pfn, run the check). Estimate. */
  rmapEntryScanNs: number;
  /** One level-1 rmap index stepped over, empty or not (`if (*rmapp)` + the need_resched check). Estimate. */
  rmapIndexNs: number;
  /** One SPTE removed: the leaf itself or, when a parent is zapped or replaced, each child torn down by `handle_removed_pt`. Calibrated. */
  spteZapNs: number;
  /** One leaf SPTE write-protected or its D bit cleared. Derived: 460 ms to clear the D bits of a 128 GiB guest (commit 3c9bd4006bfc, KVM_DIRTY_LOG_INITIALLY_SET) = 13.7 ns per 4K SPTE. */
  spteProtectNs: number;
  /** Base cost of one remote TLB flush (`kvm_flush_remote_tlbs`: request + INVEPT). Calibrated. */
  tlbFlushNs: number;
  /** Added per running vCPU to each remote TLB flush: the IPI, the VM exit and the wait for its ack. Calibrated. */
  tlbFlushIpiPerVcpuNs: number;
  /** A guest fault that installs a 4K SPTE (EPT violation exit, `kvm_faultin_pfn`, map, re-entry). Estimate. */
  fault4kNs: number;
  /** A guest fault that installs a 2M SPTE (adds the host page-table walk for the mapping level). Estimate. */
  fault2mNs: number;
  /** A guest fault that installs a 1G SPTE. Estimate. */
  fault1gNs: number;
  /** `fast_page_fault`: exit, lockless cmpxchg making a write-protected SPTE writable, re-entry. Estimate. */
  fastFaultNs: number;
  /** A PML-full VM exit: exit, drain 512 GPAs into the dirty bitmap, re-entry. Estimate. */
  pmlFullExitNs: number;
  /** CPU cost of one write logged by PML (a D-bit set plus a buffer entry). Estimate. */
  pmlLogNs: number;
  /** One PML entry drained on a VM exit other than PML-full (`vmx_flush_pml_buffer`). Estimate. */
  pmlDrainEntryNs: number;
  /** Split one huge SPTE into 512 children. Derived: eager split of 96 GiB backed by 1G HugeTLB took 1.55 s (commit a3fe5dbda0a4), 49,248 splits = 31.5 us each. */
  splitHugePageNs: number;
  /** One `cond_resched_lock` that yields mmu_lock to a waiter: unlock, context switch, relock. Estimate. */
  lockYieldNs: number;
  /** Hold budget before a walk yields mmu_lock: need_resched fires on a 1 ms tick (HZ=1000) when the CPU is shared. */
  lockHoldBeforeYieldNs: number;
  /** Build and install a huge SPTE in place from a child (`make_huge_spte` + cmpxchg). Calibrated. */
  hugeRecoverNs: number;
  /** `kvm_mmu_max_mapping_level` for one range: lpage_info + host page-table walk. Estimate. */
  maxLevelLookupNs: number;
  /** One step of a TDP MMU iterator over a 2M/1G entry that needs no work. Estimate. */
  tdpIterStepNs: number;
  /** One 64-page word of the dirty bitmap harvested or cleared (xchg + copy to user). Estimate. */
  dirtyLogWordNs: number;
  /** A guest write to a read-only memslot: exit to userspace as MMIO. Estimate. */
  mmioExitNs: number;
}

/** The documented defaults (see each field, and the README's calibration section). */
export const DEFAULT_COSTS: Readonly<CostModel> = Object.freeze({
  rmapEntryScanNs: 15,
  rmapIndexNs: 2,
  spteZapNs: 60,
  spteProtectNs: 14,
  tlbFlushNs: 2_000,
  tlbFlushIpiPerVcpuNs: 1_200,
  fault4kNs: 3_000,
  fault2mNs: 4_000,
  fault1gNs: 6_000,
  fastFaultNs: 1_000,
  pmlFullExitNs: 5_000,
  pmlLogNs: 5,
  pmlDrainEntryNs: 8,
  splitHugePageNs: 31_500,
  lockYieldNs: 2_000,
  lockHoldBeforeYieldNs: 1_000_000,
  hugeRecoverNs: 1_000,
  maxLevelLookupNs: 500,
  tdpIterStepNs: 5,
  dirtyLogWordNs: 20,
  mmioExitNs: 5_000,
});

/** Defaults with `overrides` applied; every value must be a finite number >= 0. */
export function costModel(overrides: Partial<CostModel> = {}): CostModel {
  const costs: CostModel = { ...DEFAULT_COSTS };
  for (const [key, value] of Object.entries(overrides)) {
    if (value === undefined) continue;
    if (!(key in DEFAULT_COSTS)) throw new MmuError('INVALID_COSTS', `unknown cost constant "${key}"`);
    if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) {
      throw new MmuError('INVALID_COSTS', `cost constant "${key}" must be a finite number >= 0, got ${String(value)}`);
    }
    (costs as unknown as Record<string, number>)[key] = value;
  }
  return costs;
}

/** Cost of one remote TLB flush with `vcpus` running vCPUs. */
export function tlbFlushCostNs(costs: CostModel, vcpus: number): number {
  return costs.tlbFlushNs + costs.tlbFlushIpiPerVcpuNs * vcpus;
}
