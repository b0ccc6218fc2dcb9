import type { MigrationAction } from './actions';
import type { MigrationEvent } from './events';
import { PAGE_SIZE_BYTES } from './qemu-constants';
import { RateWindow } from './rate-window';
import { SourceMachineBase } from './source-machine-base';

/**
 * Shared parts of the peers that model memory as a fluid (SimGrid,
 * CloudSim): bytes without page identity, sent in chunks under a rate
 * window; guest writes only counted. The source still runs a KVM VM, so
 * dirty logging is switched on and off like for QEMU.
 */
export abstract class FluidMachineBase extends SourceMachineBase {
  protected readonly memoryModel = 'fluid' as const;
  protected window = new RateWindow(0, 0, 0);
  /** Bytes of the current transfer not yet written to the socket. */
  protected unsentBytes = 0;
  /** Bytes the guest wrote since the algorithm last looked. */
  protected writtenBytes = 0;
  protected trackingWrites = true;
  protected awaitingDestination = false;

  protected onGuestWrite(_gfnStart: number, count: number): void {
    if (this.trackingWrites) this.writtenBytes += count * PAGE_SIZE_BYTES;
  }

  /** Returns and resets the bytes written since the last look. */
  protected takeWrittenBytes(): number {
    const bytes = this.writtenBytes;
    this.writtenBytes = 0;
    return bytes;
  }

  protected measured(): { mbps: number; expectedDowntimeMs: number } {
    const bandwidth = this.window.bandwidthBytesPerMs;
    return { mbps: this.window.mbps, expectedDowntimeMs: bandwidth > 0 ? this.remainingBytes() / bandwidth : this.window.expectedDowntimeMs };
  }

  protected remainingBytes(): number {
    return this.unsentBytes + this.inFlightBytes;
  }

  protected releaseState(): void {
    this.unsentBytes = 0;
  }

  sourcePageVersions(): Uint8Array | null {
    return null;
  }

  modelBytes(): number {
    return 0;
  }

  /** Writes fluid chunks while the window, the socket and the transfer allow. */
  protected sendFluid(out: MigrationAction[]): void {
    this.window.update(this.nowNs, this.counters.transferredBytes, this.params['downtime-limit'], 0, 0);
    while (this.unsentBytes > 0) {
      const transferred = this.counters.transferredBytes;
      if (this.window.exceeded(transferred)) return;
      const room = this.socketRoomBytes();
      if (room <= 0) return;
      const bytes = Math.min(this.unsentBytes, this.window.remainingBytes(transferred), room, this.params.model.batchBytesMax);
      this.unsentBytes -= bytes;
      this.sendBatch({ kind: 'fluid', ranges: [], versionRuns: [], zeroPageCount: 0, normalPageCount: 0, wireBytes: bytes }, out);
    }
  }

  protected requestResume(out: MigrationAction[]): void {
    this.awaitingDestination = true;
    out.push({
      type: 'resume-destination',
      atNs: this.nowNs,
      check: { migrationId: this.id, mode: 'fluid', precedingBatchCount: this.sentBatchCount(), versionsDigest: null, absentPageCount: 0 },
    });
  }

  protected override onOtherEvent(event: MigrationEvent, out: MigrationAction[]): void {
    if (event.type === 'destination-resumed' && this.awaitingDestination) {
      this.markDowntimeEnd();
      this.completeOnSource(event.verification, out);
      return;
    }
    super.onOtherEvent(event, out);
  }

  protected fluidWakeNs(): number | null {
    if (this.awaitingDestination || this.unsentBytes <= 0) return null;
    return this.window.windowEndNs();
  }
}
