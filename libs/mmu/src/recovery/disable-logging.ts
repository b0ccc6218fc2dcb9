import { lockedWalk } from '../dirty-log';
import type { RecoveryStrategy } from '../kernel-profile';
import type { MmuContext } from '../mmu-context';
import { recycleBuffer } from '../page-array-pool';
import type { OperationReport } from '../reports';
import type { SlotState } from '../slot-state';
import { recoverInPlace } from './recover-in-place';
import { rmapZapCollapsible } from './rmap-zap';
import { zapTdpCollapsible } from './zap-tdp';

/**
 * The strategy that runs: `zap-tdp` and `recover-in-place` belong to the TDP
 * MMU; under shadow paging the kernels that have them run the shadow MMU's rmap
 * walk with the max-mapping-level check instead (`kvm_rmap_zap_collapsible_sptes`).
 */
export function effectiveStrategy(ctx: MmuContext): RecoveryStrategy {
  const strategy = ctx.profile.recovery;
  if (ctx.profile.mmu === 'shadow' && (strategy === 'zap-tdp' || strategy === 'recover-in-place')) return 'zap-max-level';
  return strategy;
}

/**
 * Disable dirty logging (`kvm_mmu_slot_apply_flags`, log_dirty_pages cleared):
 * free the bitmap, then run the recovery strategy over the slot.
 */
export function disableLogging(ctx: MmuContext, slot: SlotState): OperationReport {
  slot.logging = false;
  if (slot.dirtyBitmap !== null) recycleBuffer(slot.dirtyBitmap.buffer);
  slot.dirtyBitmap = null;
  slot.dirtyRegions = null;
  ctx.syncPmlBuffers();
  const strategy = effectiveStrategy(ctx);
  const walk = lockedWalk(ctx);
  if (strategy === 'zap-rmap') rmapZapCollapsible(ctx, slot, 'thp-compound', walk);
  else if (strategy === 'zap-max-level') rmapZapCollapsible(ctx, slot, 'max-level', walk);
  else if (strategy === 'zap-tdp') zapTdpCollapsible(ctx, slot, walk);
  else if (strategy === 'recover-in-place') recoverInPlace(ctx, slot, walk);
  walk.finish();
  ctx.shrinkPool();
  return { ...walk.report('disable-logging'), strategy };
}
