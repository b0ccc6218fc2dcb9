import type { DowntimeWithinBudgetCheck } from '@migsim/scenario';
import type { CheckResult } from '@migsim/report';
import type { VariantRun } from '../engine/variant-run';

/**
 * `downtime-within-budget`: every completed attempt of the migration (or of
 * every migration) paused the guest no longer than the budget, or than its
 * own `downtime-limit` when no budget is given. QEMU's `downtime` (ms) is
 * what is compared.
 */
export function judgeDowntimeWithinBudget(check: DowntimeWithinBudgetCheck, run: VariantRun): Omit<CheckResult, 'name' | 'kind'> {
  const records = [...run.records.values()].filter((record) => check.migration === null || record.id === check.migration);
  if (check.migration !== null && records.length === 0) return { passed: false, detail: `no migration ${check.migration} ran` };
  let measured = 0;
  let worst = '';
  for (const record of records) {
    const budgetMs = (check.budgetNs ?? record.params.downtimeLimitNs) / 1e6;
    for (const attempt of record.attempts) {
      const downtime = attempt.info.downtime;
      if (attempt.outcome !== 'completed' || downtime === undefined) continue;
      measured += 1;
      if (downtime > budgetMs) return { passed: false, detail: `${record.id} attempt ${attempt.attempt}: downtime ${downtime} ms > budget ${budgetMs} ms` };
      worst = `${record.id}: ${downtime} ms of ${budgetMs} ms`;
    }
  }
  if (measured === 0) return { passed: true, detail: 'no completed migration to measure' };
  return { passed: true, detail: `${measured} completed migration(s) within budget (last: ${worst})` };
}
