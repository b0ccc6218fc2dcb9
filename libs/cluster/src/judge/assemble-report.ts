import type { DrawnFaultEntry, MigrationAttempt, MigrationReport, ReportEvent, VariantReport } from '@migsim/report';
import { NS_PER_MS } from '../constants';
import { notStartedInfo } from '../empty-info';
import type { MigrationRecord } from '../controller/migration-record';
import type { ActorEvent } from '../host/host-facts';
import { judgeInvariants } from './invariants';
import { judgeScenarioChecks } from './scenario-checks';
import { rackOfHosts, reportNetwork, reportVms } from './report-vms';
import type { RunFacts } from './run-facts';

/**
 * The variant's part of the report, from the run's facts alone: the
 * controller's migration records (with the attempts still running at the
 * horizon as their sources last saw them), each VM's timeline and
 * recoveries from every host it lived on, every actor's events merged in
 * (time, actor, sequence) order, and the checks. The engine and the
 * services both call this, which is why their reports are byte-identical.
 */
export function assembleVariantReport(facts: RunFacts): VariantReport {
  const variant = facts.variant;
  const records = facts.controller.records.map((record) => withUnfinished(record, facts));
  const homes = new Map(variant.vms.map((vm) => [vm.name, vm.host]));
  const racks = rackOfHosts(variant.network);
  const migrations = records.map((record): MigrationReport => ({
    id: record.id,
    vm: record.vmName,
    source: record.sourceHost ?? homes.get(record.vmName)!,
    destination: record.destinationHost,
    algorithm: record.params.algorithm,
    outcome: record.outcome,
    attempts: record.attempts,
    requestedMs: record.requestedNs / NS_PER_MS,
  }));
  return {
    name: variant.name,
    description: variant.description === '' ? null : variant.description,
    hosts: variant.hosts.map((host) => ({
      name: host.name,
      kernel: { preset: host.kernel.preset, mmu: host.kernel.mmu, pml: host.kernel.pml, eagerSplit: host.kernel.eagerSplit, recovery: host.kernel.recovery },
      ...(racks.has(host.name) ? { rack: racks.get(host.name)! } : {}),
    })),
    migrations,
    vms: reportVms(facts, migrations),
    events: mergeEvents(facts),
    checks: [...judgeInvariants(facts), ...judgeScenarioChecks(facts, records)],
    ...(variant.drawnFaults === undefined ? {} : { drawnFaults: variant.drawnFaults as DrawnFaultEntry[] }),
    ...reportNetwork(facts),
    ...(facts.controller.injectedFaults.length === 0 ? {} : { injectedFaults: facts.controller.injectedFaults as DrawnFaultEntry[] }),
  };
}

/** A record as of the horizon: an attempt still running gets its source's view of it (or, if its start was still on the way, an empty one). */
function withUnfinished(record: MigrationRecord, facts: RunFacts): MigrationRecord {
  const running = record.running;
  if (running === undefined) return record;
  let found: MigrationAttempt | undefined;
  for (const host of facts.hosts) {
    const entry = host.unfinished.find((candidate) => candidate.migration === record.id && candidate.attempt.attempt === running.attempt);
    if (entry !== undefined) found = entry.attempt;
  }
  const attempt: MigrationAttempt = found ?? {
    attempt: running.attempt,
    startMs: running.admittedNs / NS_PER_MS,
    endMs: null,
    outcome: 'unfinished',
    phases: [],
    info: notStartedInfo(),
  };
  return { ...record, outcome: 'unfinished', attempts: [...record.attempts, attempt] };
}

function mergeEvents(facts: RunFacts): ReportEvent[] {
  const ranked: { rank: number; event: ActorEvent }[] = [];
  for (const event of facts.controller.events) ranked.push({ rank: 0, event });
  facts.hosts.forEach((host, index) => {
    for (const event of host.events) ranked.push({ rank: index + 1, event });
  });
  ranked.sort((a, b) => a.event.tNs - b.event.tNs || a.rank - b.rank || a.event.seq - b.event.seq);
  return ranked.map(({ event }) => ({ tMs: event.tNs / NS_PER_MS, kind: event.kind, subject: event.subject, detail: event.detail }));
}
