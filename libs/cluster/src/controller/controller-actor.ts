import { AdmissionController, FaultSchedule, PendingQueue, retryDelayNs, shouldRetry, type MigrationPolicy } from '@migsim/orchestration';
import type { MigrationOutcome } from '@migsim/report';
import { faultOf, faultsFromEntries, flowCapOf, formatDuration, toMigrationPolicy, type FaultSpec as ScenarioFault, type Scenario, type ScenarioVariant } from '@migsim/scenario';
import type { FaultEntry } from '../chaos/draw-chaos';
import { NS_PER_MS } from '../constants';
import { EventQueue } from '../core/event-queue';
import { emptyQueryMigrateInfo } from '../empty-info';
import type { ActorEvent } from '../host/host-facts';
import type { ClusterMessage, ControllerToHost, MigrationEnded } from '../messages/messages';
import { CONTROLLER_ID, hostActorId, type Actor, type ActorId, type Outbound } from '../world/actor';
import type { ClusterTestHooks } from '../world/test-hooks';
import { ClusterView } from './cluster-view';
import { ControllerFaults } from './controller-faults';
import type { ControllerPort } from './controller-port';
import { ControllerPlans } from './controller-plans';
import { newMigrationRecord, type MigrationRecord } from './migration-record';
import { NetworkBroker } from './network-broker';
import { reportGridNs } from '../network/report-grid';
import type { TierSeries } from '../network/link-usage';

type ControllerTimer = { kind: 'call'; run: () => void } | { kind: 'admission' } | { kind: 'faults' };

export interface ControllerActorOptions {
  scenario: Scenario;
  variant: ScenarioVariant;
  controlLatencyNs: number;
  hooks?: ClusterTestHooks;
}

/** What the controller hands over at the horizon. */
export interface ControllerFacts {
  records: MigrationRecord[];
  /** Each tier of links' load over the run (empty when no migration ran). */
  network: TierSeries[];
  events: ActorEvent[];
  /** Operators' faults ("inject now"), as `faults:` entries with the `at` they took effect. */
  injectedFaults: FaultEntry[];
}

/** An operator's fault as the controller took it: the entry (with its `at`) and the scenario fault it normalised to. */
export interface InjectedFault {
  readonly entry: FaultEntry;
  readonly fault: ScenarioFault;
}

/**
 * The controller of the simulated cluster (KubeVirt's virt-controller /
 * Nova's conductor): it owns the migrations — queue, admission caps,
 * retries with backoff, one migration of a VM at a time — the drain and
 * balance plans and their dirty-rate probes, the fault schedule, and the
 * network model that paces every flow. It acts on hosts only through
 * messages (`migration.start`, `migration.rate`, `host.crash`, ...) and
 * learns what happened from theirs, one control latency later.
 */
export class ControllerActor implements Actor<ClusterMessage>, ControllerPort {
  readonly id: ActorId = CONTROLLER_ID;
  readonly policy: MigrationPolicy;
  readonly admission: AdmissionController;
  readonly pending = new PendingQueue();
  readonly records = new Map<string, MigrationRecord>();
  /** Migrations of a VM waiting for an earlier one of the same VM to end. */
  readonly backlog = new Map<string, string[]>();
  readonly view: ClusterView;
  readonly network: NetworkBroker;
  readonly schedule: FaultSchedule;
  readonly scenario: Scenario;
  readonly variant: ScenarioVariant;
  private readonly faults: ControllerFaults;
  private readonly plans: ControllerPlans;
  private readonly timers = new EventQueue<ControllerTimer>();
  private readonly events: ActorEvent[] = [];
  /** Operators' faults, in the order they came (numbered after the variant's own). */
  readonly injected: InjectedFault[] = [];
  private admissionArmed = false;
  private faultWakeNs: number | undefined;
  private now = 0;
  private lastEventNs = -1;
  private eventSeq = 0;

  constructor(
    private readonly options: ControllerActorOptions,
    private readonly out: Outbound<ClusterMessage>,
  ) {
    this.scenario = options.scenario;
    this.variant = options.variant;
    this.view = new ClusterView(options.variant);
    this.network = new NetworkBroker(options.variant.hosts, options.variant.network);
    this.policy = toMigrationPolicy(options.variant.policy);
    this.admission = new AdmissionController(
      options.hooks?.bypassAdmission === true
        ? { parallelMigrationsPerCluster: Infinity, parallelOutboundMigrationsPerNode: Infinity, parallelInboundMigrationsPerNode: Infinity }
        : this.policy,
    );
    this.schedule = new FaultSchedule(options.variant.faults.map(faultOf));
    this.faults = new ControllerFaults(this);
    this.plans = new ControllerPlans(this);
    this.plans.scheduleAll();
    this.armFaults();
  }

