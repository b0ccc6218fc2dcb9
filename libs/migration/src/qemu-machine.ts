import type { OperationReport } from '@migsim/mmu';
import type { MigrationAction } from './actions';
import { AutoConverge } from './auto-converge';
import type { MigrationEvent, MigrationFault } from './events';
import { PageMachineBase } from './page-machine-base';
import { BUFFER_DELAY_NS, DIRTY_SYNC_TIMER_PERIOD_NS, NORMAL_PAGE_WIRE_BYTES, PAGE_SIZE_BYTES, RAM_SAVE_ITERATE_MAX_WAIT_NS } from './qemu-constants';
import { RateWindow } from './rate-window';
import type { LinkView } from './machine';
import type { SourceMachineOptions } from './source-vm';
import type { SwitchoverVerification } from './switchover-check';

/** Bytes per discard range in the post-copy package (`postcopy_discard_send_range`: start and length as be64). */
const DISCARD_RANGE_WIRE_BYTES = 16;
/** A switchover bound nearer than this (1 s of simulated time) reads the dirty logs again. */
const LOGGED_RECOUNT_HORIZON_NS = 1_000_000_000;

type IterateResult = 'blocked' | 'done' | 'idle';

/**
 * QEMU pre-copy and post-copy (migration/migration.c, migration/ram.c,
 * QEMU 10.x), page-accurate:
 *
 * - setup (`ram_save_setup` -> `ram_init_bitmaps`): dirty logging on every
 *   memslot, an all-ones bitmap, a first `migration_bitmap_sync`;
 * - the migration thread loop (`migration_thread`): `migration_rate_limit`
 *   (100 ms windows of `max-bandwidth` / 10 bytes, bandwidth measured per
 *   window), then `migration_iteration_run`: the pending estimate is the
 *   dirty bitmap; only when it is under `threshold_size` (bandwidth x
 *   `downtime-limit`) does QEMU sync the bitmap for the exact figure; it
 *   switches to post-copy when asked and the must-precopy part fits the
 *   threshold, completes when the exact pending fits it, else runs
 *   `ram_save_iterate` (pages until the window's budget is spent, the round
 *   is done, or 50 ms passed). No iteration cap.
 * - auto-converge: see auto-converge.ts, plus the 5 s periodic sync
 *   (`cpu_throttle_dirty_sync_timer_tick`, QEMU 9.2+) when no sync happened
 *   in the meantime.
 */
export class QemuMachine extends PageMachineBase {
  readonly algorithm = 'qemu-precopy' as const;
  private readonly autoConverge: AutoConverge;
  /** Start of the `ram_save_iterate` call in progress (blocked on the socket), or null. */
  private iterateStartNs: number | null = null;
  private postcopyRequested = false;
  private destinationRunning = false;
  private postcopyPackageSeq = -1;
  private dirtySyncTimerNs: number | null = null;
  private dirtySyncCountPrev = 0;
  private requests: number[] = [];
  /** Verification the destination reported when it started the VM in post-copy. */
  private postcopyStartVerification: SwitchoverVerification | null = null;

  constructor(options: SourceMachineOptions) {
    super(options);
    this.autoConverge = new AutoConverge(this.params);
  }

  protected onStart(enableReports: readonly OperationReport[], out: MigrationAction[]): number {
    this.allocatePageState();
    // migration_thread starts the dirty sync timer before setup when auto-converge is on.
    if (this.params.capabilities['auto-converge']) {
      this.dirtySyncTimerNs = this.nowNs + DIRTY_SYNC_TIMER_PERIOD_NS;
      this.dirtySyncCountPrev = 0;
    }
    const enableNs = enableReports.reduce((sum, report) => sum + report.simulatedNs, 0);
    // ram_init_bitmaps: after the log start, the first sync (dirty-sync-count = 1).
    this.syncDirtyBitmap(out);
    const setupNs = enableNs + (this.busyUntilNs - this.nowNs);
    this.busyUntilNs = 0;
    return setupNs;
  }

  protected onSetupDone(out: MigrationAction[]): void {
    this.currentStatus = 'active';
    this.stage = 'iterating';
    this.window = new RateWindow(this.nowNs, this.params['max-bandwidth'], this.params['downtime-limit']);
    this.setPhase('round', this.counters.syncCount, out);
  }

