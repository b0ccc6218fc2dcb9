import type { MigrationParams } from '@migsim/scenario';
import type { MigrationAttempt as AttemptReport, MigrationOutcome } from '@migsim/report';

/**
 * Everything the controller knows about one requested migration (an explicit
 * one, or one a plan generated), across its attempts.
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
  attempts: AttemptReport[];
  consecutiveFailures: number;
  /** True while queued (waiting for admission or a retry backoff). */
  queued: boolean;
  /** Id of the running attempt. */
  runningAttempt: string | undefined;
}

export function newMigrationRecord(fields: Pick<MigrationRecord, 'id' | 'vmName' | 'destinationHost' | 'params' | 'candidates' | 'priority'>): MigrationRecord {
  return {
    ...fields,
    sourceHost: undefined,
    outcome: 'unfinished',
    attempts: [],
    consecutiveFailures: 0,
    queued: false,
    runningAttempt: undefined,
  };
}