  // ---- Actor ------------------------------------------------------------------

  receive(message: ClusterMessage, nowNs: number): void {
    this.now = nowNs;
    switch (message.kind) {
      case 'migration.ended':
        this.ended(message);
        return;
      case 'migration.phase':
        for (const fault of this.schedule.takeDueByPhase({ migrationId: message.migration, vmName: message.vm, phase: message.phase, round: message.round ?? 0 }, nowNs)) {
          this.faults.fire(fault);
        }
        this.armFaults();
        return;
      case 'vm.resumed':
        this.view.moved(message.vm, message.host);
        return;
      case 'probe.ended':
        this.plans.probeEnded(message.probe, message.vm, message.rateBytesPerSec);
        return;
      default:
        throw new Error(`the controller does not handle ${message.kind}`);
    }
  }

  applyLazy(message: ClusterMessage): void {
    throw new Error(`the controller gets no lazy messages (${message.kind})`);
  }

  advanceTo(nowNs: number): void {
    this.now = nowNs;
    for (let next = this.timers.peekTimeNs(); next !== undefined && next <= nowNs; next = this.timers.peekTimeNs()) {
      const timer = this.timers.pop()!.payload;
      switch (timer.kind) {
        case 'call':
          timer.run();
          break;
        case 'admission':
          this.admit();
          break;
        case 'faults':
          this.faultWakeNs = undefined;
          for (const fault of this.schedule.takeDueByTime(nowNs)) this.faults.fire(fault);
          this.armFaults();
          break;
      }
    }
  }

  nextWakeNs(): number {
    return this.timers.peekTimeNs() ?? Infinity;
  }

  /** Any of the controller's timers may send something. */
  nextOutputNs(): number {
    return this.nextWakeNs();
  }

  // ---- services to its parts ----------------------------------------------------

  nowNs(): number {
    return this.now;
  }

  at(atNs: number, run: () => void): void {
    this.timers.push(Math.max(atNs, this.now), { kind: 'call', run });
  }

  event(kind: string, subject: string, detail: string): void {
    if (this.now !== this.lastEventNs) {
      this.lastEventNs = this.now;
      this.eventSeq = 0;
    }
    this.events.push({ tNs: this.now, seq: this.eventSeq++, kind, subject, detail });
  }

  toHost(host: string, message: ControllerToHost): void {
    this.out.send(hostActorId(host), message, { latencyNs: this.options.controlLatencyNs });
  }

  /** Tells every source whose flow's rate or path changed. */
  rerate(): void {
    for (const { source, message } of this.network.changedRates(this.now)) this.toHost(source, message);
  }

  /** Lets admission run once the current instant's work is done. */
  armAdmission(): void {
    if (this.admissionArmed) return;
    this.admissionArmed = true;
    this.timers.push(this.now, { kind: 'admission' });
  }

  private armFaults(): void {
    const next = this.schedule.nextTimeNs();
    if (next === undefined || next === this.faultWakeNs) return;
    this.faultWakeNs = next;
    this.timers.push(Math.max(next, this.now), { kind: 'faults' });
  }

  // ---- migrations requested -----------------------------------------------------

  requestMigration(fields: Parameters<typeof newMigrationRecord>[0]): MigrationRecord {
    const record = newMigrationRecord(fields, this.now);
    this.records.set(record.id, record);
    this.event('migration-queued', record.id, `VM ${record.vmName} to ${record.destinationHost}`);
    this.enqueue(record, this.now);
    return record;
  }

  /** Puts a record in the admission queue, or behind the VM's current migration. */
  enqueue(record: MigrationRecord, notBeforeNs: number): void {
    const busy = [...this.records.values()].some((other) => other !== record && other.vmName === record.vmName && (other.queued || other.running !== undefined));
    if (busy) {
      const list = this.backlog.get(record.vmName) ?? [];
      list.push(record.id);
      this.backlog.set(record.vmName, list);
      return;
    }
    record.queued = true;
    this.pending.enqueue({
      id: record.id,
      vmName: record.vmName,
      sourceHost: this.view.hostOf(record.vmName) ?? '',
      destinationHost: record.destinationHost,
      notBeforeNs,
      priority: record.priority,
    });
    if (notBeforeNs > this.now) this.timers.push(notBeforeNs, { kind: 'admission' });
    this.armAdmission();
  }

