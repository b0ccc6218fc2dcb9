import type { OperationReport } from '@migsim/mmu';
import type { MigrationAction, MigrationPhase, MigrationPhaseName } from './actions';
import { MigrationError } from './errors';
import type { MigrationEvent, MigrationFault } from './events';
import type { MigrationMachine } from './machine';
import type { PageBatch, UnsentBatch } from './page-batch';
import type { MigrationAlgorithm, MigrationParameters } from './params';
import { PAGE_SIZE_BYTES, NS_PER_MS } from './qemu-constants';
import type { MigrationStatus, QueryMigrateInfo } from './query-migrate';
import { buildQueryMigrateInfo } from './query-migrate-info';
import { InFlightBatches } from './in-flight-batches';
import { countSentBatch, emptyRamCounters, type RamCounters } from './ram-counters';
import { RamLayout } from './ram-layout';
import { recoveryTotals, type SourceRecoveryReport, type VmOutcome } from './recovery-report';
import { clonePlainData, defaultFaultReason, disableDirtyLogging } from './source-cleanup';
import type { SourceMachineOptions, SourceVm } from './source-vm';
import type { SwitchoverVerification } from './switchover-check';

/**
 * The source-side life cycle every algorithm shares, following QEMU:
 * setup (dirty logging on for every memslot, `ram_save_setup`), the stream
 * of batches and their delivery, and the end: completion, or failure /
 * cancel handled as `migration_iteration_finish` (stop the throttle, restart
 * the VM if it was paused) then `migration_cleanup` (formerly
 * `migrate_fd_cleanup`) -> `ram_save_cleanup` -> `memory_global_dirty_log_stop`
 * (dirty logging off on every memslot, which runs the host's recovery
 * strategy in libs/mmu).
 */
export abstract class SourceMachineBase implements MigrationMachine {
  readonly id: string;
  readonly params: MigrationParameters;
  readonly layout: RamLayout;
  abstract readonly algorithm: MigrationAlgorithm;
  protected abstract readonly memoryModel: 'pages' | 'fluid';

  protected readonly vm: SourceVm;
  protected currentStatus: MigrationStatus = 'none';
  protected currentPhase: MigrationPhase = { name: 'setup', round: null };
  protected startNs = 0;
  protected nowNs = 0;
  protected endNs: number | null = null;
  protected setupEndNs = 0;
  protected setupTimeNs = 0;
  protected pausedAtNs: number | null = null;
  protected downtimeNs: number | null = null;
  protected vmPaused = false;
  /** Auto-converge throttle (shown as `cpu-throttle-percentage`). */
  protected throttlePercent = 0;
  /** A peer's CPU overhead while migrating (CloudSim), applied as a throttle but not an auto-converge one. */
  protected overheadPercent = 0;
  /** Link rate given with `start`, or null. */
  protected startLinkBytesPerSec: number | null = null;
  protected counters: RamCounters = emptyRamCounters();
  protected errorDesc: string | undefined;
  protected finalMbps: number | null = null;
  private nextSeq = 0;
  private lostBatches = 0;
  private readonly inFlight = new InFlightBatches();
  private unsubscribeWrites: (() => void) | null = null;

  constructor(options: SourceMachineOptions) {
    this.id = options.id;
    this.vm = options.vm;
    // Parameters are plain JSON data: a recursive copy, far cheaper than structuredClone per migration.
    this.params = clonePlainData(options.params);
    this.layout = new RamLayout({ slots: options.vm.mmu.memslots().map(({ id, baseGfn, npages }) => ({ id, baseGfn, npages })) });
  }

  // ---- what each algorithm provides -------------------------------------

  /** Allocates the algorithm's state once logging is on; returns how long setup takes (ns). */
  protected abstract onStart(enableReports: readonly OperationReport[], out: MigrationAction[]): number;
  /** Setup is over: go active. */
  protected abstract onSetupDone(out: MigrationAction[]): void;
  /** Make progress at `nowNs` (send, sync, switch over) until the machine must wait. */
  protected abstract pump(out: MigrationAction[]): void;
  /** Earliest time (ns) the algorithm wants a tick, or null. Only asked while running. */
  protected abstract wakeNs(): number | null;
  protected abstract remainingBytes(): number;
  protected abstract onGuestWrite(gfnStart: number, count: number): void;
  /** Measured transfer figures for `query-migrate`. */
  protected abstract measured(): { mbps: number; expectedDowntimeMs: number };
  /** Frees per-page state. */
  protected abstract releaseState(): void;
  abstract sourcePageVersions(): Uint8Array | null;
  abstract modelBytes(): number;

