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
    const time = formatMs(rows[fastest[0]!]!.recovery.timeTo95PctMs!);
    sentences.push(`Fastest back to 95 % of baseline: ${fastest.map((index) => label(rows[index]!)).join(', ')} (${time}).`);
  }
  const never = rows.filter((row) => !recovered(row));
  if (never.length > 0) sentences.push(`Never back to 95 % before the horizon: ${never.map(label).join(', ')}.`);
  return sentences.join(' ');
}
