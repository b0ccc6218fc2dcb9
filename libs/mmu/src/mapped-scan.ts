import type { MmuContext } from './mmu-context';
import { R_EMPTY_TABLE, R_TABLE, R_UNMAPPED } from './region-state';
import { firstMissing } from './spte-ops';
import { PAGES_PER_2M } from './units';

/**
 * The first gfn of [gfnStart, gfnEnd) that no SPTE maps (or that no memslot
 * holds), else gfnEnd: where a guest read of the range would first fault.
 * Region by region, and word by word inside a 4K table, so a mapped range
 * costs about one step per 2 MiB.
 */
export function firstUnmappedGfn(ctx: MmuContext, gfnStart: number, gfnEnd: number): number {
  let gfn = gfnStart;
  while (gfn < gfnEnd) {
    const slot = ctx.slotOf(gfn);
    if (slot === null) return gfn;
    const stop = Math.min(gfnEnd, slot.endGfn);
    let i = slot.regionOf(gfn);
    let regionBase = (slot.firstRegion + i) * PAGES_PER_2M;
    while (regionBase < stop) {
      const st = slot.state[i]!;
      const lo = Math.max(gfn, regionBase) - regionBase;
      if (st === R_UNMAPPED || st === R_EMPTY_TABLE) return regionBase + lo;
      if (st === R_TABLE) {
        const miss = firstMissing(ctx, slot, i, lo, Math.min(stop, regionBase + PAGES_PER_2M) - regionBase);
        if (miss >= 0) return regionBase + miss;
      }
      // R_HUGE_2M and R_IN_1G map the whole region.
      i++;
      regionBase += PAGES_PER_2M;
    }
    gfn = stop;
  }
  return gfnEnd;
}
