import type { OperationReport } from '@migsim/mmu';
import type { MigrationAction } from './actions';
import type { MigrationEvent } from './events';
import { MigrationBitmap } from './migration-bitmap';
import { PageBatchBuilder, type TakenPages } from './page-batch-builder';
import { NS_PER_SEC, PAGE_SIZE_BYTES, SYNC_PERIOD_MIN_NS } from './qemu-constants';
import { RateWindow } from './rate-window';
import type { UnsentBatch } from './page-batch';
import { SourceMachineBase } from './source-machine-base';
import { SourcePageState } from './source-page-state';
import type { SwitchoverCheck } from './switchover-check';

/** How old a count of the dirty logs may be before a lookahead reads them again (100 ms of simulated time). */
const LOGGED_RECOUNT_NS = 100_000_000;

/** Where a page-accurate machine is in its own flow. */
export type PageStage = 'setup' | 'iterating' | 'stop-and-copy' | 'awaiting-destination' | 'postcopy' | 'postcopy-paused' | 'awaiting-completion' | 'ended';

/**
 * Shared machinery of the page-accurate algorithms (QEMU, Xen): the
 * migration bitmap, page versions, batches of real pages, the 100 ms rate
 * window, bitmap syncs through the MMU, and the final stop-and-copy.
 */
export abstract class PageMachineBase extends SourceMachineBase {
  protected readonly memoryModel = 'pages' as const;
  protected stage: PageStage = 'setup';
  protected pages: SourcePageState | null = null;
  protected bitmap: MigrationBitmap | null = null;
  protected builder: PageBatchBuilder | null = null;
  protected window: RateWindow = new RateWindow(0, 0, 0);
  /** The migration thread is inside a KVM ioctl (a sync) until then. */
  protected busyUntilNs = 0;
  /** `rs->time_last_bitmap_sync`, `num_dirty_pages_period`, `bytes_xfer_prev`. */
  private periodStartNs = -1;
  private periodDirtyPages = 0;
  private periodStartBytes = 0;
  /** `mig_stats.dirty_bytes_last_sync`. */
  protected dirtyBytesLastSync = 0;
  private deviceStateSent = false;
  /** The dirty logs' page count as last read since the latest sync (`loggedPagesAtLeast`), and when. */
  private readonly logged = { syncCount: -1, pages: 0, atNs: -Infinity };

  // ---- hooks --------------------------------------------------------------

  /** A sync closed a period of more than 1 s (`migration_trigger_throttle` runs here in QEMU). */
  protected onSyncPeriodClosed(_bytesTransferred: number, _bytesDirtied: number, _out: MigrationAction[]): void {}

  // ---- SourceMachineBase --------------------------------------------------

  protected allocatePageState(): void {
    this.pages = new SourcePageState(this.layout, this.params.model.zeroPageFraction);
    this.bitmap = new MigrationBitmap(this.layout.indexPages);
    this.builder = new PageBatchBuilder(this.bitmap, this.pages);
    this.bitmap.setAll(this.layout);
    this.window = new RateWindow(this.nowNs, this.params['max-bandwidth'], this.params['downtime-limit']);
  }

  protected onGuestWrite(gfnStart: number, count: number): void {
    this.pages?.recordWrite(gfnStart, count);
  }

  protected remainingBytes(): number {
    return (this.bitmap?.dirtyPageCount ?? 0) * PAGE_SIZE_BYTES;
  }

  /**
   * A lower bound on the pages the next bitmap sync finds in the dirty logs:
   * a log only grows until the sync harvests it, so a count read since the
   * latest sync stays a bound. It is read again (`mmu.loggedPageCount`, no
   * kernel work) only when `recount` and the last read is older than
   * `LOGGED_RECOUNT_NS`: a lookahead asks at every step, a read costs a pass
   * over the logged regions.
   */
  protected loggedPagesAtLeast(recount: boolean): number {
    const logged = this.logged;
    if (logged.syncCount !== this.counters.syncCount) {
      logged.syncCount = this.counters.syncCount;
      logged.pages = 0;
      logged.atNs = -Infinity;
    }
    if (recount && this.nowNs - logged.atNs >= LOGGED_RECOUNT_NS) {
      let pages = 0;
      for (const slot of this.layout.slots) pages += this.vm.mmu.loggedPageCount(slot.id);
      logged.pages = pages;
      logged.atNs = this.nowNs;
    }
    return logged.pages;
  }

