import { hugeFraction, type GuestSample } from '@migsim/guest';
import type { HostSpec, VmSpec } from '@migsim/scenario';
import type { RecoveryReport, TimelinePoint } from '@migsim/report';
import { GUEST_RAM_SLOT_ID, NS_PER_MS } from '../constants';
import type { Rng } from '../core/rng';
import type { RecoveryRun } from './recovery-run';
import { buildVmModel, type VmModel } from './vm-model';

/** Where a VM held by a host stands. `migrated` and `lost` VMs are kept only for the report. */
export type HostedVmState = 'running' | 'paused' | 'down' | 'migrated' | 'lost';

/**
 * One VM on one host: its MMU and guest model (built lazily: a VM nothing
 * ever touches is only its spec, which is the compact all-huge state
 * `populate` would give it), the environment a migration imposes on the
 * guest (paused, throttled, mmu_lock stalls), and what the report needs from
 * this host (timeline points, recoveries). A VM that migrates is built anew
 * on its destination (QEMU there maps memory as the guest touches it, at the
 * destination's max mapping level); each build draws from its own forked
 * stream, `placement:<n>`, so both hosts agree on it without sharing state.
 */
export class HostedVm {
  readonly name: string;
  state: HostedVmState;
  stateReason = '';
  /** Attempt id of the outgoing migration holding the VM, if any. */
  outgoing: string | undefined;
  /** Attempt id of a post-copy that runs the VM here while pages still arrive. */
  postcopyIncoming: string | undefined;
  /** Id of the dirty-rate probe measuring the VM, if any, and whether it keeps logging on. */
  probing: string | undefined;
  loggingProbe = false;
  recovery: RecoveryRun | undefined;
  readonly recoveries: RecoveryReport[] = [];
  /** Every recovery measured here, closed ones included (the judge reads them). */
  readonly recoveryRuns: RecoveryRun[] = [];
  readonly timeline: TimelinePoint[] = [];
  /** Whether the report keeps this VM's timeline (`sampling.vms`); when not, no point is taken. */
  recordsTimeline = true;
  /** Guest work lost on this host so far: the integral of (1 - relative throughput) x vCPUs over its guest steps (vCPU·ns). */
  lostWorkVcpuNs = 0;
  /** Time up to which the guest has run. */
  guestTimeNs = 0;
  pausedByMigration = false;
  /** Paused by management to force completion (Nova force_complete / KubeVirt allowWorkloadDisruption). */
  forcePaused = false;
  autoConvergePercent = 0;
  overheadPercent = 0;
  /** mmu_lock stall (dirty-log syncs, recovery, remote faults) still to charge to the guest. */
  pendingStallNs = 0;
  /** Models built before this one, on any host (this build is placement `placements`). */
  readonly placements: number;
  private model: VmModel | undefined;
  private sampleThroughputNs = 0;
  private sampledNs = 0;
  private lastPointNs: number;

  constructor(
    readonly spec: VmSpec,
    private readonly host: HostSpec,
    private readonly rng: Rng,
    placements: number,
    nowNs: number,
    state: HostedVmState,
  ) {
    this.name = spec.name;
    this.placements = placements;
    this.state = state;
    this.guestTimeNs = nowNs;
    this.lastPointNs = nowNs;
  }

  get isBuilt(): boolean {
    return this.model !== undefined;
  }

  /** The MMU and guest, built on first use at `nowNs`. */
  ensure(nowNs: number): VmModel {
    if (this.model === undefined) {
      this.model = buildVmModel(this.spec, this.host, this.rng.fork(`placement:${this.placements}`));
      this.guestTimeNs = Math.max(this.guestTimeNs, nowNs);
    }
    return this.model;
  }

  /** The current model; throws if the VM was never built (a bug in the caller). */
  get built(): VmModel {
    if (this.model === undefined) throw new Error(`VM ${this.name} has no model on ${this.host.name}`);
    return this.model;
  }

  dirtyLoggingOn(): boolean {
    return this.model?.mmu.isDirtyLogging(GUEST_RAM_SLOT_ID) ?? false;
  }

  /** Whether something legitimately needs dirty logging now (a migration out, or a logging probe). */
  get needsDirtyLogging(): boolean {
    return this.outgoing !== undefined || (this.probing !== undefined && this.loggingProbe);
  }

