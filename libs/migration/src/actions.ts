import type { OperationReport } from '@migsim/mmu';
import type { MigrationEventType } from './events';
import type { PageBatch } from './page-batch';
import type { QueryMigrateInfo, MigrationStatus } from './query-migrate';
import type { RamLayoutSpec } from './ram-layout';
import type { SourceRecoveryReport } from './recovery-report';
import type { SwitchoverCheck, SwitchoverVerification } from './switchover-check';
import type { MigrationPhaseName } from './phase';

export type { MigrationPhase, MigrationPhaseName } from './phase';

/**
 * Everything a machine asks its driver to do, or tells it happened. Plain
 * data (no functions, no class instances) so the distributed driver can
 * put any of them on a queue.
 */
export type MigrationAction =
  /** Create the incoming side (QEMU `-incoming`): the destination needs the RAM layout. */
  | { type: 'prepare-destination'; atNs: number; migrationId: string; layout: RamLayoutSpec; memoryModel: 'pages' | 'fluid'; totalBytes: number }
  /** `transferredBytes`: `ram.transferred` when the phase began. */
  | { type: 'phase-changed'; atNs: number; phase: MigrationPhaseName; round: number | null; status: MigrationStatus; transferredBytes: number }
  /** Put this batch on the link (in this order); report progress with `bytes-delivered`. */
  | { type: 'send-pages'; atNs: number; batch: PageBatch }
  /** Stop the guest's vCPUs on the source (stop-and-copy or the post-copy switch). */
  | { type: 'pause-vm'; atNs: number }
  /** Restart the guest on the source (the migration failed or was cancelled while it was paused). */
  | { type: 'resume-source'; atNs: number }
  /** Guest CPU throttle in percent (0 = off): auto-converge, or CloudSim's migration overhead. */
  | { type: 'set-throttle'; atNs: number; percent: number; reason: 'auto-converge' | 'migration-overhead' }
  /** The machine switched dirty logging on or off on every memslot (disabling runs the recovery strategy). */
  | { type: 'dirty-logging'; atNs: number; enabled: boolean; reports: OperationReport[] }
  /**
   * The machine synced the dirty bitmap through the MMU (`migration_bitmap_sync`
   * -> KVM_GET_DIRTY_LOG on every memslot). `kernelNs` is the ioctls'
   * simulated time: the driver may charge it to the guest as mmu_lock stall.
   */
  | { type: 'dirty-bitmap-synced'; atNs: number; syncCount: number; newDirtyPageCount: number; remainingBytes: number; kernelNs: number; reports: OperationReport[] }
  /** After everything sent before it: the destination checks memory and starts the VM, then answers `destination-resumed`. */
  | { type: 'resume-destination'; atNs: number; check: SwitchoverCheck }
  /** Post-copy: the last page is sent; the destination checks memory and answers `destination-complete`. */
  | { type: 'complete-destination'; atNs: number; check: SwitchoverCheck }
  /** Drop the half-received VM on the destination. */
  | { type: 'discard-destination'; atNs: number; migrationId: string; reason: string }
  | { type: 'completed'; atNs: number; info: QueryMigrateInfo; verification: SwitchoverVerification | null; cleanup: OperationReport[] }
  | { type: 'failed'; atNs: number; info: QueryMigrateInfo; reason: string; recovery: SourceRecoveryReport }
  | { type: 'cancelled'; atNs: number; info: QueryMigrateInfo; recovery: SourceRecoveryReport }
  /** An event the machine refused in its current state (e.g. cancel during post-copy). */
  | { type: 'event-rejected'; atNs: number; event: MigrationEventType; reason: string };

export type MigrationActionType = MigrationAction['type'];

export type TerminalAction = Extract<MigrationAction, { type: 'completed' | 'failed' | 'cancelled' }>;

export function isTerminalAction(action: MigrationAction): action is TerminalAction {
  return action.type === 'completed' || action.type === 'failed' || action.type === 'cancelled';
}