  protected pump(out: MigrationAction[]): void {
    switch (this.stage) {
      case 'iterating':
        this.pumpPrecopy(out);
        return;
      case 'stop-and-copy':
        this.pumpStopAndCopy(out);
        return;
      case 'postcopy':
        this.pumpPostcopy(out);
        return;
      default:
        return;
    }
  }

  protected wakeNs(): number | null {
    const page = this.pageWakeNs();
    if (this.stage !== 'iterating' || this.dirtySyncTimerNs === null) return page;
    return page === null ? this.dirtySyncTimerNs : Math.min(page, this.dirtySyncTimerNs);
  }

  /**
   * The lookahead of `MigrationMachine.nextSyncLowerBoundNs`. While
   * iterating, the machine syncs, stops or switches to post-copy only at a
   * pump (not while a sync keeps it busy) where the pending bytes
   * (`remaining` + device state) fit the threshold (bandwidth x
   * downtime-limit). Until then `remaining` only shrinks as pages are
   * written to the socket: at most the socket's room beside what is still
   * queued on the link, plus what the link carries from then on. The
   * threshold stays as it is until the rate window closes (a pump at or
   * after its end); from then on it is bounded by the fastest bandwidth QEMU
   * could measure over a window of at least 100 ms: the rate limit (plus
   * one batch of overshoot) or the link plus a full socket buffer. The
   * auto-converge dirty-sync timer only adds dirty pages, but announces a
   * round: it is a bound too, as is the end of setup (round 1 begins). In
   * stop-and-copy the destination is told to resume once every byte left
   * (queued, dirty, device state) has crossed the link. A post-copy already
   * requested (or any other stage) gets no bound better than the next wake.
   */
  nextSyncLowerBoundNs(link: LinkView): number | null {
    if (this.currentStatus === 'none' || this.postcopyRequested) return null;
    const rate = link.bytesPerSec;
    const fromNs = Math.min(this.nowNs, link.timeNs);
    if (this.stage === 'stop-and-copy') {
      const left = this.remainingBytes() + link.queuedBytes + (this.deviceStateSentFlag() ? 0 : this.params.model.deviceStateBytes);
      if (left === 0) return null;
      if (!(rate > 0)) return Infinity;
      return Math.max(this.busyUntilNs, fromNs + Math.floor((left / rate) * 1e9));
    }
    // Setup ends with round 1 announced.
    if (this.stage === 'setup') return this.setupEndNs;
    if (this.stage !== 'iterating') return null;
    const room = Math.max(0, this.params.model.socketBufferBytes - link.queuedBytes);
    const pending = this.remainingBytes() + this.params.model.deviceStateBytes;
    const thresholdNow = this.window.thresholdBytes;
    if (pending <= thresholdNow) return null;
    const fitNow = fitsNs(pending - thresholdNow - room, rate, fromNs);
    const fit = fitNow <= this.window.windowEndNs() ? fitNow : Math.max(this.window.windowEndNs(), fitsNs(pending - this.thresholdMaxBytes(rate) - room, rate, fromNs));
    return Math.min(this.dirtySyncTimerNs ?? Infinity, Math.max(this.busyUntilNs, fit));
  }

  /**
   * The lookahead of `MigrationMachine.nextSwitchoverLowerBoundNs`. While
   * iterating, the next sync (not before `nextSyncLowerBoundNs`, or now
   * when that gives none) finds at least the pages the dirty logs hold now,
   * every one written during the migration and so sent whole. While those
   * and the device state exceed the largest threshold plus a socket buffer,
   * the pending bytes cannot fit the threshold before the link carried the
   * excess after that sync: no stop or post-copy switch comes sooner. With
   * zero pages (9 bytes on the wire) or a post-copy requested: the sync bound.
   */
  nextSwitchoverLowerBoundNs(link: LinkView): number | null {
    const sync = this.nextSyncLowerBoundNs(link);
    const rate = link.bytesPerSec;
    if (this.stage !== 'iterating' || this.currentStatus === 'none' || this.postcopyRequested || this.params.model.zeroPageFraction > 0 || !(rate > 0)) return sync;
    const syncNs = sync ?? Math.min(this.nowNs, link.timeNs);
    const unfit = this.thresholdMaxBytes(rate) + this.params.model.socketBufferBytes - this.params.model.deviceStateBytes;
    let excess = this.loggedPagesAtLeast(false) * PAGE_SIZE_BYTES - unfit;
    // Read the logs again only when the bound they give is near (this one is about to be what holds the run back).
    if (syncNs + (Math.max(0, excess) / rate) * 1e9 < this.nowNs + LOGGED_RECOUNT_HORIZON_NS) excess = this.loggedPagesAtLeast(true) * PAGE_SIZE_BYTES - unfit;
    if (excess <= 0) return sync;
    return syncNs + Math.floor((excess / rate) * 1e9);
  }

