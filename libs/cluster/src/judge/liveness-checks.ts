import type { CheckResult } from '@migsim/report';
import type { MigrationsEndCheck, VmsRecoverCheck } from '@migsim/scenario';
import { NS_PER_MS } from '../constants';
import type { MigrationRecord } from '../controller/migration-record';
import { staysOf, type RunFacts } from './run-facts';

type Verdict = Omit<CheckResult, 'name' | 'kind'>;

/**
 * `migrations-end`: every migration the controller was asked for ended —
 * completed, failed, cancelled or aborted — by `by` (or the horizon): none
 * is still queued, waiting behind another of its VM, or running.
 */
export function migrationsEnd(check: MigrationsEndCheck, facts: RunFacts, records: readonly MigrationRecord[]): Verdict {
  const byNs = check.byNs ?? facts.horizonNs;
  const when = check.byNs === null ? 'at the horizon' : `at ${check.byNs / 1e9} s`;
  const open: string[] = [];
  for (const record of records) {
    const last = record.attempts.at(-1);
    const waiting = record.queued || record.outcome === 'unfinished';
    if (!waiting && last !== undefined && last.endMs !== null && last.endMs * NS_PER_MS <= byNs) continue;
    const state =
      last !== undefined && last.endMs === null ? `running, attempt ${last.attempt}` : record.queued && last !== undefined ? 'waiting to retry' : waiting ? 'queued' : `ended at ${last!.endMs! / 1000} s`;
    open.push(`${record.id} (${state})`);
  }
  if (open.length === 0) return { passed: true, detail: `all ${records.length} migration(s) ended ${when}` };
  return {
    passed: false,
    detail: `${open.length} of ${records.length} migration(s) had not ended ${when}: ${open.slice(0, 5).join(', ')}${open.length > 5 ? ', ...' : ''}`,
    firstViolationMs: byNs / NS_PER_MS,
  };
}

/**
 * `vms-recover`: each time a failed, aborted or cancelled migration switched
 * dirty logging off, the VM got back to `to` of its baseline within `within`.
 * A recovery whose measurement ended sooner (the horizon, or a retry turning
 * logging on again) cannot be judged and is not held against the run.
 */
export function vmsRecover(check: VmsRecoverCheck, facts: RunFacts, records: readonly MigrationRecord[]): Verdict {
  const migrations = new Set(records.map((record) => record.id));
  const pct = `${Math.round(check.toFraction * 1000) / 10} %`;
  let judged = 0;
  let cutShort = 0;
  for (const vm of facts.variant.vms) {
    for (const stay of staysOf(facts, vm.name)) {
      for (const recovery of stay.recoveryLevels) {
        if (!migrations.has(recovery.cause)) continue; // a dirty-rate probe, not a migration
        const timeNs = recovery.timeTo.find(([fraction]) => fraction === check.toFraction)?.[1] ?? null;
        if (timeNs !== null && timeNs <= check.withinNs) {
          judged += 1;
          continue;
        }
        if (timeNs === null && recovery.measuredUntilNs - recovery.startNs < check.withinNs) {
          cutShort += 1;
          continue;
        }
        const what = timeNs === null ? `was not back to ${pct} of baseline ${(recovery.measuredUntilNs - recovery.startNs) / 1e9} s later` : `took ${timeNs / 1e9} s to get back to ${pct}`;
        return {
          passed: false,
          detail: `VM ${vm.name} (${recovery.strategy}, after ${recovery.cause}) ${what}, bound ${check.withinNs / 1e9} s`,
          firstViolationMs: (recovery.startNs + check.withinNs) / NS_PER_MS,
        };
      }
    }
  }
  const note = cutShort === 0 ? '' : `; ${cutShort} cut short by the horizon or a retry`;
  return { passed: true, detail: `${judged} recovery(ies) back to ${pct} within ${check.withinNs / 1e9} s${note}` };
}
