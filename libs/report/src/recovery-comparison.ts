import type { RecoveryReport, RecoveryStrategyName, Report } from './report-model';

/**
 * One row of the side-by-side recovery comparison: how one variant's
 * strategy brought one VM's huge pages back after dirty logging was switched
 * off. This table is the answer to "which recovery strategy should my hosts
 * run?", so the text and HTML renderers both build it from here.
 */
export interface RecoveryComparisonRow {
  variant: string;
  strategy: RecoveryStrategyName;
  vm: string;
  /** What turned dirty logging off, e.g. `migration-failed m-1`. */
  cause: string;
  recovery: RecoveryReport;
}

export function recoveryComparisonRows(report: Report): RecoveryComparisonRow[] {
  return report.variants.flatMap((variant) =>
    variant.vms.flatMap((vm) =>
      vm.recoveries.map((recovery) => ({
        variant: variant.name,
        strategy: recovery.strategy,
        vm: vm.name,
        cause: `${recovery.trigger} ${recovery.cause}`,
        recovery,
      })),
    ),
  );
}

/**
 * The rows holding the best (smallest non-null) value of one column, to
 * highlight them; ties are all best. `eligible` limits the contest, e.g. to
 * rows that recovered at all: 0 re-faults is no merit in a strategy that
 * never rebuilds huge pages.
 */
export function bestRows(
  rows: readonly RecoveryComparisonRow[],
  value: (row: RecoveryComparisonRow) => number | null,
  eligible: (row: RecoveryComparisonRow) => boolean = () => true,
): Set<number> {
  let bestValue = Number.POSITIVE_INFINITY;
  rows.forEach((row) => {
    const candidate = value(row);
    if (candidate !== null && eligible(row) && candidate < bestValue) bestValue = candidate;
  });
  const best = new Set<number>();
  rows.forEach((row, index) => {
    if (eligible(row) && value(row) === bestValue) best.add(index);
  });
  return best;
}

/** The levels the comparison times, as fractions of baseline. */
export type RecoveryLevel = 0.9 | 0.95 | 0.99;

export function timeToLevelMs(recovery: RecoveryReport, level: RecoveryLevel): number | null {
  return level === 0.9 ? recovery.timeTo90PctMs : level === 0.95 ? recovery.timeTo95PctMs : recovery.timeTo99PctMs;
}

/**
 * Whether throughput never fell below `level` once dirty logging was off, so
 * that its time to the level is 0 for want of a dip, not a fast recovery.
 * Decided by the recovery's lowest throughput when the producer reported it,
 * else by a time to the level of 0 (the end of the last step below it, 0
 * when no step was).
 */
export function neverBelow(recovery: RecoveryReport, level: RecoveryLevel): boolean {
  const timeMs = timeToLevelMs(recovery, level);
  if (timeMs === null) return false;
  return recovery.minRelativeThroughput === undefined ? timeMs === 0 : recovery.minRelativeThroughput >= level;
}

/** A time-to-level cell: `24.0 ms`, `never below` (see `neverBelow`), or `—` (not back at the level by the horizon). */
export function timeToLevelText(recovery: RecoveryReport, level: RecoveryLevel, formatMs: (ms: number | null) => string): string {
  return neverBelow(recovery, level) ? NEVER_BELOW : formatMs(timeToLevelMs(recovery, level));
}

export const NEVER_BELOW = 'never below';

export function recovered(row: RecoveryComparisonRow): boolean {
  return row.recovery.timeTo95PctMs !== null;
}

/** Which columns' best rows the renderers highlight. */
export function comparisonHighlights(rows: readonly RecoveryComparisonRow[]) {
  return {
    to95: bestRows(rows, (row) => row.recovery.timeTo95PctMs),
    lostWork: bestRows(rows, (row) => row.recovery.lostWorkVcpuSeconds),
    refaults: bestRows(rows, (row) => row.recovery.refaults, recovered),
  };
}

/**
 * One sentence that answers the comparison, e.g. "Fastest back to 95 %:
 * recover-in-place (100 ms). Never back to 95 % before the horizon: none."
 * Null when there is nothing to compare.
 */
export function comparisonVerdict(rows: readonly RecoveryComparisonRow[], formatMs: (ms: number) => string): string | null {
  if (rows.length === 0) return null;
  const label = (row: RecoveryComparisonRow): string => (rows.some((other) => other.vm !== row.vm) ? `${row.variant} (${row.vm})` : row.variant);
  const sentences: string[] = [];
  const fastest = [...comparisonHighlights(rows).to95];
  if (fastest.length > 0) {
    const first = rows[fastest[0]!]!.recovery;
    const time = neverBelow(first, 0.95) ? 'never below it' : formatMs(first.timeTo95PctMs!);
    sentences.push(`Fastest back to 95 % of baseline: ${fastest.map((index) => label(rows[index]!)).join(', ')} (${time}).`);
  }
  const never = rows.filter((row) => !recovered(row));
  if (never.length > 0) sentences.push(`Never back to 95 % before the horizon: ${never.map(label).join(', ')}.`);
  return sentences.join(' ');
}
