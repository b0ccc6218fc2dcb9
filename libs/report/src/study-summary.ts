import type { Percentiles, StudySummary } from './study-model';
import type { VariantReport } from './report-model';
import { migrationRows, type MigrationRow } from './study-rows';

/**
 * The study summary of a variant, computed from its per-migration rows
 * (`migrationRows`, what `--format csv` prints) and its link loads, so
 * the two always agree. Percentiles are nearest-rank: p-th = the value at
 * rank ceil(p / 100 x n) of the n values in increasing order (a value some
 * migration actually had).
 */
export function studySummary(variant: VariantReport): StudySummary {
  const rows = migrationRows(variant);
  const started = rows.filter((row) => row.startS !== null);
  const ended = rows.filter((row) => row.endS !== null);
  const requests = rows.flatMap((row) => (row.requestedS === null ? (row.startS === null ? [] : [row.startS]) : [row.requestedS]));
  const ends = variant.migrations.flatMap((migration) => migration.attempts.flatMap((attempt) => (attempt.endMs === null ? [] : [attempt.endMs])));
  const firstRequestMs = requests.length === 0 ? null : Math.min(...requests) * 1000;
  const lastEndMs = ends.length === 0 ? null : maxOf(ends);
  const unfinished = rows.some((row) => row.outcome === 'unfinished');
  return {
    migrations: rows.length,
    attempts: rows.reduce((sum, row) => sum + row.attempts, 0),
    retried: rows.filter((row) => row.attempts > 1).length,
    firstRequestMs,
    lastEndMs,
    makespanMs: unfinished || firstRequestMs === null || lastEndMs === null ? null : lastEndMs - firstRequestMs,
    totalTimeMs: percentiles(ended.map((row) => row.totalTimeS! * 1000)),
    downtimeMs: percentiles(rows.flatMap((row) => (row.downtimeMs === null ? [] : [row.downtimeMs]))),
    transferredBytes: percentiles(started.map((row) => row.transferredBytes)),
    lostWorkVcpuSeconds: percentiles(started.flatMap((row) => (row.lostWorkVcpuS === null ? [] : [row.lostWorkVcpuS]))),
    queueWaitMs: percentiles(started.flatMap((row) => (row.queueWaitS === null ? [] : [row.queueWaitS * 1000]))),
    links: (variant.network?.tiers ?? []).map((tier) => ({
      tier: tier.tier,
      peakMeanFraction: tier.points.reduce((peak, point) => Math.max(peak, point.meanFraction), 0),
      maxFraction: tier.points.reduce((peak, point) => Math.max(peak, point.maxFraction), 0),
    })),
  };
}

/** Nearest-rank percentiles (and the mean) of `values`. */
export function percentiles(values: readonly number[]): Percentiles {
  if (values.length === 0) return { count: 0, mean: null, p50: null, p90: null, p95: null, p99: null, max: null };
  const sorted = [...values].sort((a, b) => a - b);
  const rank = (p: number) => sorted[Math.max(0, Math.ceil((p / 100) * sorted.length) - 1)]!;
  const sum = sorted.reduce((total, value) => total + value, 0);
  return { count: sorted.length, mean: sum / sorted.length, p50: rank(50), p90: rank(90), p95: rank(95), p99: rank(99), max: sorted[sorted.length - 1]! };
}

function maxOf(values: readonly number[]): number {
  let max = -Infinity;
  for (const value of values) if (value > max) max = value;
  return max;
}

export type { MigrationRow };
