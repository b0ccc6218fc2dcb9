import { migrationTotals, type MigrationOutcome, type VariantReport } from '@migsim/report';
import type { RunKey } from '../input/sweep-plan';

/** What a run of a sweep leaves for the summary: small, plain data (it crosses threads and queues). */
export interface RunResult extends RunKey {
  /** The run did not finish: the engine threw (a bug the chaos found, or a scenario it cannot run). */
  error: RunError | null;
  /** Faults its chaos section drew. */
  drawnFaults: number;
  migrations: MigrationRow[];
  /** Every check of the run, in the report's order; `detail` only for failed ones. */
  checks: CheckRow[];
  /** When the last migration ended (ms of simulated time), or null when one had not ended at the horizon. */
  drainMs: number | null;
  /** Lost work of every recovery the run's migrations caused. */
  lostWorkVcpuSeconds: number;
}

export interface RunError {
  /** The error's stable code (`WORLD_LOOKAHEAD`, `WORLD_STALLED`, `ENGINE_INVALID_OPTION`, ...), else its class name. */
  code: string;
  message: string;
}

export type CheckCategory = 'safety' | 'liveness' | 'error' | 'other';

export interface CheckRow {
  name: string;
  kind: string;
  category: CheckCategory;
  passed: boolean;
  detail?: string;
}

/** One migration of one run: what runs.csv holds. */
export interface MigrationRow {
  id: string;
  vm: string;
  source: string;
  destination: string;
  outcome: MigrationOutcome;
  attempts: number;
  /** `total-time` summed over attempts (ms). */
  totalTimeMs: number;
  /** The completed attempt's `downtime` (ms), null otherwise. */
  downtimeMs: number | null;
  transferredBytes: number;
  /** Recoveries its failed, aborted or cancelled attempts caused, and their lost work. */
  recoveries: number;
  lostWorkVcpuSeconds: number;
  /** The slowest of those recoveries back to 95 % (ms), null when none was, or when none happened. */
  timeTo95Ms: number | null;
  /** Whether every one of those recoveries got back to 95 % by the horizon; null without recoveries. */
  recovered95: boolean | null;
  /** The VM was lost (post-copy failed without recovery). */
  vmLost: boolean;
}

/** The safety invariants every run is judged on (libs/cluster's judge). */
export const SAFETY_CHECKS: readonly string[] = ['vm-never-lost', 'memory-equal-at-switchover', 'dirty-logging-off-after-failure', 'admission-caps'];
/** The liveness checks a chaos scenario writes. */
export const LIVENESS_CHECKS: readonly string[] = ['migrations-end', 'vms-recover'];
/** The check a run that threw fails. */
export const ENGINE_ERROR_CHECK = 'engine-error';

export function categoryOf(kind: string): CheckCategory {
  if (SAFETY_CHECKS.includes(kind)) return 'safety';
  if (LIVENESS_CHECKS.includes(kind)) return 'liveness';
  if (kind === ENGINE_ERROR_CHECK) return 'error';
  return 'other';
}

/** A finished run's row of the sweep. */
export function summarizeRun(key: RunKey, variant: VariantReport): RunResult {
  const lost = new Set(variant.events.filter((event) => event.kind === 'vm-lost').map((event) => event.subject));
  const migrations = variant.migrations.map((migration): MigrationRow => {
    const totals = migrationTotals(migration);
    const vm = variant.vms.find((candidate) => candidate.name === migration.vm);
    const recoveries = (vm?.recoveries ?? []).filter((recovery) => recovery.trigger !== 'probe-ended' && recovery.cause === migration.id);
    const times = recoveries.map((recovery) => recovery.timeTo95PctMs);
    return {
      id: migration.id,
      vm: migration.vm,
      source: migration.source,
      destination: migration.destination,
      outcome: migration.outcome,
      attempts: totals.attemptCount,
      totalTimeMs: totals.totalTimeMs,
      downtimeMs: migration.outcome === 'completed' ? totals.downtimeMs : null,
      transferredBytes: totals.transferredBytes,
      recoveries: recoveries.length,
      lostWorkVcpuSeconds: recoveries.reduce((sum, recovery) => sum + recovery.lostWorkVcpuSeconds, 0),
      timeTo95Ms: times.length === 0 || times.includes(null) ? null : Math.max(...(times as number[])),
      recovered95: times.length === 0 ? null : !times.includes(null),
      vmLost: lost.has(migration.vm),
    };
  });
  const ends = variant.migrations.map((migration) => (migration.outcome === 'unfinished' ? null : (migration.attempts.at(-1)?.endMs ?? null)));
  return {
    cell: key.cell,
    seed: key.seed,
    variant: key.variant,
    error: null,
    drawnFaults: variant.drawnFaults?.length ?? 0,
    migrations,
    checks: variant.checks.map((check) => ({
      name: check.name,
      kind: check.kind,
      category: categoryOf(check.kind),
      passed: check.passed,
      ...(check.passed ? {} : { detail: check.detail }),
    })),
    drainMs: ends.includes(null) ? null : ends.reduce<number>((max, end) => Math.max(max, end ?? 0), 0),
    lostWorkVcpuSeconds: migrations.reduce((sum, row) => sum + row.lostWorkVcpuSeconds, 0),
  };
}

/** The row of a run the engine could not finish: it fails `engine-error`. */
export function erroredRun(key: RunKey, error: unknown): RunResult {
  const code = typeof (error as { code?: unknown })?.code === 'string' ? (error as { code: string }).code : error instanceof Error ? error.name : 'ERROR';
  const message = error instanceof Error ? error.message : String(error);
  return {
    cell: key.cell,
    seed: key.seed,
    variant: key.variant,
    error: { code, message },
    drawnFaults: 0,
    migrations: [],
    checks: [{ name: `${ENGINE_ERROR_CHECK}: ${code}`, kind: ENGINE_ERROR_CHECK, category: 'error', passed: false, detail: message }],
    drainMs: null,
    lostWorkVcpuSeconds: 0,
  };
}

/** The checks a run failed. */
export function failedChecks(result: RunResult): CheckRow[] {
  return result.checks.filter((check) => !check.passed);
}
