import type { OperationReport } from '@migsim/mmu';
import type { MigrationAction } from './actions';
import { PageMachineBase } from './page-machine-base';
import { RateWindow } from './rate-window';

/**
 * Xen's pre-copy (tools/libxc/xc_domain_save.c, Xen <= 4.5), page-accurate,
 * as a peer of QEMU's. Iteration 1 sends every page; each later iteration
 * sends the pages the previous one left dirty (`XEN_DOMCTL_SHADOW_OP_CLEAN`
 * at the end of each iteration is the bitmap sync). After an iteration the
 * next one is the last (domain suspended, `suspend_and_state`) when
 * `iter >= max_iters` (29), or it sent fewer than 50 pages
 * (`sent_this_iter + skip_this_iter < 50`), or more than 3x the memory was
 * sent in total (`total_sent > p2m_size * max_factor`).
 *
 * Not modelled: the `to_skip` peek (pages re-dirtied during an iteration are
 * sent anyway), and Xen's own rate ramp: pages go out under the same
 * `max-bandwidth` 100 ms windows as QEMU's, the last iteration unthrottled.
 */
export class XenMachine extends PageMachineBase {
  readonly algorithm = 'xen' as const;
  private iteration = 0;
  private sentThisIteration = 0;
  private totalSentPages = 0;

  protected onStart(enableReports: readonly OperationReport[]): number {
    this.allocatePageState();
    return enableReports.reduce((sum, report) => sum + report.simulatedNs, 0);
  }

  protected onSetupDone(out: MigrationAction[]): void {
    this.currentStatus = 'active';
    this.stage = 'iterating';
    this.window = new RateWindow(this.nowNs, this.params['max-bandwidth'], this.params['downtime-limit']);
    this.iteration = 1;
    this.setPhase('round', this.iteration, out);
  }

  protected pump(out: MigrationAction[]): void {
    if (this.stage === 'stop-and-copy') {
      this.pumpStopAndCopy(out);
      return;
    }
    if (this.stage !== 'iterating') return;
    const bitmap = this.bitmap!;
    for (;;) {
      if (this.nowNs < this.busyUntilNs) return;
      this.updateCounters();
      const transferred = this.counters.transferredBytes;
      if (bitmap.dirtyPageCount > 0) {
        if (this.window.exceeded(transferred)) return;
        const room = this.socketRoomBytes();
        if (room <= 0) return;
        const pages = this.sendPages(Math.min(this.window.remainingBytes(transferred), room, this.params.model.batchBytesMax), out);
        this.sentThisIteration += pages;
        this.totalSentPages += pages;
        continue;
      }
      const xen = this.params.xen;
      const last =
        this.iteration >= xen.maxIterations ||
        this.sentThisIteration < xen.minPagesPerIteration ||
        this.totalSentPages > this.layout.totalPages * xen.maxFactor;
      if (last) {
        this.beginStopAndCopy(out);
        this.pumpStopAndCopy(out);
        return;
      }
      this.syncDirtyBitmap(out);
      this.iteration++;
      this.sentThisIteration = 0;
      this.setPhase('round', this.iteration, out);
    }
  }

  protected wakeNs(): number | null {
    return this.pageWakeNs();
  }
}