  protected measured(): { mbps: number; expectedDowntimeMs: number } {
    return { mbps: this.window.mbps, expectedDowntimeMs: this.window.expectedDowntimeMs };
  }

  protected releaseState(): void {
    this.stage = 'ended';
    this.pages?.release();
    this.bitmap?.release();
    this.pages = null;
    this.bitmap = null;
    this.builder = null;
  }

  sourcePageVersions(): Uint8Array | null {
    return this.pages?.versionsSnapshot() ?? null;
  }

  modelBytes(): number {
    return (this.pages?.modelBytes() ?? 0) + (this.bitmap?.modelBytes() ?? 0);
  }

  protected override onSetParameters(): void {
    if (this.stage === 'iterating') this.window.setRate(this.params['max-bandwidth']);
    this.window.setDowntimeLimit(this.params['downtime-limit']);
  }

  protected override onOtherEvent(event: MigrationEvent, out: MigrationAction[]): void {
    if (event.type === 'destination-resumed' && this.stage === 'awaiting-destination') {
      this.markDowntimeEnd();
      this.completeOnSource(event.verification, out);
      return;
    }
    super.onOtherEvent(event, out);
  }

  // ---- bitmap sync --------------------------------------------------------

  /**
   * `migration_bitmap_sync`: KVM_GET_DIRTY_LOG on every memslot, OR into
   * the migration bitmap, count the sync; every period of more than 1 s
   * updates the dirty-page rate and lets auto-converge decide.
   */
  protected syncDirtyBitmap(out: MigrationAction[]): number {
    const bitmap = this.bitmap!;
    this.counters.syncCount++;
    if (this.periodStartNs < 0) this.periodStartNs = this.nowNs;
    const reports: OperationReport[] = [];
    let fresh = 0;
    for (const slot of this.layout.slots) {
      // KVM_GET_DIRTY_LOG ORed straight into the migration bitmap (slot offsets are word-aligned).
      const log = this.vm.mmu.getDirtyLogInto(slot.id, bitmap.words, slot.offset >>> 5, bitmap.summary);
      fresh += log.newlyDirtyPageCount;
      reports.push(log.report);
    }
    bitmap.dirtyPageCount += fresh;
    // QEMU with KVM's manual protection (KVM_DIRTY_LOG_INITIALLY_SET) clears the log lazily, 1 GiB
    // at a time before sending it (`migration_clear_memory_region_dirty_bitmap`). libs/mmu's
    // get-dirty-log already clears and re-protects what it reports, and a later range clear would
    // drop writes made in between, so the lazy clear is not modelled.
    this.periodDirtyPages += fresh;
    this.dirtyBytesLastSync = bitmap.dirtyPageCount * PAGE_SIZE_BYTES;
    if (this.nowNs > this.periodStartNs + SYNC_PERIOD_MIN_NS) {
      const bytesTransferred = this.counters.transferredBytes - this.periodStartBytes;
      const bytesDirtied = this.periodDirtyPages * PAGE_SIZE_BYTES;
      this.onSyncPeriodClosed(bytesTransferred, bytesDirtied, out);
      // migration_update_rates: pages per second over the period.
      this.counters.dirtyPagesRate = (this.periodDirtyPages * NS_PER_SEC) / (this.nowNs - this.periodStartNs);
      this.periodStartNs = this.nowNs;
      this.periodDirtyPages = 0;
      this.periodStartBytes = this.counters.transferredBytes;
    }
    const kernelNs = reports.reduce((sum, report) => sum + report.simulatedNs, 0);
    this.busyUntilNs = Math.max(this.busyUntilNs, this.nowNs + kernelNs);
    out.push({
      type: 'dirty-bitmap-synced',
      atNs: this.nowNs,
      syncCount: this.counters.syncCount,
      newDirtyPageCount: fresh,
      remainingBytes: this.remainingBytes(),
      kernelNs,
      reports,
    });
    return fresh;
  }

  // ---- sending ------------------------------------------------------------

