import { AdmissionController, FaultSchedule, PendingQueue, type MigrationPolicy } from '@migsim/orchestration';
import { faultOf, toMigrationPolicy, type HostSpec, type Scenario, type ScenarioVariant } from '@migsim/scenario';
import type { ReportEvent, VariantReport } from '@migsim/report';
import { CheckerRunner, type EngineView, type InvariantChecker, type MigrationView, type SwitchoverView, type VmView } from '../checkers/checker';
import { VirtualClock } from '../core/clock';
import { EventQueue } from '@migsim/cluster';
import type { Rng } from '@migsim/cluster';
import { LinkModel } from '@migsim/cluster';
import { AttemptDriver } from './attempt-driver';
import { AttemptEndings } from './attempt-endings';
import { GUEST_STEP_NS, NS_PER_MS } from './constants';
import type { EngineTestHooks } from './engine-hooks';
import { FaultTargetAdapter } from './fault-target-adapter';
import type { MigrationAttempt } from './migration-attempt';
import { newMigrationRecord, type MigrationRecord } from './migration-record';
import { PlanRunner } from './plan-runner';
import { assembleVariantReport } from './report-assembly';
import { VmRuntime } from './vm-runtime';

type Wake =
  // By id, not by reference: a stale wake far in the future must not keep an ended attempt's memory alive.
  | { kind: 'attempt'; attemptId: string; version: number }
  | { kind: 'vm-step'; vm: VmRuntime; version: number }
  | { kind: 'call'; run: () => void }
  | { kind: 'sample' }
  | { kind: 'faults' }
  | { kind: 'admission' };

export interface HostRuntime {
  spec: HostSpec;
  up: boolean;
}

export interface VariantRunOptions {
  hooks?: EngineTestHooks;
  checkers: readonly InvariantChecker[];
  /** Called with the fraction of the horizon simulated so far. */
  onProgress?: (fraction: number) => void;
}

/**
 * One variant of a scenario, run to its horizon on virtual time. An
 * event-driven loop: the next thing to happen (a migration's link
 * departure or machine wake, a message arriving, a fault, a guest step of a
 * recovering VM, a report sample) is popped from one deterministic queue
 * (time, then insertion order), and idle time is skipped. After every
 * instant at which something happened the invariant checkers run.
 */
export class VariantRun implements EngineView {
  readonly clock = new VirtualClock();
  readonly links: LinkModel;
  readonly hosts = new Map<string, HostRuntime>();
  readonly vms = new Map<string, VmRuntime>();
  readonly records = new Map<string, MigrationRecord>();
  readonly attempts = new Map<string, MigrationAttempt>();
  readonly policy: MigrationPolicy;
  readonly admission: AdmissionController;
  readonly pending = new PendingQueue();
  /** Migrations of a VM waiting for an earlier one of the same VM to end. */
  readonly backlog = new Map<string, string[]>();
  readonly faults: FaultSchedule;
  readonly events: ReportEvent[] = [];
  readonly switchovers: SwitchoverView[] = [];
  /** VMs on a host at a `host-drained` check's deadline, by check name. */
  readonly snapshots = new Map<string, string[]>();
  readonly endedVms: string[] = [];
  private readonly started: MigrationView[] = [];
  private readonly transferOut = new Map<string, number>();
  private readonly transferIn = new Map<string, number>();
  readonly touchedVms = new Set<VmRuntime>();
  /** `touchedVms` in insertion order, as an array: the checkers iterate it after every step. */
  private readonly touchedVmList: VmRuntime[] = [];
  readonly driver: AttemptDriver;
  readonly endings: AttemptEndings;
  readonly faultTarget: FaultTargetAdapter;
  readonly plans: PlanRunner;
  readonly horizonNs: number;
  readonly sampleIntervalNs: number;
  readonly hooks: EngineTestHooks;
  private readonly queue = new EventQueue<Wake>();
  private readonly checkerRunner: CheckerRunner;
  private readonly vmStepVersion = new Map<VmRuntime, number>();
  private admissionArmed = false;
  private faultWakeNs: number | undefined;
  private firstCheck = true;
  private lastProgressFraction = -1;

