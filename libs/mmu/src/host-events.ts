import type { MmuContext } from './mmu-context';
import { R_IN_1G } from './region-state';
import type { SlotState } from './slot-state';
import { dropHuge1g, zapLeaves } from './spte-ops';
import { PAGES_PER_2M } from './units';

/**
 * The host changed the memory behind hva pages [hvaLo, hvaHi) (THP split,
 * khugepaged collapse, a new backing): the mmu notifier invalidation
 * (`kvm_unmap_gfn_range`) zaps every SPTE mapping those pages in every slot,
 * with one TLB flush, and the slots' cached mapping levels are recomputed.
 * Returns the leaf SPTEs zapped.
 */
export function hostRangeChanged(ctx: MmuContext, hvaLo: number, hvaHi: number): { zapped: number; flushed: boolean } {
  let zapped = 0;
  let touched = false;
  for (const slot of ctx.slots) {
    const lo = Math.max(hvaLo, slot.hvaPage);
    const hi = Math.min(hvaHi, slot.hvaPage + slot.npages);
    if (lo >= hi) continue;
    const gfnLo = slot.baseGfn + (lo - slot.hvaPage);
    const gfnHi = slot.baseGfn + (hi - slot.hvaPage);
    const result = zapGfnRange(ctx, slot, gfnLo, gfnHi);
    zapped += result.leaves;
    touched ||= result.touched;
    slot.refresh(slot.regionOf(gfnLo), slot.regionOf(gfnHi - 1) + 1, ctx.host, ctx.profile);
  }
  if (touched) ctx.counters.tlbFlushes++;
  ctx.counters.sptesZapped += zapped;
  return { zapped, flushed: touched };
}

/** Zap every leaf mapping gfns [gfnLo, gfnHi) of the slot; a 1G or 2M leaf overlapping the range goes whole. */
export function zapGfnRange(ctx: MmuContext, slot: SlotState, gfnLo: number, gfnHi: number): { leaves: number; touched: boolean } {
  let leaves = 0;
  let touched = false;
  const first = slot.regionOf(gfnLo);
  const last = slot.regionOf(gfnHi - 1);
  for (let i = first; i <= last; i++) {
    const regionBase = (slot.firstRegion + i) * PAGES_PER_2M;
    if (slot.state[i] === R_IN_1G) {
      dropHuge1g(slot, slot.giantOf(i));
      leaves++;
      touched = true;
      continue;
    }
    const lo = Math.max(0, gfnLo - regionBase);
    const hi = Math.min(PAGES_PER_2M, gfnHi - regionBase);
    const removed = zapLeaves(ctx, slot, i, lo, hi);
    if (removed > 0) touched = true;
    leaves += removed;
  }
  return { leaves, touched };
}
