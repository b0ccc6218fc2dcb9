import type { Coverage, MmuCounters, VmMmu } from '@migsim/mmu';
import { GuestMemoryLayout, REGION_PAGES } from './guest-memory-layout';
import { GuestError } from './errors';
import { loggingExitCostNs } from './logging-cost';
import type { RandomSource } from './random-source';
import { RefaultPass } from './refault-pass';
import { relativeThroughput, ThroughputModel } from './throughput-model';
import { resolveTlbProfile, type TlbProfile } from './tlb-profile';
import { GUEST_PAGE_BYTES, workloadSpec, type ResolvedWorkloadSpec, type WorkloadSpec } from './workload-spec';
import { WriteStream } from './write-stream';

/** What the migration driver does to the guest during a step. */
export interface GuestEnvironment {
  /** Auto-converge throttle, share of vCPU time taken away (0..0.99). */
  throttle?: number;
  /**
   * mmu_lock stall in this step, ns of wall time during which every vCPU
   * waits (e.g. a legacy MMU holding the lock for write while it zaps).
   * Capped at the step length.
   */
  lockStallNs?: number;
  /** Paused (stop-and-copy, or a paused VM): no guest work, no writes. */
  paused?: boolean;
}

export interface GuestSample {
  /** 0..1 of baseline over the step. */
  relativeThroughput: number;
  /** From the MMU, at the end of the step. */
  coverage: Coverage;
  /** Page writes issued in the step (write hits: a page may repeat). */
  pagesWritten: number;
  /** Page faults that installed SPTEs (4K + 2M + 1G), including re-faults. */
  faults: number;
  /** Simulated ns of those faults. */
  faultNs: number;
  /** Simulated ns of dirty-logging write faults, PML-full exits and huge-page splits. */
  loggingExitNs: number;
  /** TLB reach and walk cost factor alone (0..1]. */
  tlbFactor: number;
  /**
   * Share of the working set mapped huge at the end of the step (an
   * estimate, see `GuestVm.workingSetHugeFraction`): unlike
   * `hugeFraction(coverage)` it counts working-set memory still waiting to
   * be re-faulted as not huge. Always set by `GuestVm.step`.
   */
  workingSetHugeFraction?: number;
}

export interface GuestVmOptions {
  mmu: VmMmu;
  workload: WorkloadSpec;
  /** A profile or the name of one in TLB_PROFILES; default 'skylake-server'. */
  tlb?: TlbProfile | string;
  rng: RandomSource;
  /** First gfn of guest memory; default the lowest memslot base. */
  baseGfn?: number;
}

type WriteListener = (gfnStart: number, count: number) => void;

/**
 * Steps with fewer writes than this draw every write even when nobody listens
 * (they are cheap); above it such a step draws only first writes
 * (`WriteStream.emitFirstWrites`), so its work follows the pages, not the rate.
 */
export const FIRST_WRITES_MIN_WRITES = 512;

/**
 * One running guest: writes its memory through the MMU at the workload's
 * rate, re-touches (re-faults) working-set memory that lost its SPTEs, and
 * reports its throughput relative to the same VM with no migration.
 *
 * Guest memory is [baseGfn, baseGfn + memoryBytes / 4096): the working set
 * is its first `workingSetBytes`, the write working set the first
 * `writeWorkingSetBytes` of that. Construct it after the memslots and the
 * host backing are set and before dirty logging is enabled: the baseline
 * (every working-set region at its max mapping level) is taken then.
 */
export class GuestVm {
  readonly mmu: VmMmu;
  readonly workload: ResolvedWorkloadSpec;
  readonly tlb: TlbProfile;
  readonly baseGfn: number;
  readonly throughputModel: ThroughputModel;
  private readonly layout: GuestMemoryLayout;
  private readonly writes: WriteStream;
  private readonly refault: RefaultPass;
  private readonly listeners: WriteListener[] = [];
  private readonly writePagesPerNs: number;
  /** A write to a read-only memslot exits every time: repeated writes are only free without one. */
  private readonly repeatWritesFree: boolean;
  private writeCarry = 0;
  /** vCPU-ns of fault work that did not fit in earlier steps. */
  private overrunNs = 0;
  private nextVcpu = 0;
  private stepCostNs = 0;

