import type { Coverage } from '@migsim/mmu';
import { setHostShares } from './coverage-shares';
import { GuestError } from './errors';
import type { TlbProfile } from './tlb-profile';
import { translationNsPerAccess, type HostMappingShares } from './translation-cost';
import type { ResolvedWorkloadSpec } from './workload-spec';

const ALL_4K: HostMappingShares = { '4k': 1, '2m': 0, '1g': 0 };

/**
 * The guest's speed relative to the same VM with no migration.
 *
 * Per access, a vCPU spends tAccess = 1e9 / accessesPerSecPerVcpu ns on the
 * baseline VM, of which T(baseline) is page walks; the rest, tCore, does
 * not depend on the mappings. With the current mappings an access takes
 * tCore + T(now), so
 *
 *   tlbFactor = tAccess / (tCore + T(now))                  (capped at 1)
 *   T = (1 - writeFraction) x walk(working set) + writeFraction x walk(write set)
 *
 * (loads spread over the working set, stores over the write working set;
 * `walk` is `translationNsPerAccess`). Then the vCPU time of the step is
 * shared out:
 *
 *   relativeThroughput = tlbFactor x (capacity - throttled - stalled - overhead) / capacity
 *
 * with capacity = vCPUs x step, throttled = the auto-converge share of it,
 * stalled = mmu_lock waits, overhead = the simulated ns of page faults,
 * re-faults, dirty-logging write faults and PML-full exits.
 */
export class ThroughputModel {
  /** ns per access on the baseline VM. */
  readonly accessTimeNs: number;
  /** ns of page walk per access on the baseline VM. */
  readonly baselineTranslationNs: number;
  /** ns per access that do not depend on the mappings. */
  readonly coreNs: number;

  constructor(
    readonly profile: TlbProfile,
    readonly workload: ResolvedWorkloadSpec,
    /** Bytes of the working set at each mapping size with no migration. */
    readonly baselineCoverage: Coverage,
  ) {
    this.accessTimeNs = 1e9 / workload.accessesPerSecPerVcpu;
    this.baselineTranslationNs = this.translationNs(baselineCoverage);
    this.coreNs = this.accessTimeNs - this.baselineTranslationNs;
    if (!(this.coreNs > 0)) {
      throw new GuestError(
        'INVALID_WORKLOAD',
        `workload.accessesPerSecPerVcpu: ${workload.accessesPerSecPerVcpu} accesses/s leave ${this.accessTimeNs.toFixed(1)} ns per access, ` +
          `but the baseline page walks alone take ${this.baselineTranslationNs.toFixed(1)} ns; expected fewer accesses per second`,
      );
    }
  }

  /** Page-walk ns per access with these mappings. */
  translationNs(coverage: Coverage): number {
    const { workingSetBytes, writeWorkingSetBytes, writeFraction, guestThpFraction } = this.workload;
    const loads = translationNsPerAccess(
      this.profile,
      setHostShares(coverage, workingSetBytes, ALL_4K),
      guestThpFraction,
      workingSetBytes,
    );
    const stores = translationNsPerAccess(
      this.profile,
      setHostShares(coverage, writeWorkingSetBytes, ALL_4K),
      guestThpFraction,
      writeWorkingSetBytes,
    );
    return (1 - writeFraction) * loads + writeFraction * stores;
  }

  /** Speed of one running vCPU relative to baseline, from TLB reach and walk cost alone (0..1]. */
  tlbFactor(coverage: Coverage): number {
    return Math.min(1, this.accessTimeNs / (this.coreNs + this.translationNs(coverage)));
  }
}

export interface StepTimeShare {
  /** vCPUs x step length, ns. */
  capacityNs: number;
  /** vCPU-ns taken by the auto-converge throttle, mmu_lock stalls, faults and exits. */
  lostNs: number;
  tlbFactor: number;
}

/** tlbFactor x the share of vCPU time left for guest work; 0 when nothing is left. */
export function relativeThroughput({ capacityNs, lostNs, tlbFactor }: StepTimeShare): number {
  if (capacityNs <= 0) return 0;
  return (tlbFactor * Math.max(0, capacityNs - lostNs)) / capacityNs;
}
