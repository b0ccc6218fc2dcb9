import { RecoveryTracker, type GuestSample } from '@migsim/guest';
import type { RecoveryReport } from '@migsim/report';
import type { OperationReport, RecoveryStrategy } from '@migsim/mmu';
import { NS_PER_MS } from '../constants';

export type RecoveryTrigger = RecoveryReport['trigger'];

/**
 * Measures one recovery: from the moment dirty logging was switched off
 * (after a failed, cancelled or aborted migration, or a dirty-bitmap probe)
 * until the horizon or until logging is switched on again. Wraps libs/guest's
 * `RecoveryTracker` (90/95/99 %, lost work, re-faults) and also watches the
 * levels scenario `recovers` checks ask for.
 */
export class RecoveryRun {
  private readonly tracker: RecoveryTracker;
  private readonly watched = new Map<number, { lastBelowEndNs: number }>();
  private lastThroughput: number | null = null;
  private minThroughput = Infinity;
  private lastHugeFraction = 0;
  private endNs: number;

  constructor(
    readonly strategy: RecoveryStrategy,
    readonly trigger: RecoveryTrigger,
    readonly cause: string,
    readonly startNs: number,
    private readonly vcpus: number,
    private readonly disableReports: readonly OperationReport[],
    watchFractions: readonly number[],
  ) {
    this.tracker = new RecoveryTracker({ vcpus, startNs });
    for (const fraction of watchFractions) this.watched.set(fraction, { lastBelowEndNs: -1 });
    this.endNs = startNs;
  }

  add(tNs: number, dtNs: number, sample: GuestSample, hugeFraction: number): void {
    this.tracker.add(tNs, dtNs, sample);
    const endNs = tNs + dtNs;
    if (endNs <= this.startNs) return;
    this.endNs = endNs;
    this.lastThroughput = sample.relativeThroughput;
    if (sample.relativeThroughput < this.minThroughput) this.minThroughput = sample.relativeThroughput;
    this.lastHugeFraction = hugeFraction;
    for (const [fraction, state] of this.watched) {
      if (sample.relativeThroughput < fraction) state.lastBelowEndNs = endNs - this.startNs;
    }
  }

  /** Time from the start until throughput reached `fraction` and stayed there; null = not (yet) reached or not watched. */
  timeToNs(fraction: number): number | null {
    const state = this.watched.get(fraction);
    if (state === undefined || this.lastThroughput === null || this.lastThroughput < fraction) return null;
    return Math.max(0, state.lastBelowEndNs);
  }

  /** The levels `recovers` checks watch, in the order given. */
  watchedFractions(): number[] {
    return [...this.watched.keys()];
  }

  /** Ends the measurement (horizon, or logging on again). */
  report(): RecoveryReport {
    const metrics = this.tracker.metrics();
    const ms = (ns: number | null) => (ns === null ? null : ns / NS_PER_MS);
    let simulatedNs = 0;
    let tlbFlushes = 0;
    let sptesZapped = 0;
    let rmapEntriesScanned = 0;
    let lockYields = 0;
    let lockHoldMaxNs = 0;
    let hugeInstalled = 0;
    for (const report of this.disableReports) {
      simulatedNs += report.simulatedNs;
      tlbFlushes += report.tlbFlushes;
      sptesZapped += report.sptesZapped;
      rmapEntriesScanned += report.rmapEntriesScanned;
      lockYields += report.lockYields;
      lockHoldMaxNs = Math.max(lockHoldMaxNs, report.lockHoldMaxNs);
      hugeInstalled += report.hugeInstalled;
    }
    return {
      strategy: this.strategy,
      trigger: this.trigger,
      cause: this.cause,
      startMs: this.startNs / NS_PER_MS,
      timeTo90PctMs: ms(metrics.timeTo90PctNs),
      timeTo95PctMs: ms(metrics.timeTo95PctNs),
      timeTo99PctMs: ms(metrics.timeTo99PctNs),
      ...(Number.isFinite(this.minThroughput) ? { minRelativeThroughput: this.minThroughput } : {}),
      lostWorkVcpuSeconds: metrics.lostWorkVcpuSeconds,
      refaults: metrics.refaults,
      finalHugeFraction: this.lastHugeFraction,
      finalRelativeThroughput: this.lastThroughput ?? 1,
      disable: {
        simulatedMs: simulatedNs / NS_PER_MS,
        tlbFlushes,
        sptesZapped,
        rmapEntriesScanned,
        lockYields,
        lockHoldMaxMs: lockHoldMaxNs / NS_PER_MS,
        hugeInstalled,
      },
    };
  }

  get measuredUntilNs(): number {
    return this.endNs;
  }

  /** How long the recovery has been measured so far. */
  get measuredNs(): number {
    return this.endNs - this.startNs;
  }

  get vcpuCount(): number {
    return this.vcpus;
  }
}
