import type { QueryMigrateInfo } from '@migsim/migration';
import type { NetworkUsage, StudySummary } from './study-model';

/**
 * The report of one migsim run: plain data, identical in shape whichever
 * driver produced it (the in-process engine or the distributed services).
 *
 * Units are last in every name: `...Ms` milliseconds of simulated time since
 * the start of the run, `...Bytes` bytes, `...Fraction` a number in [0, 1].
 * Values that are not known are `null`, never absent, so that every report of
 * one schema version has the same keys (optional `?` fields are the few
 * documented exceptions).
 */
export const REPORT_SCHEMA_VERSION = 1;

export type ReportEngine = 'in-process' | 'services';
export const REPORT_ENGINES: readonly ReportEngine[] = ['in-process', 'services'];

/** What disabling dirty logging does on the source host (libs/mmu `RecoveryStrategy`). */
export type RecoveryStrategyName = 'none' | 'zap-rmap' | 'zap-max-level' | 'zap-tdp' | 'recover-in-place';
export const RECOVERY_STRATEGY_NAMES: readonly RecoveryStrategyName[] = [
  'none',
  'zap-rmap',
  'zap-max-level',
  'zap-tdp',
  'recover-in-place',
];

/**
 * How a migration ended. `aborted` is the orchestrator giving up (timeout,
 * no progress); `cancelled` is an explicit cancel; `unfinished` means the
 * horizon was reached while it was still queued or running.
 */
export type MigrationOutcome = 'completed' | 'failed' | 'cancelled' | 'aborted' | 'unfinished';
export const MIGRATION_OUTCOMES: readonly MigrationOutcome[] = ['completed', 'failed', 'cancelled', 'aborted', 'unfinished'];

export type PhaseKind = 'setup' | 'round' | 'stop-and-copy' | 'postcopy';
export const PHASE_KINDS: readonly PhaseKind[] = ['setup', 'round', 'stop-and-copy', 'postcopy'];

export interface Report {
  schemaVersion: typeof REPORT_SCHEMA_VERSION;
  /** Which migsim wrote it: a package version, never a wall-clock time, so reruns are byte-identical. */
  generatedBy: { tool: 'migsim'; version: string };
  scenario: ScenarioRef;
  seed: number;
  engine: ReportEngine;
  /** Simulated time the run covers. */
  horizonMs: number;
  variants: VariantReport[];
  summary: ReportSummary;
  /**
   * How the services ran it (absent from the engine's reports): wall time,
   * windows of virtual time, processes. Everything else in a services report
   * equals the engine's report of the same scenario and seed, byte for byte.
   */
  execution?: RunExecution;
}

export interface RunExecution {
  driver: 'services';
  /** Wall time from the run's start to its report. */
  wallMs: number;
  /** Windows of virtual time the coordinator opened, and per simulated second. */
  windows: number;
  windowsPerSimulatedSecond: number;
  /** Virtual-time pacing (x real time), or null when the run went as fast as the processes could. */
  speed: number | null;
  /** Host shards and how many hosts each served. */
  shards: { id: string; hosts: number }[];
}

export interface ScenarioRef {
  name: string;
  description: string | null;
  /** The scenario file as the user named it, or null when built in memory. */
  file: string | null;
}

/** One run of the scenario with a set of overrides (e.g. one recovery strategy). */
export interface VariantReport {
  name: string;
  description: string | null;
  hosts: HostReport[];
  migrations: MigrationReport[];
  vms: VmReport[];
  events: ReportEvent[];
  checks: CheckResult[];
  /**
   * The faults the scenario's chaos section drew from the run's seed, as
   * plain entries of a scenario file's `faults:` list (`{ kind, host, at,
   * duration, ... }`, durations and rates as text). Absent when the scenario
   * has no chaos section. Every variant of a seed draws the same schedule.
   */
  drawnFaults?: DrawnFaultEntry[];
  /** How loaded each tier of links was over time (absent when no migration ran). */
  network?: NetworkUsage;
  /**
   * The faults operators injected while the run went over the services
   * (`POST /runs/:id/faults`, the live page), as `faults:` entries with the
   * `at` each took effect. Absent when there were none. Listed after the
   * file's own faults (and before any chaos section), they replay the run.
   */
  injectedFaults?: DrawnFaultEntry[];
}

/** One fault as a scenario file writes it; pasted under `faults:`, it runs as drawn. */
export type DrawnFaultEntry = { [key: string]: string | number | boolean | DrawnFaultEntry };

export interface HostReport {
  name: string;
  kernel: KernelSummary;
  /** The host's rack (`network.racks`); absent outside every rack. */
  rack?: string;
}

/** The parts of a libs/mmu `KernelProfile` that explain a recovery. */
export interface KernelSummary {
  /** Preset name such as `linux-6.13`, or null for a custom profile. */
  preset: string | null;
  mmu: 'tdp' | 'shadow';
  pml: boolean;
  eagerSplit: boolean;
  recovery: RecoveryStrategyName;
}

export interface MigrationReport {
  id: string;
  vm: string;
  source: string;
  destination: string;
  /** e.g. `qemu-precopy`, `qemu-postcopy`, `xen`. */
  algorithm: string;
  outcome: MigrationOutcome;
  attempts: MigrationAttempt[];
  /** When the controller queued it (an explicit migration's `at`, a plan's placement); absent in older reports. */
  requestedMs?: number;
}

