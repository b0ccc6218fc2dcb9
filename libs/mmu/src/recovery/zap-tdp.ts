import type { LockedWalk } from '../mmu-lock';
import type { MmuContext } from '../mmu-context';
import { G_LEAF, R_EMPTY_TABLE, R_HUGE_2M, R_TABLE, R_UNMAPPED } from '../region-state';
import type { SlotState } from '../slot-state';
import { releaseRegion } from '../spte-ops';

/**
 * TDP MMU `zap_collapsible_spte_range` (the 6.0-6.12 form): walk the slot's
 * 1G and 2M entries top-down; zap each non-leaf entry whose range may be mapped
 * at its level (`kvm_mmu_max_mapping_level` >= level), taking its whole table
 * with it. `tdp_mmu_zap_spte_atomic` flushes the TLB on every zap. Guest faults
 * rebuild huge leaves.
 */
export function zapTdpCollapsible(ctx: MmuContext, slot: SlotState, walk: LockedWalk): void {
  const costs = ctx.costs;
  for (let g = 0; g < slot.giantCount; g++) {
    const [from, to] = slot.giantRegions(g);
    if (slot.giantOk[g] === 1 && (slot.giant[g]! & G_LEAF) === 0 && anyEntry(slot, from, to)) {
      let removed = 1; // the 1G entry's own table
      let leaves = 0;
      for (let i = from; i < to; i++) {
        const st = slot.state[i];
        if (st === R_TABLE || st === R_EMPTY_TABLE) removed++;
        if (st !== R_UNMAPPED) leaves += releaseRegion(ctx, slot, i);
      }
      walk.sptesZapped += leaves;
      walk.work(costs.maxLevelLookupNs + (removed + leaves) * costs.spteZapNs);
      walk.flushNow();
      walk.maybeYield(true);
      continue;
    }
    for (let i = from; i < to; i++) {
      const st = slot.state[i];
      if ((st === R_TABLE || st === R_EMPTY_TABLE) && slot.maxLevel[i]! >= 2) {
        const leaves = releaseRegion(ctx, slot, i);
        walk.sptesZapped += leaves;
        walk.work(costs.maxLevelLookupNs + (1 + leaves) * costs.spteZapNs);
        walk.flushNow();
      } else {
        walk.work(st === R_TABLE || st === R_EMPTY_TABLE ? costs.maxLevelLookupNs : costs.tdpIterStepNs);
      }
      walk.maybeYield(true);
    }
  }
}

/** True when some region of [from, to) has an SPTE, i.e. the 1G entry is a present non-leaf. */
export function anyEntry(slot: SlotState, from: number, to: number): boolean {
  for (let i = from; i < to; i++) {
    const st = slot.state[i];
    if (st === R_TABLE || st === R_EMPTY_TABLE || st === R_HUGE_2M) return true;
  }
  return false;
}
