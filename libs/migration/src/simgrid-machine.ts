import type { OperationReport } from '@migsim/mmu';
import type { MigrationAction } from './actions';
import { FluidMachineBase } from './fluid-machine-base';
import { NS_PER_SEC, PAGE_SIZE_BYTES } from './qemu-constants';
import { RateWindow } from './rate-window';

type SimgridStage = 'setup' | 'stage1' | 'stage2' | 'stage3' | 'ended';

/**
 * SimGrid's VM live migration (src/plugins/vm/VmLiveMigration.cpp,
 * `MigrationTx::operator()`), a fluid model: no pages, only byte counts.
 *
 * - Stage 1 sends the whole RAM at `mig_speed` (here `max-bandwidth`).
 * - Bandwidth = bytes / duration of the last transfer; threshold =
 *   bandwidth x `max_downtime` (default 30 ms).
 * - Stage 2: `updated_size` = bytes the guest dirtied since the last look
 *   (`sg_vm_lookup_computed_flops` x `dp_rate`; here: bytes the guest
 *   wrote, repeats included, as reported by the guest's write stream),
 *   capped at `dp_cap` = the working set (90 % of RAM); while
 *   threshold < remaining, send `updated_size` and look again.
 * - Stage 3: suspend the VM, stop dirty-page tracking, send what remains.
 *
 * Rounds: round 1 is stage 1, round n+1 is stage-2 round n; the
 * `dirty-sync-count` counts the looks.
 */
export class SimgridMachine extends FluidMachineBase {
  readonly algorithm = 'simgrid' as const;
  private stage: SimgridStage = 'setup';
  private transferBytes = 0;
  private transferStartNs = 0;
  private thresholdBytes = 0;
  private remainingSize = 0;
  private updatedSize = 0;
  private stage2Round = 0;

  protected onStart(enableReports: readonly OperationReport[]): number {
    return enableReports.reduce((sum, report) => sum + report.simulatedNs, 0);
  }

  protected onSetupDone(out: MigrationAction[]): void {
    this.currentStatus = 'active';
    this.window = new RateWindow(this.nowNs, this.params['max-bandwidth'], this.params.simgrid.maxDowntimeMs);
    // sg_vm_start_dirty_page_tracking: count writes from now on.
    this.takeWrittenBytes();
    this.stage = 'stage1';
    this.remainingSize = this.layout.totalPages * PAGE_SIZE_BYTES;
    this.setPhase('round', 1, out);
    this.beginTransfer(this.remainingSize);
  }

  private beginTransfer(bytes: number): void {
    this.transferBytes = bytes;
    this.unsentBytes = bytes;
    this.transferStartNs = this.nowNs;
  }

  protected pump(out: MigrationAction[]): void {
    if (this.stage === 'setup' || this.stage === 'ended' || this.awaitingDestination) return;
    this.sendFluid(out);
    if (this.unsentBytes > 0 || this.inFlightBytes > 0) return;
    this.transferDone(out);
  }

  private transferDone(out: MigrationAction[]): void {
    const durationSec = Math.max(this.nowNs - this.transferStartNs, 1) / NS_PER_SEC;
    if (this.stage === 'stage3') {
      this.stage = 'ended';
      this.requestResume(out);
      return;
    }
    // Bandwidth of the transfer that just ended, and the stage-2 threshold.
    const bandwidth = this.transferBytes / durationSec;
    this.thresholdBytes = bandwidth * (this.params.simgrid.maxDowntimeMs / 1000);
    this.remainingSize -= this.transferBytes;
    const cap = this.layout.totalPages * PAGE_SIZE_BYTES * this.params.simgrid.workingSetFraction;
    this.counters.syncCount++;
    this.updatedSize = Math.min(this.takeWrittenBytes(), cap);
    this.counters.dirtyPagesRate = this.updatedSize / PAGE_SIZE_BYTES / durationSec;
    this.remainingSize += this.updatedSize;
    if (this.stage === 'stage2') this.stage2Round++;
    if (this.thresholdBytes < this.remainingSize) {
      this.stage = 'stage2';
      this.setPhase('round', this.stage2Round + 2, out);
      this.beginTransfer(this.updatedSize);
      this.sendFluid(out);
      return;
    }
    // Stage 3: suspend, stop tracking, send the rest (still at mig_speed).
    this.stage = 'stage3';
    this.pauseVm(out);
    this.trackingWrites = false;
    this.setPhase('stop-and-copy', null, out);
    this.beginTransfer(this.remainingSize);
    this.sendFluid(out);
    if (this.unsentBytes === 0 && this.inFlightBytes === 0) this.transferDone(out);
  }

  protected wakeNs(): number | null {
    return this.fluidWakeNs();
  }

  /** For `expected-downtime`: remaining / measured bandwidth, in ms. */
  protected override measured(): { mbps: number; expectedDowntimeMs: number } {
    const base = super.measured();
    const bandwidthPerMs = this.window.bandwidthBytesPerMs;
    return bandwidthPerMs > 0 ? { mbps: base.mbps, expectedDowntimeMs: this.remainingSize / bandwidthPerMs } : base;
  }
}
