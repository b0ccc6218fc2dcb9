import type { MigrationAction, MigrationPhase } from './actions';
import type { MigrationEvent } from './events';
import type { MigrationAlgorithm, MigrationParameters } from './params';
import type { MigrationStatus, QueryMigrateInfo } from './query-migrate';
import type { RamLayout } from './ram-layout';

/**
 * The source side of one live migration, as a sans-IO state machine: it is
 * fed events (each stamped with the driver's time) and returns the actions
 * the driver must carry out, in order. It never reads a clock, never touches
 * a socket and never schedules anything; it calls the source VM's MMU model
 * (an in-memory, deterministic object) for dirty logging and bitmap syncs.
 *
 * Drivers call `handle` for every event and `nextWakeNs` to know when to
 * feed a `tick` (the earliest time the machine may act without another
 * event; null = only an event can move it on).
 */
/** What the lookahead needs of the stream's link. */
export interface LinkView {
  bytesPerSec: number;
  queuedBytes: number;
  timeNs: number;
}

export interface MigrationMachine {
  readonly id: string;
  readonly algorithm: MigrationAlgorithm;
  readonly params: Readonly<MigrationParameters>;
  readonly layout: RamLayout;
  handle(event: MigrationEvent): MigrationAction[];
  nextWakeNs(): number | null;
  /** QEMU `query-migrate`, at the time of the last event. */
  info(): QueryMigrateInfo;
  /**
   * `info().ram.remaining` without building the whole report (a watchdog
   * polls it at every tick). Optional: callers fall back to `info()`.
   */
  ramRemainingBytes?(): number;
  /**
   * Optional lookahead: a lower bound on the time of the next dirty-bitmap
   * sync, stop, post-copy switch or resume command (anything that changes
   * the phase or reaches the destination's control path) if the machine gets
   * no event but ticks and deliveries from `link`: its rate, the bytes still
   * queued on it (what was sent and has not crossed yet, partial batches
   * counted as far as they went) as of `link.timeNs`. Null or absent: no
   * bound better than `nextWakeNs()`. The services use it to synchronise
   * seldom; it must never be later than what the machine then does.
   */
  nextSyncLowerBoundNs?(link: LinkView): number | null;
  /**
   * Optional lookahead for a caller to whom a sync changes nothing outside
   * the source (it reports no phase change and starts no post-copy after a
   * round): a lower bound on the next stop, post-copy switch or resume
   * command under the same conditions, never earlier than what
   * `nextSyncLowerBoundNs` gives. Null or absent: use `nextSyncLowerBoundNs`.
   */
  nextSwitchoverLowerBoundNs?(link: LinkView): number | null;
  status(): MigrationStatus;
  phase(): MigrationPhase;
  /** True once completed, failed or cancelled. */
  isFinished(): boolean;
  /** The source's page versions (null for fluid models and once the migration ended). Read-only for callers. */
  sourcePageVersions(): Uint8Array | null;
  /** Bytes of typed-array state held now (0 once ended). */
  modelBytes(): number;
}