  constructor(options: GuestVmOptions) {
    this.mmu = options.mmu;
    this.workload = workloadSpec(options.workload);
    this.tlb = resolveTlbProfile(options.tlb);
    this.layout = new GuestMemoryLayout(this.mmu, this.workload, options.baseGfn);
    this.baseGfn = this.layout.baseGfn;
    this.throughputModel = new ThroughputModel(this.tlb, this.workload, this.layout.baselineCoverage());
    this.writes = new WriteStream({
      pattern: this.workload.pattern,
      writeSetPages: this.workload.writeWorkingSetBytes / GUEST_PAGE_BYTES,
      zipfExponent: this.workload.zipfExponent,
      hotFraction: this.workload.hotFraction,
      hotAccessShare: this.workload.hotAccessShare,
      rng: options.rng,
    });
    this.refault = new RefaultPass(
      this.layout.workingSetRegionCount,
      this.workload.workingSetBytes,
      (region) => this.touchRegion(region),
      (region, limit) => this.layout.mappedRegionsFrom(region, limit),
      (regions) => this.skipVcpus(regions),
    );
    this.writePagesPerNs = this.workload.dirtyRateBytesPerSec / GUEST_PAGE_BYTES / 1e9;
    this.repeatWritesFree = !this.mmu.memslots().some((slot) => slot.readonly === true);
  }

  /** Subscribes to every run of written pages; returns the unsubscribe function. */
  onWrite(listener: WriteListener): () => void {
    this.listeners.push(listener);
    return () => {
      const i = this.listeners.indexOf(listener);
      if (i >= 0) this.listeners.splice(i, 1);
    };
  }

  /** Bytes the write model holds beyond the MMU (first-write bookkeeping). */
  modelBytes(): number {
    return this.writes.firstWriteBytes();
  }

  /** Absolute work/s of the same VM with no migration: vCPUs x accesses/s. */
  baselineThroughput(): number {
    return this.workload.vcpus * this.workload.accessesPerSecPerVcpu;
  }

  /** True while working-set memory that lost its SPTEs is still being re-faulted. */
  get refaulting(): boolean {
    return this.refault.inProgress;
  }

  /** Runs `dtNs` of guest time. */
  step(dtNs: number, env: GuestEnvironment = {}): GuestSample {
    if (!(dtNs > 0 && Number.isFinite(dtNs))) {
      throw new GuestError('INVALID_STEP', `step: expected dtNs > 0, got ${dtNs}`);
    }
    const capacityNs = this.workload.vcpus * dtNs;
    if (env.paused) return this.pausedSample();

    const throttle = Math.min(0.99, Math.max(0, env.throttle ?? 0));
    const stallShare = Math.min(1, Math.max(0, env.lockStallNs ?? 0) / dtNs);
    const runnableShare = (1 - throttle) * (1 - stallShare);
    const runnableNs = capacityNs * runnableShare;
    const before = this.mmu.counters();
    this.refault.observe(this.mmu.coverage().bytesUnmapped);

    // Stores happen while the vCPUs run: throttle and stalls slow the dirty rate too.
    const wanted = this.writeCarry + this.writePagesPerNs * dtNs * runnableShare;
    // The epsilon keeps exact rates exact: 1000 pages/s for 100 ms is 100 pages, not 99.999...
    const pagesWritten = Math.floor(wanted + 1e-9);
    this.writeCarry = Math.max(0, wanted - pagesWritten);
    this.stepCostNs = 0;
    // With no listener, a write to a page written since the MMU last changed under the guest is a no-op.
    if (this.listeners.length === 0 && this.repeatWritesFree && pagesWritten >= FIRST_WRITES_MIN_WRITES) {
      this.writes.emitFirstWrites(pagesWritten, this.mmu.kernelChangeCount(), this.writeRun);
    } else {
      this.writes.emit(pagesWritten, this.writeRun);
    }
    const writeCostNs = this.stepCostNs;

    this.refault.observe(this.mmu.coverage().bytesUnmapped);
    const touchCostNs = this.refault.run(runnableNs - writeCostNs - this.overrunNs);
    const coverage = this.mmu.coverage();
    this.refault.settle(coverage.bytesUnmapped);

    const costNs = writeCostNs + touchCostNs + this.overrunNs;
    this.overrunNs = Math.max(0, costNs - runnableNs);
    const after = this.mmu.counters();
    const loggingExitNs = Math.min(writeCostNs + touchCostNs, loggingExitCostNs(this.mmu, before, after));
    const tlbFactor = this.throughputModel.tlbFactor(coverage);
    const workingSetHugeFraction = this.workingSetHugeFraction(coverage);
    return {
      relativeThroughput: relativeThroughput({
        capacityNs,
        lostNs: capacityNs - runnableNs + Math.min(runnableNs, costNs),
        tlbFactor,
      }),
      coverage,
      pagesWritten,
      faults: countFaults(after) - countFaults(before),
      faultNs: writeCostNs + touchCostNs - loggingExitNs,
      loggingExitNs,
      tlbFactor,
      workingSetHugeFraction,
    };
  }