export interface MigrationAttempt {
  /** 1 for the first try, 2 for the first retry, ... */
  attempt: number;
  startMs: number;
  /** null while it was still running at the horizon. */
  endMs: number | null;
  outcome: MigrationOutcome;
  /**
   * Why the attempt did not complete, as a user should read it: the
   * watchdog's or the operator's message for `aborted` and `cancelled`, the
   * failure (QEMU's `error-desc` or the fault) for `failed`. Absent for a
   * completed attempt, one still running, and in reports written before the
   * field existed; readers then fall back to `info['error-desc']`.
   */
  reason?: string;
  phases: PhaseInterval[];
  /** The last `query-migrate` reply of this attempt (QEMU names and units). */
  info: QueryMigrateInfo;
  /**
   * Guest work the VM lost on the source while the attempt ran: the
   * integral of (1 - relative throughput) x vCPUs (dirty-logging faults,
   * throttle, mmu_lock stalls, the stop-and-copy pause). Absent for an
   * attempt that never reached its source, and in older reports.
   */
  lostWorkVcpuSeconds?: number;
}

export interface PhaseInterval {
  phase: PhaseKind;
  /** Pre-copy iteration number (1-based) for `round`, null otherwise. */
  round: number | null;
  startMs: number;
  endMs: number;
}

export interface VmReport {
  name: string;
  /** Where the VM runs at the end of the run. */
  host: string;
  memoryBytes: number;
  vcpus: number;
  timeline: TimelinePoint[];
  /** One entry per time dirty logging was switched off after a failure, cancel or probe. */
  recoveries: RecoveryReport[];
}

/**
 * One sample of a VM's performance, summarising the interval since the
 * previous point (points come in time order, at uneven intervals: a producer
 * samples finely around faults, phase changes and recoveries, coarsely
 * elsewhere). Fractions are of the VM's mapped memory.
 */
export interface TimelinePoint {
  /** The end of the interval this point summarises (the start is the previous point's `tMs`). */
  tMs: number;
  /** Mean work per second over the interval, relative to the same VM never migrated (1 = baseline). */
  relativeThroughput: number;
  /** Memory mapped by 2 MiB or 1 GiB SPTEs at `tMs`. */
  hugeFraction: number;
  /** Memory mapped by 4 KiB SPTEs at `tMs`. */
  fraction4k: number;
  /** Whether dirty logging was on for any memslot of the VM at `tMs`. */
  dirtyLogging: boolean;
}

export interface RecoveryReport {
  strategy: RecoveryStrategyName;
  /** What turned dirty logging off. */
  trigger: 'migration-failed' | 'migration-cancelled' | 'migration-aborted' | 'probe-ended';
  /** The migration id for a migration trigger, the probe name otherwise. */
  cause: string;
  /** When dirty logging was switched off. */
  startMs: number;
  /**
   * Time from `startMs` until throughput reached 90/95/99 % of baseline and
   * stayed there (the end of the last guest step below the level; 0 = never
   * below it after `startMs`); null = below it at the horizon.
   */
  timeTo90PctMs: number | null;
  timeTo95PctMs: number | null;
  timeTo99PctMs: number | null;
  /**
   * The lowest relative throughput of the guest steps measured from
   * `startMs` on (the same steps that decide `timeTo…PctMs`): the depth of
   * the dip. At or above 0.9, the VM never fell below 90 % after dirty
   * logging was switched off. Absent in reports written before the field
   * existed.
   */
  minRelativeThroughput?: number;
  /** Integral of (1 - relativeThroughput) x vCPUs from `startMs` to the horizon. */
  lostWorkVcpuSeconds: number;
  /** Guest page faults taken to rebuild mappings the recovery dropped. */
  refaults: number;
  /** Huge coverage and throughput at the horizon. */
  finalHugeFraction: number;
  finalRelativeThroughput: number;
  disable: DisableCost;
}

/** The cost of the disable-dirty-logging operation itself (libs/mmu `OperationReport`). */
export interface DisableCost {
  simulatedMs: number;
  tlbFlushes: number;
  sptesZapped: number;
  rmapEntriesScanned: number;
  lockYields: number;
  lockHoldMaxMs: number;
  /** Huge SPTEs installed in place (recover-in-place), 0 for the zapping strategies. */
  hugeInstalled: number;
}

/** Well-known event kinds; producers may add others (a reader must accept any non-empty kind). */
export type KnownEventKind =
  | 'migration-queued'
  | 'migration-started'
  | 'phase'
  | 'fault'
  | 'migration-completed'
  | 'migration-failed'
  | 'migration-cancelled'
  | 'migration-aborted'
  | 'retry-scheduled'
  | 'dirty-logging-enabled'
  | 'dirty-logging-disabled'
  | 'recovery-started'
  | 'probe-started'
  | 'probe-ended'
  | 'check-failed';
export type ReportEventKind = KnownEventKind | (string & {});

export interface ReportEvent {
  tMs: number;
  kind: ReportEventKind;
  /** What it happened to: a migration id, VM, host or check name. */
  subject: string;
  detail: string;
}

export interface CheckResult {
  name: string;
  /** Checker kind, e.g. `vm-never-lost`, `recovers`, `downtime-within-budget`. */
  kind: string;
  passed: boolean;
  detail: string;
  /** When the check first failed, for checks that fail at a point in time. */
  firstViolationMs?: number;
}

export interface ReportSummary {
  variants: VariantSummary[];
  checks: { passed: number; failed: number };
}

export interface VariantSummary {
  variant: string;
  outcomes: Record<MigrationOutcome, number>;
  checks: { passed: number; failed: number };
  recoveries: VmRecoverySummary[];
  /** Makespan, outcomes and percentiles of the variant's migrations (absent without migrations). */
  study?: StudySummary;
}

export interface VmRecoverySummary {
  vm: string;
  strategy: RecoveryStrategyName;
  startMs: number;
  timeTo95PctMs: number | null;
  lostWorkVcpuSeconds: number;
  refaults: number;
  finalHugeFraction: number;
}