  /**
   * The largest switchover threshold QEMU could compute before an input
   * changes the link: the fastest bandwidth it could measure over a window
   * of at least 100 ms (the rate limit plus one batch of overshoot, or the
   * link plus a full socket buffer) times the downtime limit, or the
   * current window's threshold if larger.
   */
  private thresholdMaxBytes(rate: number): number {
    const windowS = BUFFER_DELAY_NS / 1e9;
    const limit = this.params['max-bandwidth'];
    const limitedBandwidth = limit > 0 && Number.isFinite(limit) ? (limit * windowS + this.params.model.batchBytesMax) / windowS : Infinity;
    const bandwidthMax = Math.min(limitedBandwidth, rate + this.params.model.socketBufferBytes / windowS);
    return Math.max(this.window.thresholdBytes, (bandwidthMax * this.params['downtime-limit']) / 1000);
  }

  protected override onSyncPeriodClosed(bytesTransferred: number, bytesDirtied: number, out: MigrationAction[]): void {
    const next = this.autoConverge.onSyncPeriod(bytesTransferred, bytesDirtied, this.throttlePercent);
    if (next !== null) this.setThrottle(next, 'auto-converge', out);
  }

  // ---- pre-copy -----------------------------------------------------------

  private pumpPrecopy(out: MigrationAction[]): void {
    for (;;) {
      if (this.nowNs < this.busyUntilNs) return;
      this.updateCounters();
      this.tickDirtySyncTimer(out);
      if (this.nowNs < this.busyUntilNs) return;
      if (this.iterateStartNs !== null) {
        if (this.continueIterate(out) === 'blocked') return;
        continue;
      }
      if (this.window.exceeded(this.counters.transferredBytes)) return;
      // migration_iteration_run: a sync once the estimate fits (`must_precopy <= threshold_size`): a stop always follows one, even at a threshold of 0 after an outage.
      const threshold = this.window.thresholdBytes;
      const deviceBytes = this.params.model.deviceStateBytes;
      if (this.remainingBytes() + deviceBytes <= threshold) this.syncAndAnnounce(out);
      const pending = this.remainingBytes() + deviceBytes;
      // With postcopy-ram, RAM is all "can_postcopy": only the device state must go before the switch.
      const mustPrecopy = this.params.capabilities['postcopy-ram'] ? deviceBytes : pending;
      if (this.postcopyRequested && mustPrecopy <= threshold) {
        this.startPostcopy(out);
        this.pump(out);
        return;
      }
      if (pending <= threshold) {
        this.beginStopAndCopy(out);
        this.pump(out);
        return;
      }
      if (this.nowNs < this.busyUntilNs) return;
      this.iterateStartNs = this.nowNs;
      const result = this.continueIterate(out);
      // Nothing to send until the threshold moves: wait for the window to close (QEMU would spin).
      if (result === 'blocked' || result === 'idle') return;
    }
  }

  /** `ram_save_iterate`, resumable when the socket was full. */
  private continueIterate(out: MigrationAction[]): IterateResult {
    const bitmap = this.bitmap!;
    let sentPages = 0;
    for (;;) {
      const transferred = this.counters.transferredBytes;
      if (bitmap.dirtyPageCount === 0 || this.window.exceeded(transferred) || this.nowNs - this.iterateStartNs! > RAM_SAVE_ITERATE_MAX_WAIT_NS) {
        this.iterateStartNs = null;
        return sentPages === 0 && bitmap.dirtyPageCount === 0 ? 'idle' : 'done';
      }
      const room = this.socketRoomBytes();
      if (room <= 0) return 'blocked';
      sentPages += this.sendPages(Math.min(this.window.remainingBytes(transferred), room, this.params.model.batchBytesMax), out);
    }
  }

