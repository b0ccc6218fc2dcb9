import type { OperationReport } from './reports';

/**
 * Accounts one walk over the MMU under mmu_lock: work adds to the hold time;
 * once the hold reaches the budget (need_resched / spin_needbreak) the walk
 * flushes the TLB if it zapped anything since the last flush (when the walk
 * needs that before dropping the lock) and yields (`cond_resched_lock`).
 */
export class LockedWalk {
  simulatedNs = 0;
  holdNs = 0;
  holdMaxNs = 0;
  yields = 0;
  flushes = 0;
  sptesZapped = 0;
  rmapEntriesScanned = 0;
  hugeInstalled = 0;
  splits = 0;
  private flushPending = false;

  constructor(
    private readonly budgetNs: number,
    private readonly flushCostNs: number,
    private readonly yieldNs: number,
  ) {}

  work(ns: number): void {
    this.holdNs += ns;
    this.simulatedNs += ns;
  }

  needFlush(): void {
    this.flushPending = true;
  }

  flushNow(): void {
    this.work(this.flushCostNs);
    this.flushes++;
    this.flushPending = false;
  }

  /** Yield if the hold budget is spent; flush first when `flushBeforeYield` and a flush is pending. */
  maybeYield(flushBeforeYield: boolean): void {
    if (this.holdNs < this.budgetNs) return;
    if (flushBeforeYield && this.flushPending) this.flushNow();
    if (this.holdNs > this.holdMaxNs) this.holdMaxNs = this.holdNs;
    this.holdNs = 0;
    this.yields++;
    this.simulatedNs += this.yieldNs;
  }

  /** End of the walk: the final flush if one is pending, then drop the lock. */
  finish(): void {
    if (this.flushPending) this.flushNow();
    if (this.holdNs > this.holdMaxNs) this.holdMaxNs = this.holdNs;
    this.holdNs = 0;
  }

  report(operation: OperationReport['operation'], extraNs = 0): OperationReport {
    return {
      operation,
      simulatedNs: this.simulatedNs + extraNs,
      lockHoldMaxNs: this.holdMaxNs,
      lockYields: this.yields,
      tlbFlushes: this.flushes,
      sptesZapped: this.sptesZapped,
      rmapEntriesScanned: this.rmapEntriesScanned,
      hugeInstalled: this.hugeInstalled,
      splits: this.splits,
    };
  }
}
