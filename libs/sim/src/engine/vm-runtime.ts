import { hugeFraction, type GuestSample } from '@migsim/guest';
import type { HostSpec, VmSpec } from '@migsim/scenario';
import type { RecoveryReport, TimelinePoint } from '@migsim/report';
import type { VmRunState, VmView } from '../checkers/checker';
import type { Rng } from '@migsim/cluster';
import { GUEST_RAM_SLOT_ID, NS_PER_MS } from './constants';
import type { RecoveryRun } from './recovery-run';
import { materializeVm, type MaterializedVm } from './vm-materializer';

/**
 * One VM during a run: where it lives and runs, its MMU and guest model
 * (built lazily: a VM nothing ever touches is only its spec, which is the
 * compact all-huge state populate would give it), the guest environment the
 * migration imposes (paused, throttled, mmu_lock stalls), and what the
 * report needs (timeline accumulators, recoveries).
 */
export class VmRuntime implements VmView {
  readonly name: string;
  /** Where the VM's memory lives; undefined once it was lost. */
  private homeHost: string | undefined;
  /** The last host it lived on (for a lost VM's report). */
  lastHome: string;
  runningOn: string[];
  state: VmRunState = 'running';
  stateReason: string | undefined;
  /** Id of the migration attempt holding the VM, if any. */
  activeAttempt: string | undefined;
  /** Id of the dirty-rate probe measuring the VM, if any. */
  probing: string | undefined;
  /** Whether that probe has dirty logging on (`dirty-bitmap` mode). */
  loggingProbe = false;
  recovery: RecoveryRun | undefined;
  readonly recoveries: RecoveryReport[] = [];
  /** Every recovery measured, closed ones included (scenario checks read them). */
  readonly recoveryRuns: RecoveryRun[] = [];
  readonly timeline: TimelinePoint[] = [];
  /** Time up to which the guest has run. */
  guestTimeNs = 0;
  pausedByMigration = false;
  /** Paused by the controller to force completion (Nova force_complete / KubeVirt allowWorkloadDisruption). */
  forcePaused = false;
  autoConvergePercent = 0;
  overheadPercent = 0;
  /** mmu_lock stall (dirty-log syncs, recovery) still to charge to the guest. */
  pendingStallNs = 0;
  private materialized: MaterializedVm | undefined;
  private placements = 0;
  private sampleThroughputNs = 0;
  private sampledNs = 0;

  constructor(
    readonly spec: VmSpec,
    private readonly rng: Rng,
  ) {
    this.name = spec.name;
    this.homeHost = spec.host;
    this.lastHome = spec.host;
    this.runningOn = [spec.host];
  }

  get home(): string | undefined {
    return this.homeHost;
  }

  set home(host: string | undefined) {
    this.homeHost = host;
    if (host !== undefined) this.lastHome = host;
  }

  get needsDirtyLogging(): boolean {
    return this.activeAttempt !== undefined || (this.probing !== undefined && this.loggingProbe);
  }

  dirtyLoggingOn(): boolean {
    return this.materialized?.mmu.isDirtyLogging(GUEST_RAM_SLOT_ID) ?? false;
  }

  get isMaterialized(): boolean {
    return this.materialized !== undefined;
  }

  /** The MMU and guest on the VM's home host, built on first use. */
  ensure(host: HostSpec, nowNs: number): MaterializedVm {
    if (this.materialized === undefined) this.place(host, nowNs);
    return this.materialized!;
  }

  /**
   * Builds the VM anew on `host` (the destination after a switchover: QEMU
   * there maps memory as the guest touches it, at the destination's max
   * mapping level). Each placement draws from its own forked stream.
   */
  place(host: HostSpec, nowNs: number): MaterializedVm {
    this.placements += 1;
    this.materialized = materializeVm(this.spec, host, this.rng.fork(`placement:${this.placements}`));
    this.guestTimeNs = nowNs;
    return this.materialized;
  }

  /** Guest-visible state right now. */
  get executing(): boolean {
    return this.state === 'running' && this.runningOn.length > 0 && !this.pausedByMigration && !this.forcePaused;
  }

  /** Runs the guest up to `toNs` in one slice (the caller slices). Idle and unbuilt VMs just move their clock. */
  advanceGuest(toNs: number): GuestSample | undefined {
    const dtNs = toNs - this.guestTimeNs;
    if (dtNs < 1 || this.materialized === undefined || this.state === 'down' || this.state === 'lost') {
      if (toNs > this.guestTimeNs) this.guestTimeNs = toNs;
      return undefined;
    }
    const startNs = this.guestTimeNs;
    const stall = Math.min(this.pendingStallNs, dtNs);
    this.pendingStallNs -= stall;
    const throttle = 1 - (1 - this.autoConvergePercent / 100) * (1 - this.overheadPercent / 100);
    const sample = this.materialized.guest.step(dtNs, { paused: !this.executing, throttle, lockStallNs: stall });
    this.guestTimeNs = toNs;
    this.sampleThroughputNs += sample.relativeThroughput * dtNs;
    this.sampledNs += dtNs;
    this.recovery?.add(startNs, dtNs, sample, hugeFraction(sample.coverage));
    return sample;
  }

  /**
   * A timeline point for the interval ending at `nowNs`: mean throughput over
   * the guest steps in it, the time not stepped counted at baseline (idle) or
   * 0 (paused, down, lost).
   */
  samplePoint(nowNs: number, intervalNs: number): TimelinePoint | undefined {
    if (this.materialized === undefined) return undefined;
    const idleNs = Math.max(0, intervalNs - this.sampledNs);
    const idleValue = this.executing ? 1 : 0;
    const throughput = intervalNs > 0 ? (this.sampleThroughputNs + idleNs * idleValue) / Math.max(intervalNs, this.sampledNs) : idleValue;
    this.sampleThroughputNs = 0;
    this.sampledNs = 0;
    const coverage = this.materialized.mmu.coverage();
    const mapped = coverage.bytes4k + coverage.bytes2m + coverage.bytes1g;
    return {
      tMs: nowNs / NS_PER_MS,
      relativeThroughput: Math.min(1, Math.max(0, throughput)),
      hugeFraction: hugeFraction(coverage),
      fraction4k: mapped > 0 ? coverage.bytes4k / mapped : 0,
      dirtyLogging: this.dirtyLoggingOn(),
    };
  }

  /** The current MMU and guest; throws if the VM was never built (engine bug). */
  get built(): MaterializedVm {
    if (this.materialized === undefined) throw new Error(`VM ${this.name} has no MMU model yet`);
    return this.materialized;
  }

  /** Ends the recovery being measured (if any) and files its report. */
  closeRecovery(): void {
    if (this.recovery === undefined) return;
    this.recoveries.push(this.recovery.report());
    this.recoveryRuns.push(this.recovery);
    this.recovery = undefined;
  }

  /** Whether the guest is stepped on its own (being probed or measured), not by a migration. */
  get selfStepping(): boolean {
    return this.activeAttempt === undefined && (this.recovery !== undefined || this.probing !== undefined);
  }

  /** Whether anything runs the guest now (a migration, a probe, a recovery measurement). */
  get active(): boolean {
    return this.activeAttempt !== undefined || this.recovery !== undefined || this.probing !== undefined;
  }

  /** Forgets the MMU (the VM was lost or its host crashed). */
  discardModel(): void {
    this.materialized = undefined;
  }
}