  /** A batch reached the end of the link. */
  protected onBatchDelivered(_batch: PageBatch, _out: MigrationAction[]): void {}

  /** A fault while running. Default: fail, the VM stays (or is restarted) on the source. */
  protected onFault(fault: MigrationFault, out: MigrationAction[]): void {
    this.finishOnSource('failed', fault.reason ?? defaultFaultReason(fault), 'running-on-source', out);
  }

  /** Events only some algorithms understand. */
  protected onOtherEvent(event: MigrationEvent, out: MigrationAction[]): void {
    this.reject(event, `${this.algorithm} does not handle ${event.type}`, out);
  }

  /** Reason to refuse a cancel now, or null to accept it. */
  protected cancelRefusal(): string | null {
    return null;
  }

  protected onSetParameters(): void {}

  // ---- MigrationMachine ---------------------------------------------------

  handle(event: MigrationEvent): MigrationAction[] {
    const out: MigrationAction[] = [];
    if (!(event.atNs >= this.nowNs)) {
      throw new MigrationError('MIGRATION_INVALID_EVENT', `migration ${this.id}: event ${event.type} at ${event.atNs} ns is before the previous event (${this.nowNs} ns)`);
    }
    this.nowNs = event.atNs;
    if (event.type === 'start') {
      this.handleStart(event.linkBytesPerSec, out);
      // Setup ends on a later event, so a fault can hit the setup phase.
      return out;
    }
    if (this.currentStatus === 'none') {
      if (event.type !== 'tick') this.reject(event, 'the migration has not started', out);
      return out;
    }
    if (this.isFinished()) {
      if (event.type === 'cancel' || event.type === 'fault' || event.type === 'start-postcopy') this.reject(event, `the migration already ended (${this.currentStatus})`, out);
      return out;
    }
    switch (event.type) {
      case 'tick':
        break;
      case 'bytes-delivered':
        this.handleDelivered(event.bytes, out);
        break;
      case 'link-changed':
        this.onLinkChanged(event.bytesPerSec);
        break;
      case 'cancel': {
        const refusal = this.cancelRefusal();
        if (refusal !== null) this.reject(event, refusal, out);
        else this.finishOnSource('cancelled', 'cancelled by the user', 'running-on-source', out);
        break;
      }
      case 'fault':
        this.onFault(event.fault, out);
        break;
      case 'set-parameters':
        for (const [key, value] of Object.entries(event.params)) {
          if (value !== undefined) (this.params as unknown as Record<string, unknown>)[key] = value;
        }
        this.onSetParameters();
        break;
      default:
        this.onOtherEvent(event, out);
    }
    if (this.isFinished()) return out;
    if (this.currentStatus === 'setup') {
      if (this.nowNs < this.setupEndNs) return out;
      this.setupTimeNs = this.nowNs - this.startNs;
      this.onSetupDone(out);
    }
    this.pump(out);
    return out;
  }

  nextWakeNs(): number | null {
    if (this.currentStatus === 'none' || this.isFinished()) return null;
    if (this.currentStatus === 'setup') return this.setupEndNs;
    return this.wakeNs();
  }

  status(): MigrationStatus {
    return this.currentStatus;
  }

  phase(): MigrationPhase {
    return { ...this.currentPhase };
  }

  isFinished(): boolean {
    return this.currentStatus === 'completed' || this.currentStatus === 'failed' || this.currentStatus === 'cancelled';
  }

  ramRemainingBytes(): number {
    return this.currentStatus === 'completed' ? 0 : this.remainingBytes();
  }

  info(): QueryMigrateInfo {
    const { mbps, expectedDowntimeMs } = this.measured();
    return buildQueryMigrateInfo({
      status: this.currentStatus,
      elapsedNs: this.currentStatus === 'none' ? 0 : (this.endNs ?? this.nowNs) - this.startNs,
      setupTimeNs: this.setupTimeNs,
      counters: this.counters,
      fluid: this.memoryModel === 'fluid',
      remainingBytes: this.ramRemainingBytes(),
      totalBytes: this.layout.totalPages * PAGE_SIZE_BYTES,
      mbps: this.finalMbps ?? mbps,
      expectedDowntimeMs,
      downtimeNs: this.downtimeNs,
      throttlePercent: this.throttlePercent,
      errorDesc: this.errorDesc,
    });
  }