  constructor(
    readonly scenario: Scenario,
    readonly variant: ScenarioVariant,
    readonly rng: Rng,
    private readonly options: VariantRunOptions,
  ) {
    this.hooks = options.hooks ?? {};
    this.horizonNs = scenario.horizonNs;
    this.sampleIntervalNs = Math.max(scenario.sampling.intervalNs, Math.ceil(scenario.horizonNs / Math.max(1, scenario.sampling.maxTimelinePoints)));
    this.links = new LinkModel();
    for (const host of variant.hosts) {
      this.hosts.set(host.name, { spec: host, up: true });
      this.links.addHost(host.name, host.linkBytesPerSec, host.latencyNs);
    }
    for (const vm of variant.vms) this.vms.set(vm.name, new VmRuntime(vm, rng.fork(`vm:${vm.name}`)));
    this.policy = toMigrationPolicy(variant.policy);
    this.admission = new AdmissionController(
      this.hooks.bypassAdmission === true
        ? { parallelMigrationsPerCluster: Infinity, parallelOutboundMigrationsPerNode: Infinity, parallelInboundMigrationsPerNode: Infinity }
        : this.policy,
    );
    this.faults = new FaultSchedule(variant.faults.map(faultOf));
    this.checkerRunner = new CheckerRunner(options.checkers);
    this.driver = new AttemptDriver(this);
    this.endings = new AttemptEndings(this);
    this.faultTarget = new FaultTargetAdapter(this);
    this.plans = new PlanRunner(this);
  }

  // ---- EngineView (what checkers see) -------------------------------------

  get nowNs(): number {
    return this.clock.nowNs();
  }

  get caps(): EngineView['caps'] {
    return {
      cluster: this.policy.parallelMigrationsPerCluster,
      outboundPerHost: this.policy.parallelOutboundMigrationsPerNode,
      inboundPerHost: this.policy.parallelInboundMigrationsPerNode,
    };
  }

  /** Checkers are incremental: the VMs whose state changed in this step (all of them at the first check). */
  vmsForCheck(): Iterable<VmView> {
    if (this.firstCheck) return this.vms.values();
    return this.touchedVmList;
  }

  recentlyStartedMigrations(): readonly MigrationView[] {
    return this.started;
  }

  transferringCount(): number {
    return this.attempts.size;
  }

  transferringFrom(host: string): number {
    return this.transferOut.get(host) ?? 0;
  }

  transferringTo(host: string): number {
    return this.transferIn.get(host) ?? 0;
  }

  /** Keeps the engine's own per-host counts of transferring migrations (what the admission checker reads). */
  countTransfer(attempt: MigrationAttempt, delta: 1 | -1): void {
    this.transferOut.set(attempt.sourceHost, (this.transferOut.get(attempt.sourceHost) ?? 0) + delta);
    this.transferIn.set(attempt.destinationHost, (this.transferIn.get(attempt.destinationHost) ?? 0) + delta);
    if (delta > 0) this.started.push({ id: attempt.id, vmName: attempt.vm.name, sourceHost: attempt.sourceHost, destinationHost: attempt.destinationHost });
  }

  recentSwitchovers(): readonly SwitchoverView[] {
    return this.switchovers;
  }

  recentlyEndedVms(): readonly string[] {
    return this.endedVms;
  }

  // ---- scheduling primitives ----------------------------------------------

  /** Runs `run` at `atNs` (after everything already scheduled for that instant). */
  at(atNs: number, run: () => void): void {
    this.queue.push(Math.max(atNs, this.nowNs), { kind: 'call', run });
  }

