import type { QueryMigrateInfo, SwitchoverVerification } from '@migsim/migration';
import type { MigrationAttempt, MigrationOutcome, ReportEvent, VmReport } from '@migsim/report';

/**
 * Everything the controller knows about a run, as plain JSON persisted in
 * Redis after every change, so a restarted controller resumes it (the
 * scenario is re-validated from its text; time comes from `epochMs` and
 * `speed`, which every process uses: `simTime = (wall - epoch) * speed`).
 */
export interface RunRecord {
  id: string;
  status: 'running' | 'completed' | 'failed';
  scenarioText: string;
  fileName: string;
  seed: number;
  epochMs: number;
  speed: number;
  createdAtMs: number;
  finishedAtMs: number | null;
  error: string | null;
  variants: VariantState[];
}

export interface VariantState {
  name: string;
  vmsCreated: boolean;
  finishSentAtMs: number | null;
  done: boolean;
  migrations: MigrationState[];
  /** Scenario fault indexes already fired. */
  faultsFired: number[];
  /** When each fired fault fired (simulated ns, by index): a resumed controller replays the link faults. */
  faultTimesNs?: Record<number, number>;
  /** Plans and probes already started (their ids; `<plan>#probes` and `<plan>#started` for a plan's steps). */
  plansStarted?: string[];
  /** The probes each drain plan sent (probe ids `<plan>/probe/<vm>`), and every probe's measured dirty rate (bytes/s) once it ended. */
  planProbes?: Record<string, string[]>;
  probeRates?: Record<string, number>;
  /** Phase-triggered faults waiting for their delay: fire at `atNs`. */
  faultsDue: { index: number; atNs: number }[];
  /** Hosts a scenario fault crashed (simulated), with when they come back (null: never). */
  downHosts: { host: string; untilNs: number | null }[];
  vmReports: Record<string, VmResult>;
  events: ReportEvent[];
}

export interface VmResult {
  report: VmReport;
  levels: { strategy: string; cause: string; measuredNs: number; timeToNs: Record<string, number | null> }[];
  dirtyLogging: boolean;
  lost: boolean;
}

export type MigrationStatus = 'pending' | 'running' | 'retry-wait' | 'done';

export interface MigrationState {
  id: string;
  vm: string;
  source: string;
  destination: string;
  algorithm: string;
  status: MigrationStatus;
  outcome: MigrationOutcome;
  /** Current (or last) attempt, 1-based; 0 before the first. */
  attempt: number;
  /** When the next attempt may start (scenario `at`, then retry backoff). */
  nextStartNs: number;
  attemptStartNs: number | null;
  /** Wall time the current attempt's start command went out (for the in-flight guard). */
  attempts: MigrationAttempt[];
  lastInfo: QueryMigrateInfo | null;
  lastPhase: { phase: string; round: number | null } | null;
  verification: SwitchoverVerification | null;
  /** After a failed/cancelled attempt: whether the source reported dirty logging off. */
  dirtyLoggingOffAfterFailure: boolean | null;
  vmLost: boolean;
  /** `migration.link` commands sent to the current attempt's source (their job-id sequence numbers). */
  linkUpdates?: number;
  /** Why the controller ended it (timeout, host down), if it did. */
  abortReason: string | null;
}
