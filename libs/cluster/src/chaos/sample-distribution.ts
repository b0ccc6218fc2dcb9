import type { Distribution } from '@migsim/scenario';
import type { Rng } from '../core/rng';

/** Drawn times and durations are whole milliseconds, so a drawn fault reads back exactly from its entry. */
export const DRAW_RESOLUTION_NS = 1_000_000;
/** Drawn rates are whole kB/s. */
export const RATE_RESOLUTION_BYTES_PER_SEC = 1000;

/** A duration (ns) from `distribution`, in whole milliseconds; at least 1 ms unless the distribution allows 0. */
export function sampleDurationNs(distribution: Distribution, rng: Rng): number {
  if (distribution.type === 'fixed') return distribution.value;
  const lowest = distribution.type === 'uniform' ? distribution.min : 0;
  const highest = distribution.type === 'uniform' ? distribution.max : (distribution.max ?? Infinity);
  const raw = distribution.type === 'uniform' ? rng.uniform(distribution.min, distribution.max) : exponential(distribution.mean, rng);
  const rounded = Math.round(Math.min(raw, highest) / DRAW_RESOLUTION_NS) * DRAW_RESOLUTION_NS;
  const floor = lowest === 0 && distribution.type === 'uniform' ? 0 : Math.max(lowest, DRAW_RESOLUTION_NS);
  return Math.min(Math.max(rounded, floor), highest);
}

/** A rate (bytes/s) from `distribution`, in whole kB/s. */
export function sampleRate(distribution: Distribution, rng: Rng): number {
  if (distribution.type === 'fixed') return distribution.value;
  const lo = distribution.type === 'uniform' ? distribution.min : 0;
  const hi = distribution.type === 'uniform' ? distribution.max : (distribution.max ?? Infinity);
  const raw = distribution.type === 'uniform' ? rng.uniform(lo, hi) : exponential(distribution.mean, rng);
  const rounded = Math.round(raw / RATE_RESOLUTION_BYTES_PER_SEC) * RATE_RESOLUTION_BYTES_PER_SEC;
  return Math.min(Math.max(rounded, lo, RATE_RESOLUTION_BYTES_PER_SEC), hi);
}

/** A whole count from `distribution` (uniform over the integers between its bounds). */
export function sampleCount(distribution: Distribution, rng: Rng): number {
  if (distribution.type === 'fixed') return distribution.value;
  if (distribution.type === 'uniform') return rng.int(distribution.min, distribution.max);
  return Math.max(1, Math.round(Math.min(exponential(distribution.mean, rng), distribution.max ?? Infinity)));
}

/** Exponentially distributed with this mean (inverse transform; `1 - u` is never 0). */
export function exponential(mean: number, rng: Rng): number {
  return -mean * Math.log(1 - rng.next());
}
