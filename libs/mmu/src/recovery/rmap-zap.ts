import type { LockedWalk } from '../mmu-lock';
import type { MmuContext } from '../mmu-context';
import {
  F_GUEST_4K,
  H_COMPOUND_A,
  H_COMPOUND_B,
  H_RESERVED_A,
  H_RESERVED_B,
  R_TABLE,
} from '../region-state';
import type { SlotState } from '../slot-state';
import { clearLeaves, leafTable, leaveEmptyTable } from '../spte-ops';
import { PAGES_PER_2M } from '../units';

/** Which strategy's collapsibility test the rmap walk applies. */
export type RmapCheck = 'thp-compound' | 'max-level';

/**
 * The rmap walk of `kvm_mmu_zap_collapsible_sptes`: step over every level-1
 * rmap index of the slot; for each SPTE found, drop it when collapsible:
 * - `thp-compound` (Linux 4.1 `kvm_mmu_zap_collapsible_spte`): the shadow page is
 *   direct, the pfn is not reserved (`kvm_is_reserved_pfn`) and the host page is
 *   compound (`PageTransCompound`, which in 4.1 is `PageCompound`: THPs, split but
 *   still compound THPs and hugetlbfs pages alike). The check knows nothing of
 *   alignment or of whether the host still maps the page huge, so it also zaps
 *   SPTEs that can only come back at 4K (a misaligned slot head, a split THP).
 * - `max-level` (5.x): direct and level 1 < `kvm_mmu_max_mapping_level`.
 * The TLB flush is batched: before yielding mmu_lock and once at the end. A table
 * left without leaves stays linked (an empty table): the re-fault that installs the
 * huge leaf replaces it.
 *
 * Work is per region: the rmap entries scanned are the region's present 4K
 * SPTEs (a count), the zap decision is per region or per half-region (where the
 * region's pages straddle two host pages).
 */
export function rmapZapCollapsible(ctx: MmuContext, slot: SlotState, check: RmapCheck, walk: LockedWalk): void {
  const costs = ctx.costs;
  const shadow = ctx.profile.mmu === 'shadow';
  const split = PAGES_PER_2M - slot.hvaOffset2m;
  for (let i = 0; i < slot.regionCount; i++) {
    const lo = slot.regionLo(i);
    const hi = slot.regionHi(i);
    let ns = (hi - lo) * costs.rmapIndexNs;
    if (slot.state[i] === R_TABLE) {
      const t = slot.table[i]!;
      const entries = ctx.pool.count[t]!;
      ns += entries * costs.rmapEntryScanNs;
      walk.rmapEntriesScanned += entries;
      const direct = !(shadow && (slot.flags[i]! & F_GUEST_4K) !== 0);
      let zapped = 0;
      if (direct) {
        if (check === 'max-level') {
          if (slot.maxLevel[i]! > 1) zapped = zapAll(ctx, t);
        } else {
          const hostBits = slot.host[i]!;
          const a = (hostBits & H_COMPOUND_A) !== 0 && (hostBits & H_RESERVED_A) === 0;
          const b = (hostBits & H_COMPOUND_B) !== 0 && (hostBits & H_RESERVED_B) === 0;
          if (slot.hvaOffset2m === 0 || (a && b)) {
            if (a) zapped = zapAll(ctx, t);
          } else {
            if (a && lo < split) zapped += clearLeaves(ctx, leafTable(ctx, slot, i), lo, Math.min(hi, split));
            if (b && hi > split) zapped += clearLeaves(ctx, leafTable(ctx, slot, i), Math.max(lo, split), hi);
          }
        }
      }
      if (zapped > 0) {
        slot.present4k -= zapped;
        walk.sptesZapped += zapped;
        ns += zapped * costs.spteZapNs;
        walk.needFlush();
        if (ctx.pool.count[t] === 0) leaveEmptyTable(ctx, slot, i);
      }
    }
    walk.work(ns);
    walk.maybeYield(true);
  }
}

/** Every leaf of table t goes: the table is freed by the caller, so its bits need no clearing (nor writing out, when uniform). */
function zapAll(ctx: MmuContext, t: number): number {
  const leaves = ctx.pool.count[t]!;
  ctx.pool.count[t] = 0;
  return leaves;
}
