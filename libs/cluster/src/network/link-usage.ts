import type { TierLoad } from './tier-capacity';
import type { LinkTier } from './topology';

/**
 * Link utilisation over a run, per tier (NICs, top-of-rack uplinks, core):
 * the network model's loads are a step function that changes at every
 * re-rate; the recorder keeps each change and resamples the steps onto a
 * fixed grid at the end (time-weighted mean of the tier's mean load, the
 * largest single-link load and the most links busy within each bin), so the
 * report's size depends on the horizon and the grid, not on how many
 * re-rates happened.
 */
export interface TierSeries {
  tier: LinkTier;
  links: number;
  capacityBytesPerSec: number;
  points: { tMs: number; meanFraction: number; maxFraction: number; busyLinks: number }[];
}

interface Step {
  tNs: number;
  mean: number;
  max: number;
  busy: number;
}

export class LinkUsageRecorder {
  private readonly steps = new Map<LinkTier, Step[]>();
  private readonly shape = new Map<LinkTier, { links: number; capacityBytesPerSec: number }>();

  observe(tNs: number, loads: readonly TierLoad[]): void {
    for (const load of loads) {
      this.shape.set(load.tier, { links: load.links, capacityBytesPerSec: load.capacityBytesPerSec });
      let steps = this.steps.get(load.tier);
      if (steps === undefined) this.steps.set(load.tier, (steps = [{ tNs: 0, mean: 0, max: 0, busy: 0 }]));
      const last = steps[steps.length - 1]!;
      if (last.mean === load.meanFraction && last.max === load.maxFraction && last.busy === load.busyLinks) continue;
      const step = { tNs, mean: load.meanFraction, max: load.maxFraction, busy: load.busyLinks };
      if (last.tNs === tNs) steps[steps.length - 1] = step;
      else steps.push(step);
    }
  }

  /** Bins of `binNs` from 0 through the bin after the last change (at most to the horizon); none when nothing ever moved. */
  series(horizonNs: number, binNs: number): TierSeries[] {
    const result: TierSeries[] = [];
    for (const [tier, steps] of this.steps) {
      if (steps.length <= 1) continue;
      const lastChangeNs = steps[steps.length - 1]!.tNs;
      const endNs = Math.min(horizonNs, (Math.floor(lastChangeNs / binNs) + 2) * binNs);
      const points: TierSeries['points'] = [];
      let s = 0;
      for (let from = 0; from < endNs; from += binNs) {
        const to = Math.min(endNs, from + binNs);
        let weighted = 0;
        let max = 0;
        let busy = 0;
        while (s + 1 < steps.length && steps[s + 1]!.tNs <= from) s += 1;
        for (let k = s; k < steps.length && steps[k]!.tNs < to; k += 1) {
          const start = Math.max(from, steps[k]!.tNs);
          const stop = Math.min(to, k + 1 < steps.length ? steps[k + 1]!.tNs : to);
          if (stop > start) weighted += steps[k]!.mean * (stop - start);
          max = Math.max(max, steps[k]!.max);
          busy = Math.max(busy, steps[k]!.busy);
        }
        points.push({ tMs: to / 1e6, meanFraction: weighted / (to - from), maxFraction: max, busyLinks: busy });
      }
      result.push({ tier, ...this.shape.get(tier)!, points });
    }
    return result;
  }
}