  /** The VM's migration ended: queue the next one waiting behind it. */
  releaseBacklog(vmName: string): void {
    const list = this.backlog.get(vmName);
    if (list === undefined || list.length === 0) return;
    const next = this.records.get(list.shift()!)!;
    if (list.length === 0) this.backlog.delete(vmName);
    this.enqueue(next, this.now);
  }

  private admit(): void {
    this.admissionArmed = false;
    for (const entry of this.pending.admitReady(this.now, this.admission)) {
      const record = this.records.get(entry.id)!;
      record.queued = false;
      this.start(record, entry.sourceHost);
    }
  }

  /** Starts the next attempt of an admitted record: `migration.start` to the VM's host. */
  private start(record: MigrationRecord, queuedSource: string): void {
    const view = this.view;
    const number = record.started + 1;
    const sourceHost = view.hostOf(record.vmName) ?? queuedSource;
    if (!view.isUp(record.destinationHost) && record.candidates !== undefined) {
      const replacement = this.plans.repickDestination(record);
      if (replacement !== undefined) {
        this.event('destination-repicked', record.id, `${record.destinationHost} is down: ${replacement} instead`);
        this.admission.release(record.id);
        record.destinationHost = replacement;
        if (!this.admission.canAdmit({ sourceHost, destinationHost: replacement })) {
          this.enqueue(record, this.now);
          return;
        }
        this.admission.admit({ id: record.id, sourceHost, destinationHost: replacement });
      }
    }
    const state = view.stateOf(record.vmName);
    const refusal =
      state !== 'running' || view.hostOf(record.vmName) === undefined
        ? `VM ${record.vmName} is ${state}`
        : sourceHost !== queuedSource
          ? `VM ${record.vmName} moved to ${sourceHost} while queued`
          : !view.isUp(record.destinationHost)
            ? `destination ${record.destinationHost} is down`
            : sourceHost === record.destinationHost
              ? `VM ${record.vmName} already runs on ${record.destinationHost}`
              : undefined;
    record.started = number;
    if (refusal !== undefined) {
      this.failWithoutStart(record, number, refusal);
      return;
    }
    const attemptId = `${record.id}#${number}`;
    record.sourceHost ??= sourceHost;
    record.running = { attempt: number, attemptId, source: sourceHost, destination: record.destinationHost, admittedNs: this.now };
    const rate = this.network.startFlow(attemptId, sourceHost, record.destinationHost, flowCapOf(record.params));
    this.toHost(sourceHost, {
      kind: 'migration.start',
      migration: record.id,
      attempt: number,
      attemptId,
      vm: record.vmName,
      destination: record.destinationHost,
      params: record.params,
      watchdog: {
        completionTimeoutPerGiBNs: this.policy.completionTimeoutPerGiBNs,
        progressTimeoutNs: this.policy.progressTimeoutNs,
        allowPostCopy: this.policy.allowPostCopy,
        allowWorkloadDisruption: this.policy.allowWorkloadDisruption,
        timeoutAction: this.policy.timeoutAction,
      },
      downtimeSteps: this.variant.policy.downtimeSteps,
      rateBytesPerSec: rate.rateBytesPerSec,
      burstRateBytesPerSec: rate.burstRateBytesPerSec,
      latencyNs: rate.latencyNs,
      reportPhases: this.schedule.watches(record.id, record.vmName),
    });
    this.rerate();
  }

  /** A migration the controller could not even start (VM or destination not there). */
  private failWithoutStart(record: MigrationRecord, number: number, reason: string): void {
    this.admission.release(record.id);
    record.outcome = 'failed';
    record.attempts.push({ attempt: number, startMs: this.now / NS_PER_MS, endMs: this.now / NS_PER_MS, outcome: 'failed', reason, phases: [], info: emptyQueryMigrateInfo(reason) });
    this.event('migration-failed', record.id, `attempt ${number}: ${reason}`);
    this.armAdmission();
    this.maybeRetry(record, number, 'failed');
  }

