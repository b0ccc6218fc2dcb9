import type { OperationReport } from '@migsim/mmu';
import type { HostSpec, Scenario, ScenarioVariant, VmSpec } from '@migsim/scenario';
import { GUEST_STEP_NS } from '../constants';
import { EventQueue } from '../core/event-queue';
import type { Rng } from '../core/rng';
import type { ClusterMessage, HostToController } from '../messages/messages';
import { CONTROLLER_ID, hostActorId, type Actor, type ActorId, type Outbound } from '../world/actor';
import type { ClusterTestHooks } from '../world/test-hooks';
import { HostRecords } from './host-records';
import type { HostFacts, HostLive } from './host-facts';
import type { HostPort, RecoveryTrigger } from './host-port';
import { HostedVm } from './hosted-vm';
import { HostMigrations } from './host-migrations';
import { RecoveryRun } from './recovery-run';
import { TimelineSampler } from './timeline-sampler';
import { keepsTimeline } from './timeline-selection';

type HostTimer =
  | { kind: 'vm-step'; vm: HostedVm; version: number }
  | { kind: 'call'; run: () => void }
  | { kind: 'sample' };

/** How long a VM is sampled finely after something happened to it. */
const FINE_SPAN_NS = 1_000_000_000;

export interface HostActorOptions {
  scenario: Scenario;
  variant: ScenarioVariant;
  spec: HostSpec;
  /** The VMs placed on this host at t = 0, in the variant's order. */
  vms: readonly VmSpec[];
  /**
   * The run's workload stream: each VM draws from `vm:<name>`, each of its
   * builds from `placement:<n>`. It depends on the seed only, not on the
   * variant, so every variant of one seed runs the same workload (paired).
   */
  workloadRng: Rng;
  controlLatencyNs: number;
  /** Report sampling interval (coarse grid). */
  sampleIntervalNs: number;
  /** `recovers` checks' levels per VM. */
  watchedFractions: (vm: string) => number[];
  hooks?: ClusterTestHooks;
}

/**
 * One host of the simulated cluster: the VMs whose memory lives here (guest
 * and MMU models), the source side of the migrations leaving it, the
 * destination side of those arriving, dirty-rate probes, recovery
 * measurements and timeline sampling. A host is a source and a destination
 * alike: a VM that arrived can leave again. It learns everything through
 * messages (`receive`) and runs its own timers (`advanceTo`); see
 * `world/actor.ts` for the contract.
 */
export class HostActor implements Actor<ClusterMessage>, HostPort {
  readonly id: ActorId;
  readonly name: string;
  readonly spec: HostSpec;
  readonly scenario: Scenario;
  readonly variant: ScenarioVariant;
  readonly hooks: ClusterTestHooks;
  readonly controlLatencyNs: number;
  up = true;
  private readonly vms = new Map<string, HostedVm>();
  private readonly migrations = new HostMigrations(this, () => this.nextWakeNs());
  private readonly timers = new EventQueue<HostTimer>();
  private readonly stepVersions = new Map<HostedVm, number>();
  private readonly sampler: TimelineSampler;
  private readonly records: HostRecords;
  private sampleTimerNs = Infinity;
  private readonly liveCursor = new Map<HostedVm, number>();
  private liveEventCursor = 0;
  /** Actor ids of the hosts this one talks to (page batches go out by the hundred thousand). */
  private readonly peerIds = new Map<string, ActorId>();
  private now = 0;

  constructor(
    private readonly options: HostActorOptions,
    private readonly out: Outbound<ClusterMessage>,
  ) {
    this.spec = options.spec;
    this.name = options.spec.name;
    this.id = hostActorId(this.name);
    this.scenario = options.scenario;
    this.variant = options.variant;
    this.hooks = options.hooks ?? {};
    this.controlLatencyNs = options.controlLatencyNs;
    this.sampler = new TimelineSampler(options.sampleIntervalNs, GUEST_STEP_NS, FINE_SPAN_NS);
    this.records = new HostRecords(this.name, (vm) => this.breakpoint(vm));
    for (const vm of options.vms) this.addVm(new HostedVm(vm, this.spec, options.workloadRng.fork(`vm:${vm.name}`), 0, 0, 'running'));
  }

  // ---- Actor ------------------------------------------------------------------

  receive(message: ClusterMessage, nowNs: number): void {
    this.now = nowNs;
    this.handle(message);
    this.afterStep();
  }