  /** (Re)schedules the attempt's single pending wake; an earlier pending wake becomes stale. */
  wakeAttempt(attempt: MigrationAttempt, atNs: number): void {
    const timeNs = Math.max(atNs, this.nowNs);
    if (attempt.pendingWakeNs === timeNs) return;
    attempt.wakeVersion += 1;
    attempt.pendingWakeNs = timeNs;
    this.queue.push(timeNs, { kind: 'attempt', attemptId: attempt.id, version: attempt.wakeVersion });
  }

  /** Steps `vm` every GUEST_STEP_NS while it is being measured (recovery) or probed. */
  startStepping(vm: VmRuntime): void {
    const version = (this.vmStepVersion.get(vm) ?? 0) + 1;
    this.vmStepVersion.set(vm, version);
    if (vm.guestTimeNs < this.nowNs) vm.guestTimeNs = this.nowNs;
    this.queue.push(vm.guestTimeNs + GUEST_STEP_NS, { kind: 'vm-step', vm, version });
  }

  /** Lets admission run once the current instant's events are done. */
  armAdmission(): void {
    if (this.admissionArmed) return;
    this.admissionArmed = true;
    this.queue.push(this.nowNs, { kind: 'admission' });
  }

  /** Keeps one wake pending at the time of the next timed fault. */
  armFaults(): void {
    const next = this.faults.nextTimeNs();
    if (next === undefined || next === this.faultWakeNs) return;
    this.faultWakeNs = next;
    this.queue.push(Math.max(next, this.nowNs), { kind: 'faults' });
  }

  event(kind: string, subject: string, detail: string): void {
    this.events.push({ tMs: this.nowNs / NS_PER_MS, kind, subject, detail });
  }

  touch(vm: VmRuntime): void {
    if (this.touchedVms.has(vm)) return;
    this.touchedVms.add(vm);
    this.touchedVmList.push(vm);
  }

  host(name: string): HostRuntime {
    const host = this.hosts.get(name);
    if (host === undefined) throw new Error(`unknown host ${name}`);
    return host;
  }

  // ---- migrations requested -----------------------------------------------

  /** Registers a migration and queues it now (explicit migrations arrive at their `at`, plan ones when planned). */
  requestMigration(fields: Parameters<typeof newMigrationRecord>[0]): MigrationRecord {
    const record = newMigrationRecord(fields);
    this.records.set(record.id, record);
    this.event('migration-queued', record.id, `VM ${record.vmName} to ${record.destinationHost}`);
    this.enqueue(record, this.nowNs);
    return record;
  }

  /** Puts a record in the admission queue, or behind the VM's current migration. */
  enqueue(record: MigrationRecord, notBeforeNs: number): void {
    const vm = this.vms.get(record.vmName)!;
    const busy = vm.activeAttempt !== undefined || [...this.records.values()].some((other) => other !== record && other.vmName === record.vmName && other.queued);
    if (busy) {
      const list = this.backlog.get(vm.name) ?? [];
      list.push(record.id);
      this.backlog.set(vm.name, list);
      return;
    }
    record.queued = true;
    this.pending.enqueue({
      id: record.id,
      vmName: record.vmName,
      sourceHost: vm.home ?? vm.spec.host,
      destinationHost: record.destinationHost,
      notBeforeNs,
      priority: record.priority,
    });
    if (notBeforeNs > this.nowNs) this.queue.push(notBeforeNs, { kind: 'admission' });
    this.armAdmission();
  }

  /** The VM's migration ended: queue the next one waiting behind it. */
  releaseBacklog(vmName: string): void {
    const list = this.backlog.get(vmName);
    if (list === undefined || list.length === 0) return;
    const next = this.records.get(list.shift()!)!;
    if (list.length === 0) this.backlog.delete(vmName);
    this.enqueue(next, this.nowNs);
  }

