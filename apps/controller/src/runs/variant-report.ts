import type { CheckResult, VariantReport } from '@migsim/report';
import type { CheckSpec, ScenarioVariant } from '@migsim/scenario';
import type { VariantState } from './run-record';

/**
 * One variant's part of the report, in libs/report's model (the same schema
 * the in-process engine writes). Invariants are judged on what the hosts
 * reported (per event, not per step as the engine does); scenario checks as
 * the engine judges them at the horizon.
 */
export function variantReport(variant: ScenarioVariant, state: VariantState): VariantReport {
  const vms = variant.vms.map((vm) => state.vmReports[vm.name]?.report ?? { name: vm.name, host: vm.host, memoryBytes: vm.memoryBytes, vcpus: vm.vcpus, timeline: [], recoveries: [] });
  return {
    name: variant.name,
    description: variant.description === '' ? null : variant.description,
    hosts: variant.hosts.map((host) => ({
      name: host.name,
      kernel: { preset: host.kernel.preset, mmu: host.kernel.mmu, pml: host.kernel.pml, eagerSplit: host.kernel.eagerSplit, recovery: host.kernel.recovery },
    })),
    migrations: state.migrations.map((migration) => ({
      id: migration.id,
      vm: migration.vm,
      source: migration.source,
      destination: migration.destination,
      algorithm: migration.algorithm,
      outcome: migration.outcome,
      attempts: migration.attempts,
    })),
    vms,
    events: [...state.events].sort((a, b) => a.tMs - b.tMs),
    checks: [...invariantChecks(variant, state), ...variant.checks.filter((check) => appliesTo(check, variant.name)).map((check) => judge(check, state))],
  };
}

function appliesTo(check: CheckSpec, variant: string): boolean {
  return check.variants === null || check.variants.includes(variant);
}

function invariantChecks(variant: ScenarioVariant, state: VariantState): CheckResult[] {
  const lost = variant.vms.filter((vm) => state.vmReports[vm.name]?.lost === true || state.migrations.some((m) => m.vm === vm.name && m.vmLost));
  const completed = state.migrations.filter((migration) => migration.outcome === 'completed');
  const mismatched = completed.filter((migration) => migration.verification?.verified === false);
  const failedWithLogging = state.migrations.filter((migration) => migration.dirtyLoggingOffAfterFailure === false);
  return [
    {
      name: 'vm-never-lost',
      kind: 'vm-never-lost',
      passed: lost.length === 0,
      detail: lost.length === 0 ? `every one of ${variant.vms.length} VM(s) ran on exactly one host at the horizon` : `lost: ${lost.map((vm) => vm.name).join(', ')}`,
    },
    {
      name: 'memory-equal-at-switchover',
      kind: 'memory-equal-at-switchover',
      passed: mismatched.length === 0,
      detail:
        mismatched.length === 0
          ? `${completed.length} switchover(s), destination memory verified against the source's digest`
          : `memory differed at switchover of ${mismatched.map((migration) => migration.id).join(', ')}`,
    },
    {
      name: 'dirty-logging-off-after-failure',
      kind: 'dirty-logging-off-after-failure',
      passed: failedWithLogging.length === 0,
      detail: failedWithLogging.length === 0 ? 'the source switched dirty logging off after every failed or cancelled attempt' : `logging left on after ${failedWithLogging.map((m) => m.id).join(', ')}`,
    },
    {
      name: 'admission-caps',
      kind: 'admission-caps',
      passed: true,
      detail: 'every attempt was admitted by libs/orchestration AdmissionController before its start command was sent',
    },
  ];
}

function judge(check: CheckSpec, state: VariantState): CheckResult {
  const base = { name: check.name, kind: check.kind };
  switch (check.kind) {
    case 'migration-outcome': {
      const migration = state.migrations.find((candidate) => candidate.id === check.migration);
      if (migration === undefined) return { ...base, passed: false, detail: `no migration ${check.migration}` };
      const lastReason = [...state.events].reverse().find((event) => event.subject === migration.id && event.kind === `migration-${migration.outcome}`)?.detail ?? '';
      return {
        ...base,
        passed: migration.outcome === check.outcome,
        detail: `${migration.id}: ${migration.outcome} after ${migration.attempts.length} attempt(s) (${lastReason}), expected ${check.outcome}`,
      };
    }
    case 'recovers': {
      const result = state.vmReports[check.vm];
      const pct = `${Math.round(check.toFraction * 1000) / 10} %`;
      if (result === undefined || result.levels.length === 0) return { ...base, passed: false, detail: `VM ${check.vm}: no recovery to measure` };
      for (const level of result.levels) {
        const timeNs = level.timeToNs[String(check.toFraction)] ?? null;
        if (timeNs === null) return { ...base, passed: false, detail: `VM ${check.vm} (${level.strategy}, after ${level.cause}) never reached ${pct} of baseline within ${level.measuredNs / 1e9} s` };
        if (timeNs > check.withinNs) return { ...base, passed: false, detail: `VM ${check.vm} (${level.strategy}) reached ${pct} after ${timeNs / 1e9} s, budget ${check.withinNs / 1e9} s` };
      }
      const times = result.levels.map((level) => `${(level.timeToNs[String(check.toFraction)] ?? 0) / 1e9} s`).join(', ');
      return { ...base, passed: true, detail: `VM ${check.vm} reached ${pct} of baseline after ${times} (budget ${check.withinNs / 1e9} s)` };
    }
    case 'downtime-within-budget': {
      const over = state.migrations
        .filter((migration) => check.migration === null || migration.id === check.migration)
        .filter((migration) => migration.outcome === 'completed')
        .filter((migration) => {
          const downtimeMs = (migration.lastInfo as { downtime?: number } | null)?.downtime ?? 0;
          const budgetMs = check.budgetNs === null ? Infinity : check.budgetNs / 1e6;
          return downtimeMs > budgetMs;
        });
      return { ...base, passed: over.length === 0, detail: over.length === 0 ? 'every completed migration stayed within its downtime budget' : `over budget: ${over.map((m) => m.id).join(', ')}` };
    }
    case 'host-drained': {
      const remaining = Object.values(state.vmReports).filter((result) => result.report.host === check.host);
      return { ...base, passed: remaining.length === 0, detail: remaining.length === 0 ? `${check.host} holds no VM at the horizon` : `${check.host} still holds ${remaining.map((r) => r.report.name).join(', ')}` };
    }
  }
}
