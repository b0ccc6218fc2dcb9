import type { CheckResult } from '@migsim/report';
import type { DowntimeWithinBudgetCheck, HostDrainedCheck, MigrationOutcomeCheck, RecoversCheck } from '@migsim/scenario';
import type { MigrationRecord } from '../controller/migration-record';
import { migrationsEnd, vmsRecover } from './liveness-checks';
import { appliesTo, staysOf, vmsOnHostAt, type RunFacts } from './run-facts';

type Verdict = Omit<CheckResult, 'name' | 'kind'>;

/** The scenario's checks that apply to this variant, judged over the run's facts. */
export function judgeScenarioChecks(facts: RunFacts, records: readonly MigrationRecord[]): CheckResult[] {
  const results: CheckResult[] = [];
  for (const check of facts.variant.checks) {
    if (!appliesTo(check.variants, facts.variant.name)) continue;
    let verdict: Verdict;
    switch (check.kind) {
      case 'recovers':
        verdict = recovers(check, facts);
        break;
      case 'downtime-within-budget':
        verdict = downtimeWithinBudget(check, records);
        break;
      case 'migration-outcome':
        verdict = migrationOutcome(check, records);
        break;
      case 'host-drained':
        verdict = hostDrained(check, facts);
        break;
      case 'migrations-end':
        verdict = migrationsEnd(check, facts, records);
        break;
      case 'vms-recover':
        verdict = vmsRecover(check, facts, records);
        break;
    }
    results.push({ name: check.name, kind: check.kind, ...verdict });
  }
  return results;
}

/**
 * `recovers`: after dirty logging was switched off (failed or cancelled
 * migration, dirty-bitmap probe), the VM's throughput reaches `to` of its
 * baseline within `within` and stays there. Every recovery of the VM must.
 */
function recovers(check: RecoversCheck, facts: RunFacts): Verdict {
  const runs = staysOf(facts, check.vm).flatMap((stay) => stay.recoveryLevels);
  const pct = `${Math.round(check.toFraction * 1000) / 10} %`;
  if (runs.length === 0) return { passed: false, detail: `VM ${check.vm}: dirty logging was never switched off after a failure or probe: no recovery to measure` };
  const times: string[] = [];
  for (const recovery of runs) {
    const timeNs = recovery.timeTo.find(([fraction]) => fraction === check.toFraction)?.[1] ?? null;
    if (timeNs === null) {
      return {
        passed: false,
        detail: `VM ${check.vm} (${recovery.strategy}, after ${recovery.cause}) never reached ${pct} of baseline within ${(recovery.measuredUntilNs - recovery.startNs) / 1e9} s`,
      };
    }
    if (timeNs > check.withinNs) {
      return { passed: false, detail: `VM ${check.vm} (${recovery.strategy}) reached ${pct} after ${timeNs / 1e9} s, budget ${check.withinNs / 1e9} s` };
    }
    times.push(`${timeNs / 1e9} s`);
  }
  return { passed: true, detail: `VM ${check.vm} reached ${pct} of baseline after ${times.join(', ')} (budget ${check.withinNs / 1e9} s)` };
}

/**
 * `downtime-within-budget`: every completed attempt of the migration (or of
 * every migration) paused the guest no longer than the budget, or than its
 * own `downtime-limit` when no budget is given. QEMU's `downtime` (ms) is
 * what is compared.
 */
function downtimeWithinBudget(check: DowntimeWithinBudgetCheck, records: readonly MigrationRecord[]): Verdict {
  const selected = records.filter((record) => check.migration === null || record.id === check.migration);
  if (check.migration !== null && selected.length === 0) return { passed: false, detail: `no migration ${check.migration} ran` };
  let measured = 0;
  let worst = '';
  for (const record of selected) {
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

/** `migration-outcome`: the migration ended the way the scenario expects. */
function migrationOutcome(check: MigrationOutcomeCheck, records: readonly MigrationRecord[]): Verdict {
  const record = records.find((candidate) => candidate.id === check.migration);
  if (record === undefined) return { passed: false, detail: `migration ${check.migration} never ran` };
  const last = record.attempts[record.attempts.length - 1];
  const why = last?.info['error-desc'] === undefined ? '' : ` (${last.info['error-desc']})`;
  return {
    passed: record.outcome === check.outcome,
    detail: `${check.migration}: ${record.outcome} after ${record.attempts.length} attempt(s)${why}, expected ${check.outcome}`,
  };
}

/** `host-drained`: no VM lives on the host any more by `by` (or the horizon). */
function hostDrained(check: HostDrainedCheck, facts: RunFacts): Verdict {
  const atNs = check.byNs ?? facts.horizonNs;
  const left = vmsOnHostAt(facts, check.host, atNs);
  const when = check.byNs === null ? 'at the horizon' : `at ${check.byNs / 1e9} s`;
  if (left.length === 0) return { passed: true, detail: `${check.host} holds no VM ${when}` };
  return { passed: false, detail: `${check.host} still holds ${left.length} VM(s) ${when}: ${left.slice(0, 5).join(', ')}${left.length > 5 ? ', ...' : ''}` };
}