  applyLazy(message: ClusterMessage): void {
    if (message.kind !== 'stream.batch') throw new Error(`${this.id}: ${message.kind} cannot be lazy`);
    this.migrations.applyLazyBatch(message.attemptId, message.batch);
  }

  advanceTo(nowNs: number): void {
    this.now = nowNs;
    // At one instant: the host's timers first (in the order set), then the migrations' wakes (in start order).
    for (;;) {
      const timer = this.timers.peekTimeNs();
      if (timer !== undefined && timer <= nowNs) {
        this.fire(this.timers.pop()!.payload);
        continue;
      }
      if (!this.migrations.wakeDue(nowNs)) break;
    }
    this.afterStep();
  }

  nextWakeNs(): number {
    return this.migrations.nextWakeNs(this.timers.peekTimeNs() ?? Infinity);
  }

  nextOutputNs(): number {
    return this.migrations.nextOutputNs();
  }

  // ---- messages -----------------------------------------------------------------

  private handle(message: ClusterMessage): void {
    if (!this.up && message.kind !== 'host.recover') {
      this.migrations.receiveWhileDown(message);
      return;
    }
    switch (message.kind) {
      case 'host.crash':
        this.crash(message.reason);
        return;
      case 'host.recover':
        this.up = true;
        this.event('host-recovered', this.name, 'back up, empty');
        return;
      default:
        if (!this.migrations.receive(message)) throw new Error(`${this.id} does not handle ${message.kind}`);
    }
  }

  /** The host goes down: its VMs with it, migrations out of it are lost, migrations into it fail. */
  private crash(reason: string): void {
    this.up = false;
    this.migrations.crash(reason);
    for (const vm of this.vms.values()) {
      if (!vm.resident) continue;
      vm.advanceGuest(this.now);
      vm.state = 'down';
      vm.stateReason = reason;
      vm.closeRecovery();
      this.highlight(vm);
    }
    this.event('host-crashed', this.name, reason);
  }

  // ---- timers -------------------------------------------------------------------

  private fire(timer: HostTimer): void {
    switch (timer.kind) {
      case 'vm-step': {
        const vm = timer.vm;
        if (this.stepVersions.get(vm) !== timer.version || !vm.selfStepping || !vm.resident) return;
        vm.advanceGuest(this.now);
        this.timers.push(this.now + GUEST_STEP_NS, { kind: 'vm-step', vm, version: timer.version });
        return;
      }
      case 'call':
        timer.run();
        return;
      case 'sample':
        this.sample();
        return;
    }
  }

  private armSampling(): void {
    const next = this.sampler.nextTickNs(this.now);
    if (next >= this.sampleTimerNs && this.sampleTimerNs > this.now) return;
    this.sampleTimerNs = next;
    this.timers.push(next, { kind: 'sample' });
  }

  private sample(): void {
    if (this.now !== this.sampleTimerNs) return; // superseded by an earlier tick
    this.sampleTimerNs = Infinity;
    let any = false;
    for (const vm of this.vms.values()) {
      if (!vm.isBuilt || !vm.resident) continue;
      any = true;
      if (!this.sampler.due(vm, this.now)) continue;
      if (vm.active) vm.advanceGuest(this.now);
      vm.samplePoint(this.now);
    }
    if (any && this.now < this.scenario.horizonNs) this.armSampling();
  }

  /** A point at `vm`'s transition now (the guest run up to it first). */
  private breakpoint(vm: HostedVm): void {
    if (!vm.isBuilt) return;
    if (vm.active) vm.advanceGuest(this.now);
    vm.samplePoint(this.now);
  }

  private afterStep(): void {
    this.records.afterStep(this.now, this.onViolation);
  }

  /** A local check failed after a step (one function, not one per step). */
  private readonly onViolation = (kind: string, message: string): void => this.event('check-failed', kind, message);

  // ---- HostPort -----------------------------------------------------------------

  nowNs(): number {
    return this.now;
  }

  event(kind: string, subject: string, detail: string): void {
    this.records.event(this.now, kind, subject, detail);
  }

  toController(message: HostToController): void {
    this.out.send(CONTROLLER_ID, message, { latencyNs: this.controlLatencyNs });
  }

  toHost(host: string, message: ClusterMessage, latencyNs: number, lazy = false): void {
    let id = this.peerIds.get(host);
    if (id === undefined) {
      id = hostActorId(host);
      this.peerIds.set(host, id);
    }
    this.out.send(id, message, lazy ? { latencyNs, lazy } : { latencyNs });
  }

