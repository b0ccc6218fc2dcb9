import type { CheckResult } from '@migsim/report';
import type { VariantRun } from '../engine/variant-run';
import { appliesTo } from '../engine/plan-runner';
import { judgeDowntimeWithinBudget } from './downtime-within-budget';
import { judgeHostDrained } from './host-drained';
import { judgeMigrationOutcome } from './migration-outcome';
import { judgeRecovers } from './recovers';

/** The scenario's checks that apply to this variant, judged at the horizon. */
export function judgeScenarioChecks(run: VariantRun): CheckResult[] {
  const results: CheckResult[] = [];
  for (const check of run.variant.checks) {
    if (!appliesTo(check.variants, run.variant.name)) continue;
    let verdict: Omit<CheckResult, 'name' | 'kind'>;
    switch (check.kind) {
      case 'recovers':
        verdict = judgeRecovers(check, run);
        break;
      case 'downtime-within-budget':
        verdict = judgeDowntimeWithinBudget(check, run);
        break;
      case 'migration-outcome':
        verdict = judgeMigrationOutcome(check, run);
        break;
      case 'host-drained':
        verdict = judgeHostDrained(check, run);
        break;
    }
    results.push({ name: check.name, kind: check.kind, ...verdict });
  }
  return results;
}
