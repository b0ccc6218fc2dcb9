import type { QueryMigrateInfo } from '@migsim/migration';
import type { PhaseInterval } from '@migsim/report';
import type { Scenario, ScenarioVariant } from '@migsim/scenario';
import type { MigrationState, RunRecord } from './run-record';

const NS_PER_MS = 1e6;

const REPORT_PHASES = new Set(['setup', 'round', 'stop-and-copy', 'postcopy']);

/** Phase marks -> the report's intervals (each ends where the next begins, the last at the attempt's end). */
export function phaseIntervals(marks: readonly { phase: string; round: number | null; atNs: number }[], endNs: number): PhaseInterval[] {
  const kept = marks.filter((mark) => REPORT_PHASES.has(mark.phase));
  return kept.map((mark, index) => ({
    phase: mark.phase as PhaseInterval['phase'],
    round: mark.phase === 'round' ? mark.round : null,
    startMs: mark.atNs / NS_PER_MS,
    endMs: (kept[index + 1]?.atNs ?? endNs) / NS_PER_MS,
  }));
}

/** A placeholder `query-migrate` reply for an attempt that never reported one. */
export function emptyInfo(): QueryMigrateInfo {
  return { status: 'active' } as QueryMigrateInfo;
}

/** A migration before its first attempt: the scenario's own, or one a plan generated. */
export function pendingMigration(fields: Pick<MigrationState, 'id' | 'vm' | 'source' | 'destination' | 'algorithm' | 'nextStartNs'>): MigrationState {
  return {
    ...fields,
    status: 'pending',
    outcome: 'unfinished',
    attempt: 0,
    attemptStartNs: null,
    attempts: [],
    lastInfo: null,
    lastPhase: null,
    verification: null,
    dirtyLoggingOffAfterFailure: null,
    vmLost: false,
    abortReason: null,
  };
}

/** The initial state of every variant's migrations, from the scenario. */
export function initialMigrations(variant: ScenarioVariant): MigrationState[] {
  return variant.migrations.map((spec) =>
    pendingMigration({ id: spec.id, vm: spec.vm, source: variant.vms.find((vm) => vm.name === spec.vm)!.host, destination: spec.to, algorithm: spec.params.algorithm, nextStartNs: spec.atNs }),
  );
}

/** A migration as the HTTP API and the live page show it: its state and its last `query-migrate` reply. */
export function migrationView(migration: MigrationState) {
  return {
    id: migration.id,
    vm: migration.vm,
    source: migration.source,
    destination: migration.destination,
    status: migration.status,
    outcome: migration.outcome,
    attempt: migration.attempt,
    phase: migration.lastPhase,
    info: migration.lastInfo,
    verification: migration.verification,
  };
}

/** A new run of `scenario`, before anything happened: every variant's migrations pending, nothing fired. */
export function newRunRecord(fields: Pick<RunRecord, 'id' | 'scenarioText' | 'fileName' | 'epochMs' | 'speed' | 'createdAtMs'>, scenario: Scenario): RunRecord {
  return {
    ...fields,
    status: 'running',
    seed: scenario.seed,
    finishedAtMs: null,
    error: null,
    variants: scenario.variants.map((variant) => ({
      name: variant.name,
      vmsCreated: false,
      finishSentAtMs: null,
      done: false,
      migrations: initialMigrations(variant),
      faultsFired: [],
      faultsDue: [],
      downHosts: [],
      vmReports: {},
      events: [],
    })),
  };
}