  /**
   * Share of the working set mapped huge: the working set less its
   * unmapped bytes (the re-fault pass's estimate) less its 4K-mapped bytes
   * (4K mappings are charged to the working set first, as the TLB model
   * does), over the working set.
   */
  workingSetHugeFraction(coverage: Coverage = this.mmu.coverage()): number {
    const ws = this.workload.workingSetBytes;
    const mapped = ws - this.refault.workingSetUnmappedBytes;
    return Math.max(0, mapped - Math.min(coverage.bytes4k, mapped)) / ws;
  }

  private pausedSample(): GuestSample {
    const coverage = this.mmu.coverage();
    this.refault.observe(coverage.bytesUnmapped);
    return {
      relativeThroughput: 0,
      coverage,
      pagesWritten: 0,
      faults: 0,
      faultNs: 0,
      loggingExitNs: 0,
      tlbFactor: this.throughputModel.tlbFactor(coverage),
      workingSetHugeFraction: this.workingSetHugeFraction(coverage),
    };
  }

  /** Write sink: one run of pages of the write working set (a bound field, so no per-call closure). */
  private readonly writeRun = (firstPage: number, pageCount: number): void => {
    const gfn = this.baseGfn + firstPage;
    const vcpu = this.takeVcpu();
    this.stepCostNs +=
      pageCount === 1 ? this.mmu.access(gfn, true, vcpu) : this.layout.accessRun(gfn, pageCount, true, vcpu);
    for (let i = 0; i < this.listeners.length; i++) this.listeners[i](gfn, pageCount);
  };

  private touchRegion(region: number): number {
    const firstPage = region * REGION_PAGES;
    const pageCount = Math.min(REGION_PAGES, this.layout.workingSetPages - firstPage);
    return this.layout.accessRun(this.baseGfn + firstPage, pageCount, false, this.takeVcpu());
  }

  /** The vCPU rotation moved on as `count` region touches would have moved it. */
  private skipVcpus(count: number): void {
    this.nextVcpu = (this.nextVcpu + count) % Math.min(this.workload.vcpus, this.mmu.vcpus);
  }

  /** Round-robin over the vCPUs, so per-vCPU state in the MMU (PML buffers) fills as it would. */
  private takeVcpu(): number {
    const vcpu = this.nextVcpu;
    this.nextVcpu = vcpu + 1 >= Math.min(this.workload.vcpus, this.mmu.vcpus) ? 0 : vcpu + 1;
    return vcpu;
  }
}

function countFaults(counters: MmuCounters): number {
  return counters.faults4k + counters.faults2m + counters.faults1g;
}