  private syncAndAnnounce(out: MigrationAction[]): void {
    this.syncDirtyBitmap(out);
    this.setPhase('round', this.counters.syncCount, out);
  }

  /** `cpu_throttle_dirty_sync_timer_tick`: force a sync if none happened for 5 s (not during the bulk round). */
  private tickDirtySyncTimer(out: MigrationAction[]): void {
    if (this.dirtySyncTimerNs === null || this.nowNs < this.dirtySyncTimerNs) return;
    const syncCount = this.counters.syncCount;
    if (syncCount > 1 && syncCount === this.dirtySyncCountPrev) this.syncAndAnnounce(out);
    this.dirtySyncCountPrev = this.counters.syncCount;
    this.dirtySyncTimerNs = this.nowNs + DIRTY_SYNC_TIMER_PERIOD_NS;
  }

  // ---- post-copy ----------------------------------------------------------

  protected override onOtherEvent(event: MigrationEvent, out: MigrationAction[]): void {
    switch (event.type) {
      case 'start-postcopy':
        if (!this.params.capabilities['postcopy-ram']) {
          this.reject(event, 'Enable postcopy with migrate_set_capability before the start of migration', out);
        } else if (this.stage !== 'iterating' && this.stage !== 'setup') {
          this.reject(event, `cannot start post-copy in ${this.stage}`, out);
        } else {
          this.postcopyRequested = true;
        }
        return;
      case 'page-request':
        if (this.stage !== 'postcopy') {
          this.reject(event, 'page requests are only served in post-copy', out);
          return;
        }
        for (const gfn of event.gfns) {
          const index = this.layout.indexOfGfn(gfn);
          if (index >= 0) this.requests.push(index);
        }
        this.counters.postcopyRequests += event.gfns.length;
        return;
      case 'destination-resumed':
        if (this.postcopyPackageSeq >= 0 && !this.destinationRunning) {
          this.destinationRunning = true;
          this.postcopyStartVerification = event.verification;
          this.markDowntimeEnd();
          return;
        }
        super.onOtherEvent(event, out);
        return;
      case 'destination-complete':
        if (this.stage === 'awaiting-completion') {
          this.completeOnSource(combine(this.postcopyStartVerification, event.verification), out);
          return;
        }
        this.reject(event, `no post-copy is completing (${this.stage})`, out);
        return;
      case 'postcopy-recover':
        if (this.stage !== 'postcopy-paused') {
          this.reject(event, `post-copy is not paused (${this.stage})`, out);
          return;
        }
        // postcopy_do_resume: the destination's received bitmap was reloaded (lost batches re-dirtied at
        // pause); `postcopy-recover` until the new channel carried its first batch.
        this.stage = 'postcopy';
        this.currentStatus = 'postcopy-recover';
        this.setPhase('postcopy', null, out);
        return;
      default:
        super.onOtherEvent(event, out);
    }
  }

  protected override cancelRefusal(): string | null {
    // qmp_migrate_cancel: "After postcopy migration has started, the source machine is not recoverable".
    return this.postcopyPackageSeq >= 0 ? 'Postcopy migration in progress, cannot cancel.' : null;
  }

  protected override onBatchDelivered(): void {
    if (this.currentStatus === 'postcopy-recover') this.currentStatus = 'postcopy-active';
  }

