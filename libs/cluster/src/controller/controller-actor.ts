import { FaultSchedule, type MigrationPolicy } from '@migsim/orchestration';
import { faultOf, faultsFromEntries, formatDuration, toMigrationPolicy, type FaultSpec as ScenarioFault, type Scenario, type ScenarioVariant } from '@migsim/scenario';
import type { FaultEntry } from '../chaos/draw-chaos';
import { EventQueue } from '../core/event-queue';
import type { ActorEvent } from '../host/host-facts';
import type { ClusterMessage, ControllerToHost } from '../messages/messages';
import { CONTROLLER_ID, hostActorId, type Actor, type ActorId, type Outbound } from '../world/actor';
import type { ClusterTestHooks } from '../world/test-hooks';
import { ClusterView } from './cluster-view';
import { ControllerFaults } from './controller-faults';
import type { ControllerPort } from './controller-port';
import { ControllerPlans } from './controller-plans';
import type { MigrationRecord, newMigrationRecord } from './migration-record';
import { MigrationQueue } from './migration-queue';
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
  readonly records = new Map<string, MigrationRecord>();
  /** Queue, admission, attempts and retries of the migrations requested. */
  readonly migrations: MigrationQueue;
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
  private faultWakeNs: number | undefined;
  /** Fault descriptions by id (`faultDescription`): a chaos schedule can hold thousands of faults, each described as it fires. */
  private readonly descriptions = new Map<string, string>();
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
    this.schedule = new FaultSchedule(options.variant.faults.map(faultOf));
    for (const fault of options.variant.faults) this.describe(fault);
    this.migrations = new MigrationQueue(this, {
      records: this.records,
      policy: this.policy,
      bypassAdmission: options.hooks?.bypassAdmission === true,
      faultSchedule: this.schedule,
      repickDestination: (record) => this.plans.repickDestination(record),
      admitAt: (atNs) => this.timers.push(atNs, { kind: 'admission' }),
    });
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
        this.migrations.ended(message);
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
          this.migrations.admit();
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

  private armFaults(): void {
    const next = this.schedule.nextTimeNs();
    if (next === undefined || next === this.faultWakeNs) return;
    this.faultWakeNs = next;
    this.timers.push(Math.max(next, this.now), { kind: 'faults' });
  }

  // ---- migrations requested -----------------------------------------------------

  requestMigration(fields: Parameters<typeof newMigrationRecord>[0]): MigrationRecord {
    return this.migrations.requestMigration(fields);
  }

  /** An operator cancel (`migrate_cancel`); the source refuses it once post-copy started. */
  cancel(record: MigrationRecord, reason: string): void {
    this.migrations.cancel(record, reason);
  }

  // ---- operators' faults ----------------------------------------------------------

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
    this.describe(injected.fault);
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
    return this.descriptions.get(id) ?? '';
  }

  /** The first fault with an id names it (the file's own come before injected ones). */
  private describe(fault: ScenarioFault): void {
    const id = `faults[${fault.index}]`;
    if (!this.descriptions.has(id)) this.descriptions.set(id, fault.description);
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