  /** Guest code runs on this host right now. */
  get executing(): boolean {
    return this.state === 'running' && !this.pausedByMigration && !this.forcePaused;
  }

  /** The VM's memory is here (it counts as living on this host). */
  get resident(): boolean {
    return this.state === 'running' || this.state === 'paused' || this.state === 'down';
  }

  /** Whether the guest is stepped on its own (measured, probed, or a post-copy guest), not by a migration out. */
  get selfStepping(): boolean {
    return this.outgoing === undefined && (this.recovery !== undefined || this.probing !== undefined || this.postcopyIncoming !== undefined);
  }

  /** Whether anything runs the guest now. */
  get active(): boolean {
    return this.outgoing !== undefined || this.recovery !== undefined || this.probing !== undefined || this.postcopyIncoming !== undefined;
  }

  /** Runs the guest up to `toNs` in one slice (callers slice). Idle and unbuilt VMs just move their clock. */
  advanceGuest(toNs: number): GuestSample | undefined {
    const dtNs = toNs - this.guestTimeNs;
    if (dtNs < 1 || this.model === undefined || !this.resident || this.state === 'down') {
      if (toNs > this.guestTimeNs) this.guestTimeNs = toNs;
      return undefined;
    }
    const startNs = this.guestTimeNs;
    const stall = Math.min(this.pendingStallNs, dtNs);
    this.pendingStallNs -= stall;
    const throttle = 1 - (1 - this.autoConvergePercent / 100) * (1 - this.overheadPercent / 100);
    const sample = this.model.guest.step(dtNs, { paused: !this.executing, throttle, lockStallNs: stall });
    this.guestTimeNs = toNs;
    this.sampleThroughputNs += sample.relativeThroughput * dtNs;
    if (sample.relativeThroughput < 1) this.lostWorkVcpuNs += (1 - sample.relativeThroughput) * this.spec.vcpus * dtNs;
    this.sampledNs += dtNs;
    this.recovery?.add(startNs, dtNs, sample, hugeFraction(sample.coverage));
    return sample;
  }

  /**
   * Closes the timeline interval at `nowNs` with a point: the mean
   * throughput over the guest steps in it, the time not stepped counted at
   * baseline (idle and executing) or 0 (paused, down). Nothing for an
   * unbuilt VM or an empty interval.
   */
  samplePoint(nowNs: number): void {
    const intervalNs = nowNs - this.lastPointNs;
    if (this.model === undefined || intervalNs <= 0 || !this.recordsTimeline) return;
    this.lastPointNs = nowNs;
    const idleNs = Math.max(0, intervalNs - this.sampledNs);
    const idleValue = this.executing ? 1 : 0;
    const throughput = (this.sampleThroughputNs + idleNs * idleValue) / Math.max(intervalNs, this.sampledNs);
    this.sampleThroughputNs = 0;
    this.sampledNs = 0;
    const coverage = this.model.mmu.coverage();
    const mapped = coverage.bytes4k + coverage.bytes2m + coverage.bytes1g;
    this.timeline.push({
      tMs: nowNs / NS_PER_MS,
      relativeThroughput: Math.min(1, Math.max(0, throughput)),
      hugeFraction: hugeFraction(coverage),
      fraction4k: mapped > 0 ? coverage.bytes4k / mapped : 0,
      dirtyLogging: this.dirtyLoggingOn(),
    });
  }

  /**
   * Work lost so far, counting the time since the guest last ran: a paused
   * (or down) VM loses all of it; an executing one is counted when it next
   * runs (its guest is brought up to date lazily).
   */
  lostWorkUpToNs(nowNs: number): number {
    const pendingNs = Math.max(0, nowNs - this.guestTimeNs);
    return this.lostWorkVcpuNs + (this.executing || this.model === undefined ? 0 : pendingNs * this.spec.vcpus);
  }

  /** Ends the recovery being measured (if any) and files its report. */
  closeRecovery(): void {
    if (this.recovery === undefined) return;
    this.recoveries.push(this.recovery.report());
    this.recoveryRuns.push(this.recovery);
    this.recovery = undefined;
  }

  /** Forgets the model (the VM left, was lost, or its host crashed). */
  discardModel(): void {
    this.model = undefined;
  }
}
