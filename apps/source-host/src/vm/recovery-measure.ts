import { RecoveryTracker, type GuestSample } from '@migsim/guest';
import type { OperationReport, RecoveryStrategy } from '@migsim/mmu';
import type { RecoveryReport } from '@migsim/report';

const NS_PER_MS = 1e6;

/**
 * One recovery of a VM after dirty logging was switched off: libs/guest's
 * RecoveryTracker (90/95/99 %, lost work, re-faults) plus the levels the
 * scenario's `recovers` checks watch, in the report's model — measured the
 * way the in-process engine measures it, so both drivers can be compared.
 */
export class RecoveryMeasure {
  private readonly tracker: RecoveryTracker;
  private readonly watched = new Map<number, number>();
  private lastThroughput: number | null = null;
  private lastHugeFraction = 0;
  private endNs: number;

  constructor(
    readonly strategy: RecoveryStrategy,
    readonly trigger: RecoveryReport['trigger'],
    readonly cause: string,
    readonly startNs: number,
    vcpus: number,
    private readonly disableReports: readonly OperationReport[],
    watchFractions: readonly number[],
  ) {
    this.tracker = new RecoveryTracker({ vcpus, startNs });
    for (const fraction of watchFractions) this.watched.set(fraction, -1);
    this.endNs = startNs;
  }

  add(tNs: number, dtNs: number, sample: GuestSample, hugeFraction: number): void {
    this.tracker.add(tNs, dtNs, sample);
    const endNs = tNs + dtNs;
    if (endNs <= this.startNs) return;
    this.endNs = endNs;
    this.lastThroughput = sample.relativeThroughput;
    this.lastHugeFraction = hugeFraction;
    for (const fraction of this.watched.keys()) {
      if (sample.relativeThroughput < fraction) this.watched.set(fraction, endNs - this.startNs);
    }
  }

  /** Time from the start until throughput reached `fraction` and stayed there; null = not reached. */
  timeToNs(fraction: number): number | null {
    const lastBelow = this.watched.get(fraction);
    if (lastBelow === undefined || this.lastThroughput === null || this.lastThroughput < fraction) return null;
    return Math.max(0, lastBelow);
  }

  get measuredNs(): number {
    return this.endNs - this.startNs;
  }

  report(): RecoveryReport {
    const metrics = this.tracker.metrics();
    const ms = (ns: number | null) => (ns === null ? null : ns / NS_PER_MS);
    const sum = (pick: (report: OperationReport) => number) => this.disableReports.reduce((total, report) => total + pick(report), 0);
    return {
      strategy: this.strategy,
      trigger: this.trigger,
      cause: this.cause,
      startMs: this.startNs / NS_PER_MS,
      timeTo90PctMs: ms(metrics.timeTo90PctNs),
      timeTo95PctMs: ms(metrics.timeTo95PctNs),
      timeTo99PctMs: ms(metrics.timeTo99PctNs),
      lostWorkVcpuSeconds: metrics.lostWorkVcpuSeconds,
      refaults: metrics.refaults,
      finalHugeFraction: this.lastHugeFraction,
      finalRelativeThroughput: this.lastThroughput ?? 1,
      disable: {
        simulatedMs: sum((report) => report.simulatedNs) / NS_PER_MS,
        tlbFlushes: sum((report) => report.tlbFlushes),
        sptesZapped: sum((report) => report.sptesZapped),
        rmapEntriesScanned: sum((report) => report.rmapEntriesScanned),
        lockYields: sum((report) => report.lockYields),
        lockHoldMaxMs: this.disableReports.reduce((max, report) => Math.max(max, report.lockHoldMaxNs), 0) / NS_PER_MS,
        hugeInstalled: sum((report) => report.hugeInstalled),
      },
    };
  }
}