  // ---- shared mechanics ---------------------------------------------------

  protected onLinkChanged(_bytesPerSec: number): void {}

  private handleStart(linkBytesPerSec: number | undefined, out: MigrationAction[]): void {
    if (this.currentStatus !== 'none') {
      this.reject({ type: 'start', atNs: this.nowNs }, 'the migration already started', out);
      return;
    }
    this.startLinkBytesPerSec = linkBytesPerSec ?? null;
    this.startNs = this.nowNs;
    this.currentStatus = 'setup';
    out.push({
      type: 'prepare-destination',
      atNs: this.nowNs,
      migrationId: this.id,
      layout: this.layout.spec(),
      memoryModel: this.memoryModel,
      totalBytes: this.layout.totalPages * PAGE_SIZE_BYTES,
    });
    this.setPhase('setup', null, out);
    // ram_save_setup -> memory_global_dirty_log_start: KVM_MEM_LOG_DIRTY_PAGES on every memslot.
    const reports = this.layout.slots.map((slot) => this.vm.mmu.setDirtyLogging(slot.id, true));
    out.push({ type: 'dirty-logging', atNs: this.nowNs, enabled: true, reports });
    this.unsubscribeWrites = this.vm.onWrite((gfnStart, count) => this.onGuestWrite(gfnStart, count));
    this.setupEndNs = this.nowNs + this.onStart(reports, out);
  }

  private handleDelivered(bytes: number, out: MigrationAction[]): void {
    this.inFlight.deliver(bytes, (batch) => {
      this.onBatchDelivered(batch, out);
      return !this.isFinished();
    });
  }

  /** Bytes sent and not yet delivered. */
  protected get inFlightBytes(): number {
    return this.inFlight.bytes;
  }

  /** Batches sent and not yet delivered, oldest first. */
  protected undeliveredBatches(): PageBatch[] {
    return this.inFlight.undelivered();
  }

  /** Forget every undelivered batch (the channel that carried them is gone). */
  protected dropInFlight(): void {
    this.lostBatches += this.inFlight.dropAll();
  }

  /** Numbers a batch, counts it and hands it to the driver. */
  protected sendBatch(batch: UnsentBatch, out: MigrationAction[]): PageBatch {
    // Spelled out rather than spread (one per batch, hundreds of thousands per run); same keys, same order.
    const full: PageBatch = {
      migrationId: this.id,
      seq: this.nextSeq++,
      phase: this.currentPhase.name,
      syncCount: this.counters.syncCount,
      kind: batch.kind,
      ranges: batch.ranges,
      versionRuns: batch.versionRuns,
      zeroPageCount: batch.zeroPageCount,
      normalPageCount: batch.normalPageCount,
      wireBytes: batch.wireBytes,
    };
    if (batch.urgent !== undefined) full.urgent = batch.urgent;
    if (batch.discardRanges !== undefined) full.discardRanges = batch.discardRanges;
    const postcopy = this.currentStatus === 'postcopy-active' || this.currentStatus === 'postcopy-recover';
    countSentBatch(this.counters, full, !this.vmPaused ? 'precopy' : postcopy ? 'postcopy' : 'downtime');
    this.inFlight.push(full);
    out.push({ type: 'send-pages', atNs: this.nowNs, batch: full });
    return full;
  }

  /**
   * Bytes the writer may put in the socket now; 0 while it is blocked. As
   * in Linux (`sk_stream_write_space` / `sk_stream_min_wspace`), a writer
   * blocked on a full send buffer wakes up once half of it is free, so
   * writes come in sizeable chunks rather than one page at a time.
   */
  protected socketRoomBytes(): number {
    const buffer = this.params.model.socketBufferBytes;
    const free = buffer - this.inFlightBytes;
    return free * 2 >= buffer ? free : 0;
  }

  /** Batches the destination should have once everything in flight arrived (sent minus lost with a channel). */
  protected sentBatchCount(): number {
    return this.nextSeq - this.lostBatches;
  }

  protected setPhase(name: MigrationPhaseName, round: number | null, out: MigrationAction[]): void {
    this.currentPhase = { name, round };
    out.push({ type: 'phase-changed', atNs: this.nowNs, phase: name, round, status: this.currentStatus, transferredBytes: this.counters.transferredBytes });
  }

  protected pauseVm(out: MigrationAction[]): void {
    if (this.vmPaused) return;
    this.vmPaused = true;
    this.pausedAtNs = this.nowNs;
    out.push({ type: 'pause-vm', atNs: this.nowNs });
  }

