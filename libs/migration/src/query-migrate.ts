/**
 * The shape of QEMU's QMP `query-migrate` reply (qapi/migration.json,
 * `MigrationInfo` / `MigrationStats`), with the same field names and units:
 * times in milliseconds, sizes in bytes, `mbps` in megabits per second,
 * `dirty-pages-rate` in pages per second.
 */
export type MigrationStatus =
  | 'none'
  | 'setup'
  | 'active'
  | 'postcopy-active'
  /** Post-copy lost its channel (`postcopy_pause`): both sides wait for `migrate-recover`. */
  | 'postcopy-paused'
  /** Post-copy channel re-established, the source is re-sending what the destination lacks. */
  | 'postcopy-recover'
  | 'completed'
  | 'failed'
  | 'cancelled';

/** Every `MigrationStatus`, in QEMU's lifecycle order (for validators). */
export const MIGRATION_STATUSES: readonly MigrationStatus[] = [
  'none',
  'setup',
  'active',
  'postcopy-active',
  'postcopy-paused',
  'postcopy-recover',
  'completed',
  'failed',
  'cancelled',
];

export interface RamStats {
  /** Bytes sent on the wire so far (page payload + headers + device state). */
  transferred: number;
  /** Bytes of guest RAM still to be sent (dirty pages x page size). */
  remaining: number;
  /** Total guest RAM in bytes. */
  total: number;
  /** Pages found to be zero pages (sent as a 9-byte record each). */
  duplicate: number;
  /** Pages sent in full. */
  normal: number;
  /** Bytes of page payload sent in full pages (normal x page size). */
  'normal-bytes': number;
  /** Pages dirtied per second, as measured at the last bitmap sync. */
  'dirty-pages-rate': number;
  /** Measured throughput in megabits per second. */
  mbps: number;
  /** Number of dirty bitmap syncs so far. */
  'dirty-sync-count': number;
  'precopy-bytes': number;
  'downtime-bytes': number;
  'postcopy-bytes': number;
  /** Page requests served for post-copy remote faults. */
  'postcopy-requests'?: number;
  /** Target page size in bytes (4096). */
  'page-size'?: number;
}

export interface QueryMigrateInfo {
  status: MigrationStatus;
  /** ms since the migration started (final once it ends). */
  'total-time': number;
  /** ms the guest was paused (only once completed). */
  downtime?: number;
  /** ms the setup phase took. */
  'setup-time': number;
  /** ms the switchover would take now: remaining / measured bandwidth. */
  'expected-downtime'?: number;
  ram: RamStats;
  /** Auto-converge throttle in percent, present while throttling. */
  'cpu-throttle-percentage'?: number;
  /** Human-readable reason, present when status is `failed`. */
  'error-desc'?: string;
}