  private admit(): void {
    this.admissionArmed = false;
    for (const entry of this.pending.admitReady(this.nowNs, this.admission)) {
      const record = this.records.get(entry.id)!;
      record.queued = false;
      this.driver.start(record, entry.sourceHost);
    }
  }

  // ---- the loop -------------------------------------------------------------

  run(): VariantReport {
    this.plans.scheduleAll();
    this.armFaults();
    this.queue.push(this.sampleIntervalNs, { kind: 'sample' });
    this.check();
    for (;;) {
      const next = this.queue.peekTimeNs();
      if (next === undefined || next > this.horizonNs) break;
      this.clock.advanceTo(next);
      while (this.queue.peekTimeNs() === next) this.handle(this.queue.pop()!.payload);
      this.check();
      this.reportProgress();
    }
    if (this.nowNs < this.horizonNs) this.clock.advanceTo(this.horizonNs);
    this.finish();
    return assembleVariantReport(this, this.checkerRunner.results());
  }

  private handle(wake: Wake): void {
    switch (wake.kind) {
      case 'attempt': {
        const attempt = this.attempts.get(wake.attemptId);
        if (attempt === undefined || wake.version !== attempt.wakeVersion || attempt.ended) return;
        attempt.pendingWakeNs = undefined;
        this.driver.process(attempt);
        return;
      }
      case 'vm-step':
        this.stepVm(wake.vm, wake.version);
        return;
      case 'call':
        wake.run();
        return;
      case 'sample':
        this.sample();
        if (this.nowNs + this.sampleIntervalNs <= this.horizonNs) this.queue.push(this.nowNs + this.sampleIntervalNs, { kind: 'sample' });
        return;
      case 'faults':
        this.faultWakeNs = undefined;
        for (const fault of this.faults.takeDueByTime(this.nowNs)) this.faultTarget.fire(fault);
        this.armFaults();
        return;
      case 'admission':
        this.admit();
        return;
    }
  }

  private stepVm(vm: VmRuntime, version: number): void {
    if (this.vmStepVersion.get(vm) !== version) return;
    if (!vm.selfStepping) return;
    vm.advanceGuest(this.nowNs);
    this.queue.push(this.nowNs + GUEST_STEP_NS, { kind: 'vm-step', vm, version });
  }

  private sample(): void {
    for (const vm of this.vms.values()) {
      if (!vm.isMaterialized) continue;
      if (vm.active) vm.advanceGuest(this.nowNs);
      const point = vm.samplePoint(this.nowNs, this.sampleIntervalNs);
      if (point !== undefined) vm.timeline.push(point);
    }
  }

  private check(): void {
    const violations = this.checkerRunner.afterStep(this);
    for (const violation of violations) this.event('check-failed', violation.kind, violation.message);
    this.firstCheck = false;
    // Most steps touched nothing: skip the (not free) clears of empty collections.
    if (this.touchedVms.size !== 0) {
      this.touchedVms.clear();
      this.touchedVmList.length = 0;
    }
    if (this.switchovers.length !== 0) this.switchovers.length = 0;
    if (this.endedVms.length !== 0) this.endedVms.length = 0;
    if (this.started.length !== 0) this.started.length = 0;
  }

  private reportProgress(): void {
    const onProgress = this.options.onProgress;
    if (onProgress === undefined) return;
    const fraction = Math.floor((this.nowNs / this.horizonNs) * 100) / 100;
    if (fraction > this.lastProgressFraction) {
      this.lastProgressFraction = fraction;
      onProgress(Math.min(1, fraction));
    }
  }

  /** At the horizon: bring active guests up to it, close recoveries and unfinished attempts. */
  private finish(): void {
    for (const vm of this.vms.values()) {
      if (vm.active) vm.advanceGuest(this.horizonNs);
    }
    for (const attempt of [...this.attempts.values()]) this.endings.closeUnfinished(attempt);
    for (const vm of this.vms.values()) vm.closeRecovery();
  }
}