  protected setThrottle(percent: number, reason: 'auto-converge' | 'migration-overhead', out: MigrationAction[]): void {
    if (reason === 'auto-converge') {
      if (percent === this.throttlePercent) return;
      this.throttlePercent = percent;
    } else {
      if (percent === this.overheadPercent) return;
      this.overheadPercent = percent;
    }
    out.push({ type: 'set-throttle', atNs: this.nowNs, percent, reason });
  }

  protected stopWriteTracking(): void {
    this.unsubscribeWrites?.();
    this.unsubscribeWrites = null;
  }

  /** Stops whatever throttle the algorithm applied (`cpu_throttle_stop`); returns the auto-converge percent removed. */
  protected stopThrottle(out: MigrationAction[]): number {
    const removed = this.throttlePercent;
    if (removed > 0) {
      this.throttlePercent = 0;
      out.push({ type: 'set-throttle', atNs: this.nowNs, percent: 0, reason: 'auto-converge' });
    }
    if (this.overheadPercent > 0) {
      this.overheadPercent = 0;
      out.push({ type: 'set-throttle', atNs: this.nowNs, percent: 0, reason: 'migration-overhead' });
    }
    return removed;
  }

  /** The migration failed or was cancelled: restore the source as QEMU does and report the recovery. */
  protected finishOnSource(status: 'failed' | 'cancelled', reason: string, vmOutcome: VmOutcome, out: MigrationAction[]): void {
    const vmWasPaused = this.vmPaused;
    // migration_iteration_finish: cpu_throttle_stop(), then vm_start() if the VM was running before.
    const throttleStoppedPercent = this.stopThrottle(out);
    let vmResumedOnSource = false;
    if (vmOutcome === 'running-on-source' && this.vmPaused) {
      this.vmPaused = false;
      vmResumedOnSource = true;
      out.push({ type: 'resume-source', atNs: this.nowNs });
    }
    this.stopWriteTracking();
    // migration_cleanup -> ram_save_cleanup -> memory_global_dirty_log_stop.
    const reports = disableDirtyLogging(this.vm, this.layout, this.nowNs, out);
    out.push({ type: 'discard-destination', atNs: this.nowNs, migrationId: this.id, reason });
    this.currentStatus = status;
    this.endNs = this.nowNs;
    if (status === 'failed') this.errorDesc = reason;
    this.dropInFlight();
    this.setPhase(status, null, out);
    const recovery: SourceRecoveryReport = {
      vmOutcome,
      vmWasPaused,
      vmResumedOnSource,
      throttleStoppedPercent,
      strategy: this.vm.mmu.profile.recovery,
      disableLogging: reports,
      totals: recoveryTotals(reports),
    };
    const info = this.info();
    this.releaseState();
    if (status === 'failed') out.push({ type: 'failed', atNs: this.nowNs, info, reason, recovery });
    else out.push({ type: 'cancelled', atNs: this.nowNs, info, recovery });
  }

  /** The destination runs the VM: end the migration on the source. */
  protected completeOnSource(verification: SwitchoverVerification | null, out: MigrationAction[]): void {
    this.stopThrottle(out);
    this.stopWriteTracking();
    // The source's QEMU still runs ram_save_cleanup: logging off on the (now idle) source MMU.
    const cleanup = disableDirtyLogging(this.vm, this.layout, this.nowNs, out);
    this.currentStatus = 'completed';
    this.endNs = this.nowNs;
    // migration_completion_end: mbps over the transfer time (total - setup).
    const transferMs = (this.endNs - this.startNs - this.setupTimeNs) / NS_PER_MS;
    this.finalMbps = transferMs > 0 ? (this.counters.transferredBytes * 8) / transferMs / 1000 : 0;
    this.setPhase('completed', null, out);
    const info = this.info();
    this.releaseState();
    out.push({ type: 'completed', atNs: this.nowNs, info, verification, cleanup });
  }

  /** The destination resumed the VM: downtime ends. */
  protected markDowntimeEnd(): void {
    if (this.pausedAtNs !== null && this.downtimeNs === null) this.downtimeNs = this.nowNs - this.pausedAtNs;
  }

  protected reject(event: MigrationEvent, reason: string, out: MigrationAction[]): void {
    out.push({ type: 'event-rejected', atNs: this.nowNs, event: event.type, reason });
  }
}