  protected override onFault(fault: MigrationFault, out: MigrationAction[]): void {
    const packageInFlight = this.undeliveredBatches().some((batch) => batch.seq === this.postcopyPackageSeq);
    if (this.postcopyPackageSeq < 0 || packageInFlight) {
      // Pre-copy, or post-copy before the destination could start: the source still owns the VM.
      super.onFault(fault, out);
      return;
    }
    const reason = fault.reason ?? `post-copy failed: ${fault.kind}`;
    if (fault.kind === 'connection-lost' && this.params['postcopy-recovery'] && this.stage !== 'postcopy-paused') {
      // postcopy_pause: the channel is gone with whatever was in flight; the source re-sends it after recovery.
      for (const batch of this.undeliveredBatches()) {
        for (let i = 0; i < batch.ranges.length; i += 2) {
          this.layout.forEachIndexRun(batch.ranges[i]!, batch.ranges[i + 1]!, (index, count) => this.bitmap!.markRange(index, count));
        }
      }
      this.dropInFlight();
      this.stage = 'postcopy-paused';
      this.currentStatus = 'postcopy-paused';
      this.setPhase('postcopy-paused', null, out);
      return;
    }
    // The destination ran the guest, so the source copy is stale; without every page the VM is gone.
    this.finishOnSource('failed', reason, 'lost', out);
  }

  /**
   * `postcopy_start`: stop the VM, a last sync, the discard bitmap
   * (`ram_postcopy_send_discard_bitmap`: every page dirty now is dropped on
   * the destination), the device state, then POSTCOPY_RUN. From then on
   * the source sends the remaining pages in the background
   * (`max-postcopy-bandwidth`, unlimited by default) and serves the
   * destination's page requests first (`postcopy_has_request`).
   */
  private startPostcopy(out: MigrationAction[]): void {
    this.pauseVm(out);
    this.syncDirtyBitmap(out);
    this.stopWriteTracking();
    const discardRanges: number[] = [];
    this.bitmap!.forEachDirtyRun((index, count) => this.layout.forEachGfnRun(index, count, (gfn, n) => discardRanges.push(gfn, n)));
    const wireBytes = this.params.model.deviceStateBytes + (discardRanges.length / 2) * DISCARD_RANGE_WIRE_BYTES;
    const pkg = this.sendBatch({ kind: 'postcopy-package', ranges: [], versionRuns: [], zeroPageCount: 0, normalPageCount: 0, wireBytes, discardRanges }, out);
    this.postcopyPackageSeq = pkg.seq;
    this.currentStatus = 'postcopy-active';
    this.stage = 'postcopy';
    this.window.setRate(this.params['max-postcopy-bandwidth']);
    this.setPhase('postcopy', null, out);
    out.push({ type: 'resume-destination', atNs: this.nowNs, check: this.switchoverCheck('postcopy-start') });
  }

  private pumpPostcopy(out: MigrationAction[]): void {
    if (this.nowNs < this.busyUntilNs) return;
    this.updateCounters();
    const bitmap = this.bitmap!;
    for (;;) {
      const room = this.socketRoomBytes();
      if (room <= 0) return;
      if (this.requests.length > 0) {
        // Requested pages go out even when the rate limit is exceeded.
        const listed = this.requests;
        this.requests = [];
        this.sendPages(Math.max(room, NORMAL_PAGE_WIRE_BYTES), out, listed);
        continue;
      }
      const transferred = this.counters.transferredBytes;
      if (bitmap.dirtyPageCount === 0 || this.window.exceeded(transferred)) break;
      this.sendPages(Math.min(this.window.remainingBytes(transferred), room, this.params.model.batchBytesMax), out);
    }
    if (bitmap.dirtyPageCount > 0 || this.inFlightBytes > 0 || !this.destinationRunning) return;
    // migration_completion_postcopy -> qemu_savevm_state_complete_postcopy.
    this.stage = 'awaiting-completion';
    out.push({ type: 'complete-destination', atNs: this.nowNs, check: this.switchoverCheck('postcopy-end') });
  }
}

function combine(atStart: SwitchoverVerification | null, atEnd: SwitchoverVerification): SwitchoverVerification {
  if (atStart === null || atStart.verified !== false) return atEnd;
  return { ...atEnd, verified: false, detail: `at the post-copy switch: ${atStart.detail ?? 'memory differed'}` };
}

/** When `mustSend` more bytes (beyond the socket's room) have crossed at `rate` from `fromNs`. */
function fitsNs(mustSend: number, rate: number, fromNs: number): number {
  if (mustSend <= 0) return fromNs;
  return rate > 0 ? fromNs + Math.floor((mustSend / rate) * 1e9) : Infinity;
}
