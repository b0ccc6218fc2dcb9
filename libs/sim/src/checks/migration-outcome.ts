import type { MigrationOutcomeCheck } from '@migsim/scenario';
import type { CheckResult } from '@migsim/report';
import type { VariantRun } from '../engine/variant-run';

/** `migration-outcome`: the migration ended the way the scenario expects. */
export function judgeMigrationOutcome(check: MigrationOutcomeCheck, run: VariantRun): Omit<CheckResult, 'name' | 'kind'> {
  const record = run.records.get(check.migration);
  if (record === undefined) return { passed: false, detail: `migration ${check.migration} never ran` };
  const last = record.attempts[record.attempts.length - 1];
  const why = last?.info['error-desc'] === undefined ? '' : ` (${last.info['error-desc']})`;
  return {
    passed: record.outcome === check.outcome,
    detail: `${check.migration}: ${record.outcome} after ${record.attempts.length} attempt(s)${why}, expected ${check.outcome}`,
  };
}
