import type { MigrationAttempt, MigrationOutcome } from '@migsim/report';
import type { MigrationParams } from '@migsim/scenario';

/** The attempt the controller started and has not heard the end of. */
export interface RunningAttempt {
  attempt: number;
  attemptId: string;
  source: string;
  destination: string;
  admittedNs: number;
}

/**
 * Everything the controller knows about one requested migration (an
 * explicit one, or one a plan generated), across its attempts. Attempts are
 * filed as their sources report them (`migration.ended`).
 */
export interface MigrationRecord {
  id: string;
  vmName: string;
  /** Host the VM left from (set when the first attempt starts). */
  sourceHost: string | undefined;
  /** Current destination (re-picked when a retry finds it down). */
  destinationHost: string;
  params: MigrationParams;
  /** Hosts a re-pick may choose from (a plan's candidates), or undefined for an explicit destination. */
  candidates: readonly string[] | undefined;
  /** Queue priority: lower first. */
  priority: number;
  outcome: MigrationOutcome;
  attempts: MigrationAttempt[];
  consecutiveFailures: number;
  /** True while queued (waiting for admission or a retry backoff). */
  queued: boolean;
  running: RunningAttempt | undefined;
  /** Attempts started so far (the next one is number `started + 1`). */
  started: number;
  /** When the controller queued it. */
  requestedNs: number;
}

export function newMigrationRecord(fields: Pick<MigrationRecord, 'id' | 'vmName' | 'destinationHost' | 'params' | 'candidates' | 'priority'>, requestedNs = 0): MigrationRecord {
  return {
    ...fields,
    requestedNs,
    sourceHost: undefined,
    outcome: 'unfinished',
    attempts: [],
    consecutiveFailures: 0,
    queued: false,
    running: undefined,
    started: 0,
  };
}
