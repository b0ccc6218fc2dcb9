import type { CheckResult, VariantReport } from '@migsim/report';
import type { CheckerOutcome } from '../checkers/checker';
import { judgeScenarioChecks } from '../checks/judge-checks';
import { NS_PER_MS } from './constants';
import type { VariantRun } from './variant-run';

/** The variant's part of the report, in libs/report's model. */
export function assembleVariantReport(run: VariantRun, invariants: readonly CheckerOutcome[]): VariantReport {
  const invariantResults: CheckResult[] = invariants.map((outcome) => ({
    name: outcome.kind,
    kind: outcome.kind,
    passed: outcome.firstViolation === undefined,
    detail:
      outcome.firstViolation === undefined
        ? `held after each of ${outcome.stepsChecked} steps`
        : `${outcome.violations} violating step(s) of ${outcome.stepsChecked}; first: ${outcome.firstViolation}`,
    ...(outcome.firstViolationNs === undefined ? {} : { firstViolationMs: outcome.firstViolationNs / NS_PER_MS }),
  }));
  return {
    name: run.variant.name,
    description: run.variant.description === '' ? null : run.variant.description,
    hosts: run.variant.hosts.map((host) => ({
      name: host.name,
      kernel: { preset: host.kernel.preset, mmu: host.kernel.mmu, pml: host.kernel.pml, eagerSplit: host.kernel.eagerSplit, recovery: host.kernel.recovery },
    })),
    migrations: [...run.records.values()].map((record) => ({
      id: record.id,
      vm: record.vmName,
      source: record.sourceHost ?? run.vms.get(record.vmName)!.spec.host,
      destination: record.destinationHost,
      algorithm: record.params.algorithm,
      outcome: record.outcome,
      attempts: record.attempts,
    })),
    vms: [...run.vms.values()].map((vm) => ({
      name: vm.name,
      host: vm.home ?? vm.lastHome,
      memoryBytes: vm.spec.memoryBytes,
      vcpus: vm.spec.vcpus,
      timeline: vm.timeline,
      recoveries: vm.recoveries,
    })),
    events: run.events,
    checks: [...invariantResults, ...judgeScenarioChecks(run)],
  };
}
