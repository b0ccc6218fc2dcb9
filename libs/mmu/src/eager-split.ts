import type { LockedWalk } from './mmu-lock';
import type { MmuContext } from './mmu-context';
import { G_LEAF, R_HUGE_2M, R_IN_1G } from './region-state';
import type { SlotState } from './slot-state';
import { splitHuge1g, splitHuge2m } from './spte-ops';

/**
 * Eager page splitting (`kvm_mmu_slot_try_split_huge_pages`, 5.19+): split every
 * huge SPTE of slot regions [from, to) down to 4K, a 1G leaf first into 512 2M
 * leaves. Children inherit the huge SPTE's permissions. Runs under mmu_lock
 * (read) and yields without flushing: splitting keeps every translation valid.
 */
export function eagerSplitRegions(ctx: MmuContext, slot: SlotState, from: number, to: number, walk: LockedWalk): void {
  let needed = 0;
  for (let i = from; i < to; i++) {
    const st = slot.state[i];
    if (st === R_HUGE_2M || st === R_IN_1G) needed++;
  }
  if (needed === 0) return;
  ctx.pool.reserve(needed, ctx.maxTables());
  const splitNs = ctx.costs.splitHugePageNs;
  for (let i = from; i < to; i++) {
    const st = slot.state[i];
    if (st === R_IN_1G) {
      const g = slot.giantOf(i);
      if ((slot.giant[g]! & G_LEAF) !== 0) {
        splitHuge1g(slot, g);
        walk.splits++;
        walk.work(splitNs);
      }
    }
    if (slot.state[i] === R_HUGE_2M) {
      splitHuge2m(ctx, slot, i);
      walk.splits++;
      walk.work(splitNs);
      walk.maybeYield(false);
    }
  }
}
