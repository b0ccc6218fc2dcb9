import type { OperationReport, RecoveryStrategy } from '@migsim/mmu';
import type { RecoveryMetrics } from '@migsim/guest';

/**
 * Where the VM is once a migration ended without completing:
 * - `running-on-source`: pre-copy failed or was cancelled; the source kept it.
 * - `lost`: post-copy failed and could not be recovered: the destination
 *   ran the guest (so the source copy is stale) but never got all its pages.
 */
export type VmOutcome = 'running-on-source' | 'lost';

/** Sums over the disable-logging operations of every memslot. */
export interface RecoveryTotals {
  simulatedNs: number;
  tlbFlushes: number;
  sptesZapped: number;
  rmapEntriesScanned: number;
  hugeInstalled: number;
  lockHoldMaxNs: number;
  lockYields: number;
}

/**
 * What the source did when a migration failed or was cancelled
 * (`migration_iteration_finish`, `migration_cleanup` / `migrate_fd_cleanup`,
 * `ram_save_cleanup` -> `memory_global_dirty_log_stop`) and what it cost.
 * `guest` is filled by a driver once it has run the guest for a while after
 * dirty logging stopped.
 */
export interface SourceRecoveryReport {
  vmOutcome: VmOutcome;
  /** The VM was paused (stop-and-copy or post-copy switch) when the migration ended. */
  vmWasPaused: boolean;
  /** The machine restarted it on the source. */
  vmResumedOnSource: boolean;
  /** The auto-converge throttle that was switched off (0 when none). */
  throttleStoppedPercent: number;
  /** The host kernel's recovery strategy (the MMU profile's). */
  strategy: RecoveryStrategy;
  /** One report per memslot whose dirty logging was switched off. */
  disableLogging: OperationReport[];
  totals: RecoveryTotals;
  guest?: RecoveryMetrics;
}

export function recoveryTotals(reports: readonly OperationReport[]): RecoveryTotals {
  const totals: RecoveryTotals = { simulatedNs: 0, tlbFlushes: 0, sptesZapped: 0, rmapEntriesScanned: 0, hugeInstalled: 0, lockHoldMaxNs: 0, lockYields: 0 };
  for (const report of reports) {
    totals.simulatedNs += report.simulatedNs;
    totals.tlbFlushes += report.tlbFlushes;
    totals.sptesZapped += report.sptesZapped;
    totals.rmapEntriesScanned += report.rmapEntriesScanned;
    totals.hugeInstalled += report.hugeInstalled;
    totals.lockHoldMaxNs = Math.max(totals.lockHoldMaxNs, report.lockHoldMaxNs);
    totals.lockYields += report.lockYields;
  }
  return totals;
}
