import type { MigrationAttempt, MigrationReport } from './report-model';

/** One migration across all its attempts, as the text and HTML tables show it. */
export interface MigrationTotals {
  attemptCount: number;
  /** Sum of every attempt's `total-time`. */
  totalTimeMs: number;
  /** The last attempt's `downtime`: only a completed migration has one. */
  downtimeMs: number | null;
  /** The last attempt's `dirty-sync-count` (one per pre-copy round). */
  dirtySyncCount: number | null;
  /** Bytes on the wire summed over attempts (a retry sends memory again). */
  transferredBytes: number;
  /** Why the last attempt did not complete (`attemptReason`), if it did not. */
  errorDescription: string | null;
}

export function migrationTotals(migration: MigrationReport): MigrationTotals {
  const last = migration.attempts.at(-1);
  return {
    attemptCount: migration.attempts.length,
    totalTimeMs: migration.attempts.reduce((sum, attempt) => sum + attempt.info['total-time'], 0),
    downtimeMs: last?.info.downtime ?? null,
    dirtySyncCount: last ? last.info.ram['dirty-sync-count'] : null,
    transferredBytes: migration.attempts.reduce((sum, attempt) => sum + attempt.info.ram.transferred, 0),
    errorDescription: last ? attemptReason(last) : null,
  };
}

/** Why an attempt did not complete: its `reason`, else QEMU's `error-desc`; null when the report says neither. */
export function attemptReason(attempt: MigrationAttempt): string | null {
  return attempt.reason ?? attempt.info['error-desc'] ?? null;
}

/** `setup`, `round 3`, `stop-and-copy`, `postcopy`. */
export function phaseLabel(phase: { phase: string; round: number | null }): string {
  return phase.phase === 'round' && phase.round !== null ? `round ${phase.round}` : phase.phase;
}
