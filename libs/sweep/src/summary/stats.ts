/** The normal quantile of a two-sided 95 % interval. */
export const Z95 = 1.959963984540054;

/** A count out of a total, as a rate with its 95 % Wilson score interval. */
export interface Proportion {
  count: number;
  total: number;
  rate: number | null;
  ci95: [number, number] | null;
}

/**
 * Wilson's score interval (1927): unlike the normal approximation it stays
 * inside [0, 1] and is honest for rates near 0 or 1, which is where failure
 * rates of a sweep live (0 failures in 200 runs is [0, 1.9 %], not [0, 0]).
 */
export function proportion(count: number, total: number): Proportion {
  if (total === 0) return { count, total, rate: null, ci95: null };
  const p = count / total;
  const z2 = Z95 * Z95;
  const denominator = 1 + z2 / total;
  const centre = (p + z2 / (2 * total)) / denominator;
  const half = (Z95 * Math.sqrt((p * (1 - p)) / total + z2 / (4 * total * total))) / denominator;
  // At 0 (or all) the bound is exactly 0 (or 1); the formula leaves rounding dust there.
  const lower = count === 0 ? 0 : Math.max(0, centre - half);
  const upper = count === total ? 1 : Math.min(1, centre + half);
  return { count, total, rate: round(p), ci95: [round(lower), round(upper)] };
}

/** A sample's shape: count, mean and quantiles (type 7: linear between order statistics). */
export interface Distribution {
  n: number;
  mean: number | null;
  min: number | null;
  p5: number | null;
  p25: number | null;
  p50: number | null;
  p75: number | null;
  p95: number | null;
  max: number | null;
}

export function distribution(values: readonly number[]): Distribution {
  const sorted = [...values].sort((a, b) => a - b);
  const n = sorted.length;
  if (n === 0) return { n, mean: null, min: null, p5: null, p25: null, p50: null, p75: null, p95: null, max: null };
  return {
    n,
    mean: round(sum(sorted) / n),
    min: round(sorted[0]!),
    p5: round(quantile(sorted, 0.05)),
    p25: round(quantile(sorted, 0.25)),
    p50: round(quantile(sorted, 0.5)),
    p75: round(quantile(sorted, 0.75)),
    p95: round(quantile(sorted, 0.95)),
    max: round(sorted[n - 1]!),
  };
}

/** Quantile `q` of an ascending sample (R's type 7). */
export function quantile(sorted: readonly number[], q: number): number {
  const position = (sorted.length - 1) * q;
  const below = Math.floor(position);
  const above = Math.min(sorted.length - 1, below + 1);
  return sorted[below]! + (sorted[above]! - sorted[below]!) * (position - below);
}

/** Paired differences (variant minus baseline, seed by seed): their mean with a 95 % interval (normal approximation). */
export interface PairedDifference {
  n: number;
  meanDifference: number | null;
  ci95: [number, number] | null;
  /** Seeds where the variant's value was higher, lower, equal. */
  higher: number;
  lower: number;
  equal: number;
}

export function pairedDifference(differences: readonly number[]): PairedDifference {
  const n = differences.length;
  const higher = differences.filter((d) => d > 0).length;
  const lower = differences.filter((d) => d < 0).length;
  const equal = n - higher - lower;
  if (n === 0) return { n, meanDifference: null, ci95: null, higher, lower, equal };
  const mean = sum(differences) / n;
  if (n < 2) return { n, meanDifference: round(mean), ci95: null, higher, lower, equal };
  // Summed in a fixed order (the seeds'), so the same differences always give the same bits.
  const variance = differences.reduce((acc, d) => acc + (d - mean) * (d - mean), 0) / (n - 1);
  const half = (Z95 * Math.sqrt(variance)) / Math.sqrt(n);
  return { n, meanDifference: round(mean), ci95: [round(mean - half), round(mean + half)], higher, lower, equal };
}

function sum(values: readonly number[]): number {
  let total = 0;
  for (const value of values) total += value;
  return total;
}

/** Six significant digits: enough for any figure a sweep reports, and no float noise in the JSON. */
export function round(value: number): number {
  if (!Number.isFinite(value) || value === 0) return value === 0 ? 0 : value;
  return Number(value.toPrecision(6));
}
