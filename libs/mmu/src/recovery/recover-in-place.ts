import type { LockedWalk } from '../mmu-lock';
import type { MmuContext } from '../mmu-context';
import { F_HUGE_WRITABLE, G_LEAF, R_EMPTY_TABLE, R_HUGE_2M, R_TABLE } from '../region-state';
import type { SlotState } from '../slot-state';
import { firstPresentWritable, installHuge1g, installHuge2m } from '../spte-ops';
import { anyEntry } from './zap-tdp';

/**
 * Linux 6.13 `kvm_tdp_mmu_recover_huge_pages` (`recover_huge_pages_range`):
 * walk the slot's 1G and 2M entries top-down; replace each non-leaf entry whose
 * range may be mapped at its level with a huge leaf built from its first present
 * leaf (`tdp_mmu_make_huge_spte` + `make_huge_spte`: it inherits that leaf's
 * permissions). An entry with no present leaf is left alone (-ENOENT). The TLB
 * flush is batched: before yielding mmu_lock and once at the end. No re-faults.
 */
export function recoverInPlace(ctx: MmuContext, slot: SlotState, walk: LockedWalk): void {
  const costs = ctx.costs;
  for (let g = 0; g < slot.giantCount; g++) {
    const [from, to] = slot.giantRegions(g);
    if (slot.giantOk[g] === 1 && (slot.giant[g]! & G_LEAF) === 0 && anyEntry(slot, from, to)) {
      const writable = firstLeafWritable(ctx, slot, from, to);
      walk.work(costs.maxLevelLookupNs);
      if (writable >= 0) {
        let removed = 1;
        for (let i = from; i < to; i++) {
          const st = slot.state[i];
          if (st === R_TABLE) removed += 1 + ctx.pool.count[slot.table[i]!]!;
          else if (st === R_EMPTY_TABLE || st === R_HUGE_2M) removed++;
        }
        installHuge1g(ctx, slot, g, writable === 1);
        walk.hugeInstalled++;
        walk.work(costs.hugeRecoverNs + removed * costs.spteZapNs);
        walk.needFlush();
        walk.maybeYield(true);
        continue;
      }
    }
    for (let i = from; i < to; i++) {
      const st = slot.state[i];
      if (st === R_TABLE && slot.maxLevel[i]! >= 2) {
        const t = slot.table[i]!;
        const children = ctx.pool.count[t]!;
        const writable = firstPresentWritable(ctx, slot, i) === 1;
        installHuge2m(ctx, slot, i, writable);
        walk.hugeInstalled++;
        walk.work(costs.maxLevelLookupNs + costs.hugeRecoverNs + (1 + children) * costs.spteZapNs);
        walk.needFlush();
      } else {
        walk.work(st === R_TABLE || st === R_EMPTY_TABLE ? costs.maxLevelLookupNs : costs.tdpIterStepNs);
      }
      walk.maybeYield(true);
    }
  }
}

/** Writable bit of the first present leaf (2M or 4K) in regions [from, to), or -1 when there is none. */
function firstLeafWritable(ctx: MmuContext, slot: SlotState, from: number, to: number): number {
  for (let i = from; i < to; i++) {
    const st = slot.state[i];
    if (st === R_HUGE_2M) return (slot.flags[i]! & F_HUGE_WRITABLE) !== 0 ? 1 : 0;
    if (st === R_TABLE) {
      const writable = firstPresentWritable(ctx, slot, i);
      if (writable >= 0) return writable;
    }
  }
  return -1;
}
