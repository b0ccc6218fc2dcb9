/**
 * Where a migration is. `round` N is the pass after the N-th dirty bitmap
 * sync (QEMU's `dirty-sync-count`, the MIGRATION_PASS event): round 1 sends
 * the all-ones bitmap of setup.
 */
export type MigrationPhaseName =
  | 'setup'
  | 'round'
  | 'stop-and-copy'
  | 'postcopy'
  | 'postcopy-paused'
  | 'completed'
  | 'failed'
  | 'cancelled';

export interface MigrationPhase {
  name: MigrationPhaseName;
  /** Round number while `name` is `round`, else null. */
  round: number | null;
}