  /** A source reported the end of an attempt: file it, free its slot and flow, and decide what follows. */
  private ended(message: MigrationEnded): void {
    const record = this.records.get(message.migration);
    const running = record?.running;
    if (record === undefined || running === undefined || running.attempt !== message.attempt) return;
    record.running = undefined;
    this.admission.release(record.id);
    this.network.stopFlow(running.attemptId);
    this.rerate();
    record.outcome = message.outcome;
    record.attempts.push({
      attempt: message.attempt,
      startMs: message.startNs / NS_PER_MS,
      endMs: message.endNs / NS_PER_MS,
      outcome: message.outcome,
      ...(message.outcome === 'completed' ? {} : { reason: message.reason }),
      phases: message.phases,
      info: message.info,
      ...(message.lostWorkVcpuNs === undefined ? {} : { lostWorkVcpuSeconds: message.lostWorkVcpuNs / 1e9 }),
    });
    switch (message.vmAfter) {
      case 'on-destination':
        this.view.moved(record.vmName, running.destination);
        break;
      case 'lost':
        this.view.lost(record.vmName);
        break;
      default:
        break;
    }
    if (message.outcome === 'completed') {
      record.consecutiveFailures = 0;
      this.releaseBacklog(record.vmName);
    } else if (message.vmAfter === 'lost') {
      this.releaseBacklog(record.vmName);
    } else {
      this.maybeRetry(record, message.attempt, message.outcome);
    }
    this.armAdmission();
  }

  /**
   * Retries a failed or aborted attempt after the backoff, while attempts
   * are left. The destination stays; if it is down when the retry starts, a
   * plan's migration picks another candidate, an explicit one fails again.
   */
  private maybeRetry(record: MigrationRecord, attempt: number, outcome: MigrationOutcome): void {
    const retryable = (outcome === 'failed' || outcome === 'aborted') && this.view.stateOf(record.vmName) === 'running' && shouldRetry(this.policy, attempt);
    if (!retryable) {
      this.releaseBacklog(record.vmName);
      return;
    }
    record.consecutiveFailures += 1;
    const delayNs = retryDelayNs(this.policy, record.consecutiveFailures);
    this.event('retry-scheduled', record.id, `attempt ${attempt + 1} in ${delayNs / 1e9} s to ${record.destinationHost}`);
    this.enqueue(record, this.now + delayNs);
  }

  /**
   * An operator's "inject now" (the API or the live page): a `faults:` entry
   * of a scenario file without its `at`, which the controller stamps with
   * `atNs` (not before its own time). It is validated and normalised like the
   * file's own faults and numbered after them, so a file listing the entry
   * (with that `at`) after its own faults replays the run.
   *
   * @throws ScenarioError naming every field that does not fit the variant
   *   (the controller is unchanged then).
   */
  inject(entry: FaultEntry, atNs: number): void {
    const injected = this.normalizeInjection(entry, atNs);
    this.injected.push(injected);
    this.schedule.add(faultOf(injected.fault), injected.fault.trigger.type === 'at' ? injected.fault.trigger.atNs : atNs);
    this.armFaults();
  }

  /** What `inject` would take, without taking it (the services check a fault against every variant before journaling it). */
  normalizeInjection(entry: FaultEntry, atNs: number): InjectedFault {
    const stamped: FaultEntry = { ...entry, at: formatDuration(Math.max(atNs, this.now)) };
    const variant = { ...this.variant, faults: [...this.variant.faults, ...this.injected.map((injected) => injected.fault)] };
    const [fault] = faultsFromEntries([stamped], variant, this.scenario.horizonNs, this.scenario.fileName);
    return { entry: stamped, fault: fault! };
  }

  /** The description of a fault by its id (`faults[3]`), the file's own or an injected one. */
  faultDescription(id: string): string {
    const matches = (fault: ScenarioFault) => `faults[${fault.index}]` === id;
    return (this.variant.faults.find(matches) ?? this.injected.find((injected) => matches(injected.fault))?.fault)?.description ?? '';
  }

  /** An operator cancel (`migrate_cancel`); the source refuses it once post-copy started. */
  cancel(record: MigrationRecord, reason: string): void {
    if (record.queued) {
      this.pending.remove(record.id);
      record.queued = false;
      record.outcome = 'cancelled';
      this.event('migration-cancelled', record.id, `before it started: ${reason}`);
      this.releaseBacklog(record.vmName);
      return;
    }
    if (record.running !== undefined) this.toHost(record.running.source, { kind: 'migration.cancel', attemptId: record.running.attemptId, reason });
  }

  /** Its events so far (read-only: a live view). */
  get eventLog(): readonly ActorEvent[] {
    return this.events;
  }

  /** At the horizon: its records and events. */
  finish(): ControllerFacts {
    return { records: [...this.records.values()], network: this.network.usageSeries(this.scenario.horizonNs, reportGridNs(this.scenario)), events: this.events, injectedFaults: this.injected.map((injected) => injected.entry) };
  }
}