  /** Takes pages off the bitmap (or the listed ones) and sends them as one batch; returns the pages sent. */
  protected sendPages(maxBytes: number, out: MigrationAction[], listed?: readonly number[]): number {
    const taken: TakenPages = listed === undefined ? this.builder!.take(maxBytes) : this.builder!.takeListed(listed, maxBytes);
    const pageCount = taken.zeroPageCount + taken.normalPageCount;
    if (pageCount === 0) return 0;
    const idx = taken.indexRanges;
    let ranges = idx;
    if (!this.indexIsGfn()) {
      ranges = [];
      for (let i = 0; i < idx.length; i += 2) this.layout.pushGfnRuns(idx[i]!, idx[i + 1]!, ranges);
    }
    const batch: UnsentBatch = {
      kind: 'pages',
      ranges,
      versionRuns: taken.versionRuns,
      zeroPageCount: taken.zeroPageCount,
      normalPageCount: taken.normalPageCount,
      wireBytes: taken.wireBytes,
    };
    if (listed !== undefined) batch.urgent = true;
    this.sendBatch(batch, out);
    return pageCount;
  }

  /** One memslot whose page index is its gfn (the usual VM): index ranges are gfn ranges as they are. */
  private indexIsGfn(): boolean {
    const slots = this.layout.slots;
    return slots.length === 1 && slots[0]!.offset === slots[0]!.baseGfn;
  }

  /** `migration_update_counters` + the rate window. */
  protected updateCounters(): void {
    this.window.update(this.nowNs, this.counters.transferredBytes, this.params['downtime-limit'], this.counters.dirtyPagesRate, this.dirtyBytesLastSync);
  }

  // ---- stop-and-copy ------------------------------------------------------

  /**
   * `migration_completion` -> `migration_completion_precopy`: stop the VM
   * (`migration_stop_vm`), then `ram_save_complete`: a last bitmap sync and
   * every dirty page, "regardless of rate limiting"; then the device state.
   */
  protected beginStopAndCopy(out: MigrationAction[]): void {
    this.stage = 'stop-and-copy';
    this.pauseVm(out);
    this.setPhase('stop-and-copy', null, out);
    this.syncDirtyBitmap(out);
    this.window.setRate(0);
    this.deviceStateSent = false;
  }

  protected pumpStopAndCopy(out: MigrationAction[]): void {
    if (this.nowNs < this.busyUntilNs) return;
    const bitmap = this.bitmap!;
    while (bitmap.dirtyPageCount > 0) {
      const room = this.socketRoomBytes();
      if (room <= 0) return;
      this.sendPages(Math.min(room, this.params.model.batchBytesMax), out);
    }
    if (!this.deviceStateSent) {
      this.deviceStateSent = true;
      this.sendDeviceState(out);
    }
    if (this.inFlightBytes > 0) return;
    this.stage = 'awaiting-destination';
    out.push({ type: 'resume-destination', atNs: this.nowNs, check: this.switchoverCheck('precopy') });
  }

  /** Whether the final device state already went out in this stop-and-copy. */
  protected deviceStateSentFlag(): boolean {
    return this.deviceStateSent;
  }

  protected sendDeviceState(out: MigrationAction[]): void {
    const bytes = this.params.model.deviceStateBytes;
    if (bytes <= 0) return;
    this.sendBatch({ kind: 'device-state', ranges: [], versionRuns: [], zeroPageCount: 0, normalPageCount: 0, wireBytes: bytes }, out);
  }

  protected switchoverCheck(mode: 'precopy' | 'postcopy-start' | 'postcopy-end'): SwitchoverCheck {
    const masked = mode === 'postcopy-start';
    return {
      migrationId: this.id,
      mode,
      precedingBatchCount: this.sentBatchCount(),
      versionsDigest: masked ? this.pages!.digest(this.bitmap!.words) : this.pages!.digest(),
      absentPageCount: masked ? this.bitmap!.dirtyPageCount : 0,
    };
  }

  /** Wake-up candidates shared by page machines. */
  protected pageWakeNs(): number | null {
    if (this.stage === 'ended' || this.stage === 'awaiting-destination' || this.stage === 'awaiting-completion' || this.stage === 'postcopy-paused') return null;
    if (this.nowNs < this.busyUntilNs) return this.busyUntilNs;
    if (this.stage === 'stop-and-copy') return null;
    return this.window.windowEndNs();
  }
}
