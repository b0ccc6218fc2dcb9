import type { PairedDifference } from '../summary/stats';
import type { GroupSummary, PairedSummary, SweepSummary } from '../summary/sweep-summary';
import { durationMs, medianAndP95, padTable, percent, proportionText, signed } from './format';

/** Failing runs listed on the terminal; summary.json and index.html list them all. */
const FAILURES_SHOWN = 10;

/** What `migsim sweep` prints: per cell, each variant's outcomes, the paired differences and the failing runs. */
export function renderSummaryText(summary: SweepSummary): string {
  const lines: string[] = [];
  lines.push(
    `migsim sweep: ${summary.scenario.name} (${summary.scenario.file}) · ${summary.seeds.count} seed${summary.seeds.count === 1 ? '' : 's'} (${summary.seeds.seeds}) · ` +
      `${summary.variants.length} variant${summary.variants.length === 1 ? '' : 's'}${summary.cells.length > 1 ? ` · ${summary.cells.length} cells` : ''} · ${summary.runs} runs`,
  );
  for (const cell of summary.cells) {
    const set = Object.entries(cell.set);
    lines.push('', `== ${set.length === 0 ? 'Outcomes' : set.map(([path, value]) => `${path}=${value}`).join(', ')} ${'='.repeat(20)}`);
    const groups = summary.groups.filter((group) => group.cell === cell.index);
    lines.push(...outcomeTable(groups));
    const paired = summary.paired.filter((entry) => entry.cell === cell.index);
    if (paired.length > 0) {
      lines.push('', `  paired with ${paired[0]!.baseline} (same seeds, same faults, same workload), mean difference [95 % interval]:`);
      for (const entry of paired) lines.push(`    ${entry.variant}: ${pairedLine(entry)}`);
    }
  }
  lines.push('');
  const failures = summary.failures;
  if (failures.length === 0) {
    lines.push(`No run failed a check.`);
  } else {
    const safety = failures.filter((failure) => failure.checks.some((check) => check.category === 'safety' || check.category === 'error')).length;
    lines.push(`Failing runs: ${failures.length} of ${summary.runs} (${safety} failing safety or not finishing)${failures.length > FAILURES_SHOWN ? `; the first ${FAILURES_SHOWN}:` : ':'}`);
    for (const failure of failures.slice(0, FAILURES_SHOWN)) {
      lines.push(`  seed ${failure.seed} · ${failure.variant}${summary.cells.length > 1 ? ` · cell ${failure.cell}` : ''}: ${failure.checks.map((check) => check.name).join(', ')}`);
      lines.push(`    ${failure.command}`);
      if (failure.shrunk !== null) lines.push(`    shrunk: ${failure.shrunk}`);
    }
  }
  return `${lines.join('\n')}\n`;
}

function outcomeTable(groups: readonly GroupSummary[]): string[] {
  const header = ['variant', 'runs', 'completed [95 %]', 'failed', 'aborted', 'cancelled', 'unfinished', 'lost', 'drain p50 / p95', 'failing runs', 'safety', 'liveness'];
  const rows = groups.map((group) => [
    group.variant,
    String(group.runs),
    proportionText(group.outcomes.completed),
    percent(group.outcomes.failed.rate),
    percent(group.outcomes.aborted.rate),
    percent(group.outcomes.cancelled.rate),
    percent(group.outcomes.unfinished.rate),
    percent(group.outcomes.lost.rate),
    medianAndP95(group.drainMs, durationMs),
    proportionText(group.failingRuns.any),
    String(group.failingRuns.safety.count + group.failingRuns.error.count),
    String(group.failingRuns.liveness.count),
  ]);
  return padTable([header, ...rows], [false, true, true, true, true, true, true, true, true, true, true, true]);
}

function pairedLine(entry: PairedSummary): string {
  const m = entry.metrics;
  return [
    `completed ${points(m.completedFraction)}`,
    `drain ${difference(m.drainMs, (value) => durationMs(value))}`,
    `lost work ${difference(m.lostWorkVcpuSeconds, (value) => `${value.toFixed(2)} vCPU·s`)}`,
    `failing runs ${points(m.failing)}`,
  ].join('; ');
}

/** A difference of fractions in percentage points, with the seeds it went each way. */
function points(d: PairedDifference): string {
  if (d.meanDifference === null) return '—';
  const interval = d.ci95 === null ? '' : ` [${signed(d.ci95[0] * 100, 1)}, ${signed(d.ci95[1] * 100, 1)}]`;
  return `${signed(d.meanDifference * 100, 1)} pp${interval} (higher in ${d.higher}, lower in ${d.lower} of ${d.n})`;
}

function difference(d: PairedDifference, format: (value: number) => string): string {
  if (d.meanDifference === null) return '—';
  const sign = (value: number) => (value < 0 ? '−' : '+') + format(Math.abs(value));
  const interval = d.ci95 === null ? '' : ` [${sign(d.ci95[0])}, ${sign(d.ci95[1])}]`;
  return `${sign(d.meanDifference)}${interval} (n = ${d.n})`;
}
