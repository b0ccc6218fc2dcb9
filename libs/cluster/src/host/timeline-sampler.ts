import type { HostedVm } from './hosted-vm';

/**
 * When a host samples its VMs' timelines: coarsely on a global grid (the
 * scenario's `sampling.interval`), finely (every `fineNs`) for a while
 * after something happens to a VM — a phase change, a pause, a failure, a
 * recovery starting — so a 10–100 ms recovery shows as the dip it is
 * without sampling the whole run finely. Points also fall exactly at a VM's
 * transitions (breakpoints, taken by the host). Every time here is on a
 * grid that does not depend on how the run is driven.
 */
export class TimelineSampler {
  private readonly fineUntil = new Map<HostedVm, number>();
  private latestFineNs = -1;

  constructor(
    readonly coarseNs: number,
    readonly fineNs: number,
    private readonly fineSpanNs: number,
  ) {}

  /** Samples `vm` finely until `nowNs + spanNs` (default: the sampler's span). */
  markFine(vm: HostedVm, nowNs: number, spanNs = this.fineSpanNs): void {
    if (this.fineNs >= this.coarseNs) return;
    const until = nowNs + spanNs;
    if ((this.fineUntil.get(vm) ?? -1) >= until) return;
    this.fineUntil.set(vm, until);
    if (until > this.latestFineNs) this.latestFineNs = until;
  }

  /** Whether `vm` gets a point at tick `tNs`. */
  due(vm: HostedVm, tNs: number): boolean {
    if (tNs % this.coarseNs === 0) return true;
    const until = this.fineUntil.get(vm);
    if (until === undefined) return false;
    if (tNs > until) {
      this.fineUntil.delete(vm);
      return false;
    }
    return true;
  }

  /** The next tick after `afterNs`: the next coarse one, or the next fine one while some VM is sampled finely. */
  nextTickNs(afterNs: number): number {
    const coarse = (Math.floor(afterNs / this.coarseNs) + 1) * this.coarseNs;
    if (this.latestFineNs <= afterNs) return coarse;
    const fine = (Math.floor(afterNs / this.fineNs) + 1) * this.fineNs;
    return Math.min(coarse, fine);
  }

  forget(vm: HostedVm): void {
    this.fineUntil.delete(vm);
  }
}