  at(atNs: number, run: () => void): void {
    this.timers.push(Math.max(atNs, this.now), { kind: 'call', run });
  }

  startStepping(vm: HostedVm): void {
    const version = (this.stepVersions.get(vm) ?? 0) + 1;
    this.stepVersions.set(vm, version);
    if (vm.guestTimeNs < this.now) vm.guestTimeNs = this.now;
    this.timers.push(vm.guestTimeNs + GUEST_STEP_NS, { kind: 'vm-step', vm, version });
  }

  touch(vm: HostedVm): void {
    this.records.touch(vm);
    if (vm.isBuilt && this.sampleTimerNs === Infinity) this.armSampling();
  }

  highlight(vm: HostedVm, spanNs = FINE_SPAN_NS): void {
    this.records.touch(vm);
    if (!vm.isBuilt) return;
    this.sampler.markFine(vm, this.now, spanNs);
    this.armSampling();
  }

  vm(name: string): HostedVm | undefined {
    return this.vms.get(name);
  }

  adoptVm(spec: VmSpec, placement: number, executing: boolean): HostedVm {
    const vm = new HostedVm(spec, this.spec, this.options.workloadRng.fork(`vm:${spec.name}`), placement, this.now, executing ? 'running' : 'paused');
    this.addVm(vm);
    vm.ensure(this.now);
    this.highlight(vm);
    return vm;
  }

  private addVm(vm: HostedVm): void {
    vm.recordsTimeline = keepsTimeline(this.scenario.sampling.vms, vm.name);
    this.vms.set(vm.name, vm);
    this.records.arrive(vm, this.now);
  }

  releaseVm(vm: HostedVm): void {
    this.breakpoint(vm);
    if (this.hooks.keepSourceRunningAfterSwitchover === true) {
      vm.pausedByMigration = false;
      this.touch(vm);
      return;
    }
    vm.state = 'migrated';
    vm.closeRecovery();
    vm.discardModel();
    this.sampler.forget(vm);
    this.touch(vm);
  }

  startRecovery(vm: HostedVm, trigger: RecoveryTrigger, cause: string, disableReports: readonly OperationReport[]): void {
    this.breakpoint(vm);
    vm.closeRecovery();
    vm.recovery = new RecoveryRun(vm.built.mmu.profile.recovery, trigger, cause, this.now, vm.spec.vcpus, disableReports, this.options.watchedFractions(vm.name));
    this.startStepping(vm);
    this.highlight(vm, 2 * FINE_SPAN_NS);
    this.event('recovery-started', vm.name, `${vm.built.mmu.profile.recovery} after ${cause}`);
  }

  recordSwitchover(fact: { migration: string; vm: string; verified: boolean | null; detail: string; mode: string }): void {
    this.records.switchover({ tNs: this.now, host: this.name, ...fact });
  }

  recordTransfer(fact: { attemptId: string; destination: string; startNs: number; endNs: number }): void {
    this.records.transfer({ ...fact, source: this.name });
  }

  // ---- what a watcher sees ---------------------------------------------------------

  /**
   * What happened on this host since the last call, for a live view (never
   * read by the simulation): the running outgoing migrations' `query-migrate`
   * replies and phases, new timeline points per VM, new events.
   */
  drainLive(): HostLive {
    const migrations = this.migrations.live();
    const samples: HostLive['samples'] = [];
    for (const vm of this.records.allVms()) {
      const from = this.liveCursor.get(vm) ?? 0;
      if (vm.timeline.length > from) samples.push({ vm: vm.name, points: vm.timeline.slice(from) });
      this.liveCursor.set(vm, vm.timeline.length);
    }
    return { host: this.name, up: this.up, migrations, samples, events: this.records.eventsSince(this.liveEventCursor, (next) => (this.liveEventCursor = next)) };
  }

  // ---- the horizon ----------------------------------------------------------------

  /** At the horizon: guests brought up to it, recoveries closed, unfinished attempts and every fact handed over. */
  finish(horizonNs: number): HostFacts {
    this.now = horizonNs;
    const unfinished = this.migrations.unfinished(horizonNs);
    for (const vm of this.vms.values()) {
      if (vm.active) vm.advanceGuest(horizonNs);
      vm.closeRecovery();
    }
    return this.records.facts(unfinished);
  }
}
